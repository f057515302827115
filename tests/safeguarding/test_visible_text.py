"""Reasons and notes must hold text a reader can see: one validator, used wherever a reason is asked for."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import AuditEvent
from groups.models import Membership
from safeguarding import removals, services
from safeguarding.models import ContactAccess, Removal
from safeguarding.text import required_visible_text, visible_text
from sessions.models import CameraOffNotice
from tests.safeguarding.conftest import PHONE

INVISIBLE = [
    "\u200b",  # zero-width space
    " \u200b\u200c\u200d\u2060\ufeff ",  # zero-width (non-)joiners, word joiner, byte-order mark
    "\u00a0\u2003\u3000",  # no-break, em and ideographic spaces
    "\u202e\u2066\u2069",  # direction overrides and isolates
    "\u3164\u115f\u2800",  # fillers and the blank braille pattern: letters that show nothing
    "\t\r\n\x0b",
]


@pytest.mark.parametrize("value", INVISIBLE)
def test_text_of_only_format_and_space_characters_is_refused(value):
    with pytest.raises(ValidationError) as caught:
        required_visible_text(value, what="a reason", field="reason")
    assert caught.value.message_dict == {"reason": ["Please write a reason."]}
    assert visible_text(value) == ""


def test_visible_text_is_normalised_and_trimmed_but_kept():
    # "e" + combining acute becomes one "é"; the invisible edges go; the joiner inside a word stays.
    assert visible_text("\u200b  Cafe\u0301 in\u200dside \ufeff") == "Caf\u00e9 in\u200dside"
    assert (
        required_visible_text(" She said \u201cnot safe\u201d ", what="x", field="f") == "She said \u201cnot safe\u201d"
    )


def test_text_over_the_limit_is_refused():
    with pytest.raises(ValidationError):
        required_visible_text("a" * 11, what="x", field="f", max_length=10)


@pytest.mark.parametrize("reason", INVISIBLE)
def test_a_reveal_with_an_invisible_reason_is_refused_and_leaves_no_trace(cast, contact_for, reason):
    contact = contact_for(cast.member)
    with pytest.raises(ValidationError):
        services.reveal_contact_details(contact, actor=cast.trustee, reason=reason)
    assert not ContactAccess.objects.exists()
    assert not AuditEvent.objects.filter(action="safeguarding.contact.viewed").exists()


def test_the_welfare_reveal_page_with_a_zero_width_reason_shows_the_error_and_no_details(
    cast, contact_for, auth_client
):
    contact_for(cast.member)
    url = reverse("safeguarding:welfare_reveal", args=[cast.group.slug, cast.member.pk])
    response = auth_client(cast.leader).post(url, {"reason": "\u200b"})
    assert response.status_code == 200
    assert 'id="id_reason_error"' in response.content.decode()
    assert PHONE not in response.content.decode()
    assert not ContactAccess.objects.exists()


def test_a_case_note_of_a_zero_width_space_is_refused(cast, concern_factory):
    concern = concern_factory()
    with pytest.raises(ValidationError):
        services.add_case_note(concern, actor=cast.trustee, text="\u200b\u2060")


def test_a_removal_note_of_only_invisible_characters_is_kept_as_no_note(cast):
    membership = Membership.objects.get(user=cast.member, group=cast.group)
    removals.remove_member(membership, actor=cast.trustee, kind="permanent", reasons=["other"], note="\u200b \ufeff")
    assert Removal.objects.get().note == ""


def test_a_camera_off_reason_of_a_zero_width_space_is_asked_for_again(cast, auth_client, session_factory):
    upcoming = session_factory(cast.group)
    url = reverse("sessions:camera_off", args=[upcoming.pk])
    response = auth_client(cast.member).post(url, {"reason": "\u200b\u3000"})
    assert response.status_code == 200
    assert 'id="id_reason_error"' in response.content.decode()
    assert not CameraOffNotice.objects.exists()
