"""Websocket routes of the live room (filled in by the live room work)."""

websocket_urlpatterns: list = []
