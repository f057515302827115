"""Websocket routes of the live room."""

from django.urls import path

from sessions.room.consumer import RoomConsumer

websocket_urlpatterns = [
    path("ws/sessions/<int:session_id>/", RoomConsumer.as_asgi()),
]
