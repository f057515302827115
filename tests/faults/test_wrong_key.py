"""The app runs with the wrong encryption key (a deploy that lost or mistyped FIELD_ENCRYPTION_KEYS).

Decryption fails closed: every page that needs a protected value answers with the kind error page,
never with ciphertext, garbage or a traceback; the log names the model, field and row (so the operator
knows what to fix) and holds neither the ciphertext nor anything decrypted. Pages that need no protected
value keep working. The model-level checks are in tests/safeguarding/test_encryption.py; the same drill
against the production web server is test_wrong_key_on_a_real_server below (integration run).
"""

import logging
import os

import pytest
from cryptography.fernet import Fernet
from django.test import Client
from django.urls import reverse

from safeguarding import services
from safeguarding.models import Concern, ContactDetails
from sessions.models import CameraOffNotice
from tests.faults.servers import TRACEBACK_SIGNS, Browser

PHONE = "07700 900999"
CONCERN = "Worried about a member who said goodbye in a strange way."
REASON = "My room is where I am not comfortable being seen."


@pytest.fixture
def protected(cast, session_factory):
    """One of each protected value, written under the right key."""
    from groups.models import Membership
    from sessions import camera_off_notices

    session = session_factory(cast.group)
    services.save_contact_details(user=cast.member, consent=True, phone=PHONE)
    concern = services.raise_concern(
        raised_by=cast.member, group=cast.group, category="risk_to_adult", risk_level="medium", details=CONCERN
    )
    membership = Membership.objects.get(group=cast.group, user=cast.member)
    camera_off_notices.give_camera_off_notice(membership, session=session, reason=REASON, standing=False)
    return {"session": session, "concern": concern}


@pytest.fixture
def wrong_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # valid, but not the data's key


def pages_needing_protected_values(cast, protected) -> list[tuple[str, str]]:
    return [
        ("member", reverse("safeguarding:my_contact_details")),
        ("leader", reverse("sessions:meeting_link", args=[protected["session"].pk])),
        ("leader", reverse("safeguarding:concern_detail", args=[protected["concern"].pk])),
        ("leader", reverse("sessions:camera_off_list", args=[protected["session"].pk])),
        ("trustee", reverse("admin:safeguarding_concern_change", args=[protected["concern"].pk])),
    ]


def ciphertexts() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM safeguarding_contactdetails")
        values = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT details FROM safeguarding_concern")
        values += [row[0] for row in cursor.fetchall()]
    return values


def test_pages_that_need_a_protected_value_fail_closed_with_the_kind_error_page(cast, protected, wrong_key, caplog):
    stored = ciphertexts()
    for who, url in pages_needing_protected_values(cast, protected):
        client = Client(raise_request_exception=False)
        client.force_login(getattr(cast, who))
        with caplog.at_level(logging.ERROR, logger="django.request"):
            response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 500, url
        assert "Something went wrong on our side" in body, url
        assert not TRACEBACK_SIGNS.search(body), url
        for secret in [PHONE, CONCERN, REASON, "gAAAA", *stored]:
            assert secret not in body, (url, secret)

    logged = "\n".join(caplog.text.splitlines())
    assert "Could not decrypt" in logged  # the operator learns what is wrong...
    assert "safeguarding.ContactDetails.phone (id=" in logged  # ...and where
    for secret in [PHONE, CONCERN, REASON, *stored]:
        assert secret not in logged  # but never the value, encrypted or not


def test_positive_control_with_the_right_key_the_same_pages_open(cast, protected):
    for who, url in pages_needing_protected_values(cast, protected):
        client = Client()
        client.force_login(getattr(cast, who))
        assert client.get(url).status_code == 200, url


def test_pages_that_need_no_protected_value_keep_working(cast, protected, wrong_key):
    client = Client()
    client.force_login(cast.member)
    for url in [
        reverse("groups:mine"),
        cast.group.get_absolute_url(),
        reverse("sessions:group", args=[cast.group.slug]),
        reverse("sessions:detail", args=[protected["session"].pk]),
    ]:
        assert client.get(url).status_code == 200, url


def test_the_wrong_key_never_decrypts_to_something_else(cast, protected, wrong_key):
    from core.crypto import DecryptionError

    for read in [
        lambda: ContactDetails.objects.get().phone,
        lambda: Concern.objects.get().details,
        lambda: CameraOffNotice.objects.get().reason,
    ]:
        with pytest.raises(DecryptionError):
            read()


def test_restoring_the_right_key_beside_the_wrong_one_recovers_every_row(cast, protected, settings):
    """Someone kept working while the key was wrong: their new row used it. With the right key restored and
    the wrong one kept after it, every row reads again (and rotate_encryption_keys can move them all)."""
    right = list(settings.FIELD_ENCRYPTION_KEYS)
    wrong = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [wrong]
    services.save_contact_details(user=cast.leader, consent=True, phone="07700 900111")

    settings.FIELD_ENCRYPTION_KEYS = [*right, wrong]
    assert {contact.phone for contact in ContactDetails.objects.all()} == {PHONE, "07700 900111"}


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_wrong_key_on_a_real_server(app_server, cast, protected, settings):
    """The same, against the production web server started with a valid key that is not the data's."""
    from tests.room.conftest import session_cookie

    stored = ciphertexts()
    server = app_server(redis_url=os.environ["REDIS_URL"], FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode())
    browser = Browser(server)
    browser.cookies["sessionid"] = session_cookie(cast.member).decode().split("=", 1)[1]

    response = browser.get(reverse("safeguarding:my_contact_details"))
    assert response.status == 500
    assert "Something went wrong on our side" in response.body
    assert not TRACEBACK_SIGNS.search(response.body)
    assert PHONE not in response.body and "gAAAA" not in response.body
    assert browser.get(reverse("groups:mine")).status == 200  # the rest of the app still works

    log = server.log()
    assert "Could not decrypt safeguarding.ContactDetails.phone" in log
    for secret in [PHONE, *stored]:
        assert secret not in log
