"""The leaders' settings page: welfare threshold and chat word list, audited; a phrase tested against the list."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from groups import texts

pytestmark = pytest.mark.django_db


def url(group) -> str:
    return reverse("groups:room_settings", args=[group.slug])


def test_settings_page_permission_ladder(cast, client, auth_client):
    response = client.get(url(cast.group))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert auth_client(cast.outsider).get(url(cast.group)).status_code == 404
    assert auth_client(cast.other_leader).get(url(cast.group)).status_code == 404
    assert auth_client(cast.removed).get(url(cast.group)).status_code in (403, 404)
    assert auth_client(cast.member).get(url(cast.group)).status_code == 403
    assert auth_client(cast.member).post(url(cast.group), {"welfare_threshold_minutes": 1}).status_code == 403
    assert auth_client(cast.co_leader).get(url(cast.group)).status_code == 200
    response = auth_client(cast.leader).get(url(cast.group))
    assert response.status_code == 200
    assert "microdosing" in response.content.decode()  # the group starts with the default list


def test_the_group_page_links_leaders_to_the_settings(cast, auth_client):
    assert url(cast.group) in auth_client(cast.leader).get(cast.group.get_absolute_url()).content.decode()
    assert url(cast.group) not in auth_client(cast.member).get(cast.group.get_absolute_url()).content.decode()


def test_a_leader_changes_the_threshold_and_the_list_and_it_is_audited(cast, auth_client):
    client = auth_client(cast.leader)
    words = "ketamine\n  Crypto  \n\nmicrodosing\n"
    response = client.post(url(cast.group), {"welfare_threshold_minutes": 5, "chat_word_list": words})
    assert response.status_code == 302
    cast.group.refresh_from_db()
    assert cast.group.welfare_threshold_minutes == 5
    assert cast.group.word_list == ["ketamine", "crypto", "microdosing"]
    event = AuditEvent.objects.get(action="groups.room_settings.changed")
    assert event.actor_id == cast.leader.pk
    assert event.data["welfare_threshold_minutes"] == {"from": 10, "to": 5}
    assert event.data["word_list"]["added"] == ["crypto"]
    assert "paki" in event.data["word_list"]["removed"]


def test_saving_the_same_settings_changes_and_records_nothing(cast, auth_client):
    client = auth_client(cast.leader)
    same = {"welfare_threshold_minutes": 10, "chat_word_list": cast.group.chat_word_list}
    client.post(url(cast.group), same)
    assert not AuditEvent.objects.filter(action="groups.room_settings.changed").exists()


def test_a_bad_threshold_is_refused_clearly_and_nothing_is_lost(cast, auth_client):
    client = auth_client(cast.leader)
    response = client.post(url(cast.group), {"welfare_threshold_minutes": 0, "chat_word_list": "only this"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "greater than or equal to 1" in html
    assert "only this" in html  # what they typed is still there
    cast.group.refresh_from_db()
    assert cast.group.welfare_threshold_minutes == 10 and "only this" not in cast.group.chat_word_list


def test_starting_again_from_the_default_list(cast, auth_client):
    cast.group.chat_word_list = "just one\n"
    cast.group.save(update_fields=["chat_word_list"])
    auth_client(cast.leader).post(url(cast.group), {"use_default": "1"})
    cast.group.refresh_from_db()
    assert cast.group.word_list == [line for line in texts.DEFAULT_WORD_LIST.splitlines() if line]
    assert AuditEvent.objects.filter(action="groups.room_settings.changed").count() == 1


@pytest.mark.parametrize(
    ("phrase", "held"),
    [("Has anyone tried micro-dosing?", "microdosing"), ("My family is from Pakistan", None)],
)
def test_a_leader_tests_a_phrase_and_sees_if_it_would_be_held_back(cast, auth_client, phrase, held):
    response = auth_client(cast.leader).post(url(cast.group), {"phrase": phrase})
    html = response.content.decode()
    assert response.status_code == 200
    if held:
        assert "Held back." in html and f"“{held}”" in html
    else:
        assert "Shown to the group." in html
    assert not AuditEvent.objects.filter(action="groups.room_settings.changed").exists()  # testing changes nothing


def test_the_room_holds_back_what_the_leaders_listed(cast, auth_client):
    from groups.wordlist import matched_word

    auth_client(cast.leader).post(url(cast.group), {"welfare_threshold_minutes": 10, "chat_word_list": "crypto"})
    cast.group.refresh_from_db()
    assert matched_word("buy CRYPT0S now", cast.group.word_list) == "crypto"
    assert matched_word("ketamine", cast.group.word_list) is None
