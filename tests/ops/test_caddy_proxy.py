"""The Caddyfile, run by a real Caddy on loopback in front of a small ASGI app that echoes what reaches it:
HTTPS with Caddy's own certificate (SITE_DOMAIN=localhost, the trial set-up), HTTP redirected to HTTPS,
websockets passed through, X-Forwarded-Proto set and a client's own X-Forwarded-For replaced.

Only the global options differ from production (ports of our own, no trust-store install: the test must not
change the machine); the site block is the file's own, with web:8000 pointed at the echo app.
"""

import asyncio
import http.client
import json
import os
import shutil
import signal
import ssl
import subprocess
import threading
import time
from pathlib import Path

import pytest
import uvicorn
import websockets

from tests.fixtures.gates import need_service
from tests.fixtures.servers import free_port

ROOT = Path(__file__).resolve().parents[2]


async def echo_app(scope, receive, send):
    """Answers HTTP with the request's headers as JSON; echoes websocket text frames."""
    if scope["type"] == "http":
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        body = json.dumps({"headers": headers, "scheme": scope["scheme"], "path": scope["path"]}).encode()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})
    elif scope["type"] == "websocket":
        await receive()  # connect
        await send({"type": "websocket.accept"})
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            await send({"type": "websocket.send", "text": "echo: " + message.get("text", "")})


@pytest.fixture
def echo_server():
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(echo_app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "echo server did not start"
        time.sleep(0.02)
    yield port
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def caddy(tmp_path, echo_server):
    need_service(shutil.which("caddy") is not None, "caddy not installed (apt-get install caddy)")
    https_port, http_port = free_port(), free_port()
    text = (ROOT / "Caddyfile").read_text()
    assert "admin off" in text and "reverse_proxy web:8000" in text
    text = text.replace(
        "admin off", f"admin off\n\tskip_install_trust\n\thttp_port {http_port}\n\thttps_port {https_port}"
    )
    text = text.replace("reverse_proxy web:8000", f"reverse_proxy 127.0.0.1:{echo_server}")
    (tmp_path / "Caddyfile").write_text(text)
    env = {
        **os.environ,
        "SITE_DOMAIN": f"localhost:{https_port}",
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "HOME": str(tmp_path),
    }
    process = subprocess.Popen(
        ["caddy", "run", "--config", str(tmp_path / "Caddyfile"), "--adapter", "caddyfile"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "caddy.log", "w"),  # noqa: SIM115 - closed with the process
    )
    root = tmp_path / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
    deadline = time.monotonic() + 30
    context = None
    while time.monotonic() < deadline:
        if root.exists():
            context = ssl.create_default_context(cafile=str(root))
            try:
                connection = http.client.HTTPSConnection("localhost", https_port, context=context, timeout=5)
                connection.request("GET", "/ready")
                if connection.getresponse().status == 200:
                    break
            except (OSError, ssl.SSLError):
                pass
        time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("Caddy did not serve HTTPS within 30 s: " + (tmp_path / "caddy.log").read_text()[-2000:])
    yield https_port, http_port, context
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def test_https_reaches_the_app_with_forwarded_headers_and_a_spoofed_address_replaced(caddy):
    https_port, _, context = caddy
    connection = http.client.HTTPSConnection("localhost", https_port, context=context, timeout=10)
    connection.request("GET", "/groups/", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "http"})
    response = connection.getresponse()
    assert response.status == 200
    seen = json.loads(response.read())
    assert seen["path"] == "/groups/"
    assert seen["headers"]["x-forwarded-proto"] == "https"
    # Caddy replaced the client's own entry: the one proxy the app trusts names the real peer.
    assert seen["headers"]["x-forwarded-for"] == "127.0.0.1"
    assert seen["headers"]["host"] == f"localhost:{https_port}"


def test_plain_http_is_redirected_to_https(caddy):
    https_port, http_port, _ = caddy
    connection = http.client.HTTPConnection("localhost", http_port, timeout=10)
    connection.request("GET", "/groups/", headers={"Host": f"localhost:{https_port}"})
    response = connection.getresponse()
    assert response.status in {301, 302, 307, 308}
    # In production the ports are 80 and 443; here Caddy's redirect names the default HTTPS port.
    assert response.getheader("Location").startswith("https://localhost")
    assert response.getheader("Location").endswith("/groups/")


def test_websockets_pass_through(caddy):
    https_port, _, context = caddy

    async def talk() -> str:
        async with websockets.connect(f"wss://localhost:{https_port}/ws/room/1/", ssl=context) as socket:
            await socket.send("hand raised")
            return await asyncio.wait_for(socket.recv(), 10)

    assert asyncio.run(talk()) == "echo: hand raised"
