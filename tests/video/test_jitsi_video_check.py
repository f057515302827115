"""manage.py video_check with VIDEO_PROVIDER=jitsi: our JWTs' claims, and Jitsi's IFrame API fetched over real HTTPS
from a loopback server with a certificate made here (trusted through SSL_CERT_FILE, as a real CA would be)."""

import contextlib
import datetime
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.management import CommandError, call_command

API = (Path(__file__).parent / "jitsi_double.js").read_bytes()  # it defines JitsiMeetExternalAPI, as the real one


def self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@contextlib.contextmanager
def iframe_api_over_https(tmp_path: Path, monkeypatch, path: str):
    """A loopback HTTPS server answering `path` with the IFrame API double, its certificate trusted as a CA's."""
    body = {"script": API}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path != path:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/javascript")
            self.end_headers()
            self.wfile.write(body["script"])

        def log_message(self, *args):
            pass

    cert, key = self_signed(tmp_path)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    server.body = body
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def jitsi_https(jitsi, tmp_path, monkeypatch):
    """The IFrame API at /external_api.js; JITSI_DOMAIN points at it."""
    with iframe_api_over_https(tmp_path, monkeypatch, "/external_api.js") as server:
        jitsi.JITSI_DOMAIN = f"localhost:{server.server_port}"
        jitsi.VIDEO_API_TIMEOUT_SECONDS = 2
        yield server


def test_the_check_passes_and_lists_what_it_cannot_see(jitsi_https):
    out = StringIO()
    call_command("video_check", stdout=out)
    text = out.getvalue()
    assert "FAIL" not in text
    for line in (
        "A JWT is for one room on this domain.",
        "A member's JWT is not a moderator's.",
        "A leader's JWT is a moderator's.",
        "Recording, livestreaming, transcription and outbound calls are off in every JWT.",
        "expires 15 min after the session's end",
        f"https://localhost:{jitsi_https.server_port}/external_api.js answers",
        "Not checked from here",
        "token_moderation or token_affiliation",
    ):
        assert line in text, line


def test_the_check_fails_when_the_iframe_api_is_not_jitsis(jitsi_https):
    jitsi_https.body["script"] = b"<html>Welcome to nginx</html>"
    out = StringIO()
    with pytest.raises(CommandError, match="1 step"):
        call_command("video_check", stdout=out)
    assert "FAIL  https://localhost" in out.getvalue()


def test_the_check_fails_when_the_domain_cannot_be_reached(jitsi_https):
    jitsi_https.shutdown()
    jitsi_https.server_close()
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("video_check", stdout=out)
    assert "could not be fetched" in out.getvalue()


def test_the_check_fails_on_a_certificate_nobody_trusts(jitsi_https, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE")
    monkeypatch.setenv("SSL_CERT_DIR", "/nonexistent")
    monkeypatch.setenv("SSL_CERT_FILE", "/nonexistent/ca.pem")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("video_check", stdout=out)
    assert "could not be fetched" in out.getvalue()
