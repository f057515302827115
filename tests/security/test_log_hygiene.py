"""Logs never hold a working token, and a refusal is an ordinary event, not an error with a traceback.

Through the real request path (the test client runs Django's whole handler, which is what logs
"Forbidden: /path"), and through uvicorn's own access log as the server runs it.
"""

import contextlib
import logging
import re
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.urls import reverse

from groups import invitations
from tests.fixtures.servers import free_port
from tests.sessions.conftest import LINK

pytestmark = pytest.mark.django_db(transaction=True)


def everything_logged(caplog) -> str:
    return "\n".join(
        f"{r.levelname} {r.name} {r.getMessage()} {r.exc_text or ''} {r.exc_info or ''}" for r in caplog.records
    )


def ticket_url(client, session) -> str:
    response = client.post(reverse("sessions:join", args=[session.pk]))
    return re.search(r'href="(/sessions/\d+/go/[^"/]+/)"', response.content.decode()).group(1)


@pytest.fixture
def joinable(cast, session_factory):
    return session_factory(cast.group, starts_in=timedelta(minutes=5), meeting_link=LINK)


def test_a_ticket_refused_for_the_wrong_member_is_not_in_the_log_while_it_still_works(cast, client, joinable, caplog):
    client.force_login(cast.member)
    url = ticket_url(client, joinable)
    token = url.rstrip("/").rsplit("/", 1)[1]

    client.force_login(cast.co_leader)
    with caplog.at_level(logging.INFO):
        assert client.get(url).status_code == 403

    logged = everything_logged(caplog)
    assert "/go/" in logged  # the refusal is logged, with the path
    assert token not in logged
    # It is still the owner's working ticket: exactly what must not be in a log.
    client.force_login(cast.member)
    assert client.get(url)["Location"] == LINK


def test_an_invitation_token_is_not_in_the_log(cast, client, caplog):
    invitation, token = invitations.create_invitation(cast.group, actor=cast.leader)
    invitations.revoke_invitation(invitation, actor=cast.leader)
    with caplog.at_level(logging.INFO):
        response = client.get(reverse("groups:invitation", args=[token]))
        client.get(reverse("groups:invitation", args=[token + "x"]))
    assert response.status_code >= 400
    assert "/invite/" in everything_logged(caplog)
    assert token not in everything_logged(caplog)


def test_a_permission_refusal_is_logged_at_info_without_a_traceback(cast, client, session_factory, caplog):
    session = session_factory(cast.group, starts_in=timedelta(minutes=-5), status="open")
    client.force_login(cast.member)
    url = reverse("sessions:dashboard", args=[session.pk])  # leaders only: PermissionDenied for a member
    with caplog.at_level(logging.DEBUG):
        assert client.get(url).status_code == 403

    refusals = [r for r in caplog.records if r.name == "django.request"]
    assert refusals, "the refusal is still logged"
    assert all(r.levelno == logging.INFO and r.exc_info is None for r in refusals), everything_logged(caplog)
    assert "Traceback" not in caplog.text


def test_positive_control_a_real_error_still_logs_its_traceback(caplog, rf):
    from django.core.handlers.exception import response_for_exception

    with caplog.at_level(logging.INFO):
        try:
            raise RuntimeError("boom")
        except RuntimeError as exc:
            response_for_exception(rf.get("/anything/"), exc)
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.ERROR and record.exc_info


def test_the_servers_access_log_never_holds_a_token(cast, settings, caplog):
    """uvicorn with its access log on (docker-compose turns it off; someone may turn it on)."""
    import uvicorn

    from peersupport.asgi import application

    _, token = invitations.create_invitation(cast.group, actor=cast.leader)
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(application, host="127.0.0.1", port=port, lifespan="off", access_log=True, log_config=None)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        thread.start()
        while not server.started:
            time.sleep(0.02)
        try:
            for path in (f"/groups/invite/{token}/", f"/sessions/calendar/{token}.ics", f"/sessions/1/go/{token}/"):
                # Refused or not found: the request line is logged all the same.
                with contextlib.suppress(urllib.error.HTTPError):
                    urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10)
        finally:
            server.should_exit = True
            thread.join(timeout=10)
    access = [r.getMessage() for r in caplog.records if r.name == "uvicorn.access"]
    assert len(access) >= 3 and all("[redacted]" in line for line in access)
    assert not [line for line in access if token in line]


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("groups:invitation", ["tok3n-AbC_123"]),
        ("sessions:go", [7, "tok3n-AbC_123"]),
        ("sessions:calendar_feed", ["tok3n-AbC_123"]),
        ("account_confirm_email", ["tok3n-AbC_123"]),
        ("account_reset_password_from_key", ["ab12", "tok3n-AbC_123"]),
    ],
)
def test_every_url_that_carries_a_token_is_redacted(name, args):
    from peersupport.log_redaction import redact

    path = reverse(name, args=args)
    assert "tok3n-AbC_123" not in redact(f'"GET {path}?x=1 HTTP/1.1" 200')
