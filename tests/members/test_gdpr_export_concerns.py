"""A person's data download holds their own concerns in full, and of concerns they raised about someone
else only that they raised one, and when: the words are about the other person (even after a leader steps
down)."""

import json

from django.urls import reverse

from groups import services as groups
from groups.models import Membership
from safeguarding import services

ABOUT_MEMBER = "Mo said things in the session that worried me about their safety at home."
ABOUT_GROUP = "The group has been talking a lot about a risky diet this month."
ABOUT_ME = "I have been struggling to sleep and felt very low this week."


def download(client) -> dict:
    response = client.post(reverse("members:download_my_data"))
    assert response.status_code == 200
    return json.loads(response.content)


def test_a_leaders_download_says_when_they_raised_concerns_about_others_but_not_the_words(cast, auth_client):
    services.raise_concern(
        raised_by=cast.leader,
        group=cast.group,
        category="risk_to_adult",
        risk_level="high",
        details=ABOUT_MEMBER,
        about="member",
        about_user=cast.member,
        to_trustees=True,
    )
    services.raise_concern(
        raised_by=cast.leader,
        group=cast.group,
        category="coping_methods",
        risk_level="low",
        details=ABOUT_GROUP,
        about="group",
    )
    groups.step_down(Membership.objects.get(user=cast.leader, group=cast.group), actor=cast.leader)

    export = download(auth_client(cast.leader))

    text = json.dumps(export)
    assert ABOUT_MEMBER not in text and ABOUT_GROUP not in text
    assert cast.member.display_name not in text
    raised = export["concerns_raised"]
    assert len(raised) == 2
    for entry in raised:
        assert set(entry) == {"raised_at", "group", "about"}
        assert entry["about"] == "someone else" and entry["raised_at"]


def test_positive_control_a_concern_about_myself_is_in_my_download_in_full(cast, auth_client):
    services.raise_concern(
        raised_by=cast.member, group=cast.group, category="risk_to_self", risk_level="medium", details=ABOUT_ME
    )
    [entry] = download(auth_client(cast.member))["concerns_raised"]
    assert entry["details"] == ABOUT_ME
