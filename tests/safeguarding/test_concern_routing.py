"""Who a concern reaches: a member may go straight to the trustees; a concern about a leader always does."""

import pytest
from django.core import mail
from django.urls import reverse

from safeguarding.models import Concern

FORM = {"about": "self", "category": "other", "risk_level": "low", "details": "Something I'd rather not say here."}


@pytest.fixture(autouse=True)
def _sent(django_capture_on_commit_callbacks):
    """Each test's emails go out when its request commits (they are queued on commit)."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def url(cast) -> str:
    return reverse("safeguarding:raise_concern", args=[cast.group.slug])


def leaders_emailed(cast) -> bool:
    leaders = {cast.leader.email, cast.co_leader.email}
    return any(leaders & set(message.to) for message in mail.outbox)


def test_a_members_choice_to_go_to_the_trustees_is_honoured(cast, auth_client, _sent):
    response = _sent(lambda: auth_client(cast.member).post(url(cast), {**FORM, "to_trustees": "on"}))

    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.to_trustees and concern.is_with_trustees
    assert not leaders_emailed(cast)
    assert cast.trustee.email in {to for message in mail.outbox for to in message.to}


def test_without_the_choice_the_concern_is_with_the_leaders(cast, auth_client, _sent):
    _sent(lambda: auth_client(cast.member).post(url(cast), FORM))

    assert not Concern.objects.get().to_trustees
    assert leaders_emailed(cast)


def test_a_member_naming_a_leader_sends_it_to_the_trustees_only(cast, auth_client, _sent):
    from groups.models import Membership

    leader = Membership.objects.get(group=cast.group, user=cast.leader)
    _sent(lambda: auth_client(cast.member).post(url(cast), {**FORM, "about": "leader", "about_leader": leader.pk}))

    concern = Concern.objects.get()
    assert (concern.about, concern.about_user, concern.to_trustees) == ("leader", cast.leader, True)
    assert not leaders_emailed(cast)


@pytest.mark.parametrize(
    "overrides",
    [
        {"about": Concern.About.LEADER},
        {"category": Concern.Category.LEADER_CONDUCT},
        {"about": Concern.About.MEMBER, "about_user": "co_leader"},
    ],
    ids=["about-a-leader", "leader-conduct", "a-member-who-is-a-leader"],
)
def test_a_concern_about_a_leader_arriving_through_the_group_is_routed_to_the_trustees(
    cast, concern_factory, overrides, _sent
):
    if overrides.get("about_user") == "co_leader":
        overrides = {**overrides, "about_user": cast.co_leader}
    concern = _sent(lambda: concern_factory(raised_by=cast.leader, **overrides))

    assert concern.to_trustees
    assert not Concern.objects.raised_with_leaders_of(cast.group).filter(pk=concern.pk).exists()
    assert not leaders_emailed(cast)


def test_the_member_form_offers_the_trustees_and_the_leaders_names(cast, auth_client):
    page = auth_client(cast.member).get(url(cast)).content.decode()

    assert "Send this only to the charity&#x27;s safeguarding leads" in page
    assert "Leader Lee" in page and "Member Mo" not in page.split("<main", 1)[1].split("</main>")[0]


def test_naming_someone_who_is_not_a_leader_as_the_leader_is_refused(cast, concern_factory):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        concern_factory(about=Concern.About.LEADER, about_user=cast.member)
    assert "about_user" in exc.value.message_dict
    assert not Concern.objects.exists()
