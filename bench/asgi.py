"""The app's ASGI application, with the time each HTTP response took in a `Server-Timing` header.

Only the pages scenario serves through this; the websocket scenarios use peersupport.asgi directly.
Django builds the whole response before it sends `http.response.start`, so the header holds the
server's time for the request: middleware, view, queries and template.
"""

import time

from peersupport.asgi import application as app


async def application(scope, receive, send):
    if scope["type"] != "http":
        return await app(scope, receive, send)
    started = time.perf_counter()

    async def timed_send(message):
        if message["type"] == "http.response.start":
            took_ms = (time.perf_counter() - started) * 1000
            headers = [*message.get("headers", []), (b"server-timing", f"app;dur={took_ms:.3f}".encode())]
            message = {**message, "headers": headers}
        await send(message)

    await app(scope, receive, timed_send)
