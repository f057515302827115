"""All websocket routes of the project, gathered from the apps."""

from sessions.routing import websocket_urlpatterns as session_routes

websocket_urlpatterns = [*session_routes]
