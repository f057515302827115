"""The ONS4 wellbeing check-in a group may choose: asked once a month before the room, skippable in one tap,
the member's own (encrypted, theirs to see, export and erase, theirs to switch off)."""

from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from peersupport.gdpr import erase_account, export_user_data
from sessions.models import GroupSession
from wellbeing.checkin import services
from wellbeing.checkin.models import CheckInAnswer, GroupCheckIn
from wellbeing.checkin.questions import ATTRIBUTION, QUESTIONS

ALL_SEVENS = {key: 7 for key, _ in QUESTIONS}


@pytest.fixture
def joinable(cast, session_factory) -> GroupSession:
    return session_factory(cast.group, starts_in=timedelta(minutes=-5), status=GroupSession.Status.OPEN)


@pytest.fixture
def asking(cast):
    """The cast's group asks the check-in (switched on by a leader)."""
    services.set_group_check_in(cast.group, actor=cast.leader, asks=True)
    return cast.group


def join_url(session) -> str:
    return reverse("sessions:join", args=[session.pk])


def check_in_url(session, next_url: str) -> str:
    return f"{reverse('wellbeing:check_in', args=[session.pk])}?{urlencode({'next': next_url})}"


def answers_form(**values) -> dict:
    return {f"q_{key}": values.get(key, 7) for key, _ in QUESTIONS}


# --- when it is asked ------------------------------------------------------------------------------------------


def test_a_group_does_not_ask_unless_it_chooses_to(cast, joinable, auth_client):
    assert GroupCheckIn.asks_for(cast.group) is False
    assert auth_client(cast.member).get(join_url(joinable)).status_code == 200


def test_the_first_join_of_the_month_is_sent_to_the_check_in_then_back(cast, joinable, asking, auth_client):
    response = auth_client(cast.member).get(join_url(joinable))
    assert response.status_code == 302
    assert response["Location"] == check_in_url(joinable, join_url(joinable))


def test_coming_straight_to_the_room_asks_too(cast, joinable, asking, auth_client):
    room = reverse("sessions:room", args=[joinable.pk])
    response = auth_client(cast.member).get(room)
    assert response.status_code == 302 and response["Location"] == check_in_url(joinable, room)


def test_leaders_are_never_asked(cast, joinable, asking, auth_client):
    assert auth_client(cast.leader).get(join_url(joinable)).status_code == 200


def test_the_page_asks_the_four_ons_questions_with_the_attribution(cast, joinable, asking, auth_client):
    body = auth_client(cast.member).get(check_in_url(joinable, join_url(joinable))).content.decode()
    assert "Overall, how satisfied are you with your life nowadays?" in body
    assert "Overall, to what extent do you feel that the things you do in your life are worthwhile?" in body
    assert "Overall, how happy did you feel yesterday?" in body
    assert "Overall, how anxious did you feel yesterday?" in body
    assert ATTRIBUTION in body and "Office for National Statistics" in body
    assert 'name="skip"' in body


def test_answers_are_kept_encrypted_audited_and_not_asked_again_this_month(cast, joinable, asking, auth_client):
    client = auth_client(cast.member)
    response = client.post(check_in_url(joinable, join_url(joinable)), answers_form(happy=9, anxious=2))
    assert response.status_code == 302 and response["Location"] == join_url(joinable)

    answer = CheckInAnswer.objects.get(user=cast.member, group=cast.group)
    assert answer.scores() == {"satisfied": 7, "worthwhile": 7, "happy": 9, "anxious": 2}
    assert answer.month == timezone.localdate(joinable.starts_at).replace(day=1)
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(CheckInAnswer._meta.db_table)
        cursor.execute(f"SELECT answers FROM {table} WHERE id = %s", [answer.pk])  # noqa: S608 - our own table name
        raw = cursor.fetchone()[0]
    assert raw.startswith("gAAAA") and "happy" not in raw
    event = AuditEvent.objects.get(action="wellbeing.check_in.answered")
    assert "9" not in str(event.data) and "happy" not in str(event.data)

    assert client.get(join_url(joinable)).status_code == 200


def test_skipping_is_one_tap_and_lasts_the_month(cast, joinable, asking, auth_client, session_factory):
    client = auth_client(cast.member)
    response = client.post(check_in_url(joinable, join_url(joinable)), {"skip": "1"})
    assert response.status_code == 302 and response["Location"] == join_url(joinable)
    assert CheckInAnswer.objects.get(user=cast.member).skipped is True
    assert client.get(join_url(joinable)).status_code == 200

    later = session_factory(cast.group, starts_in=timedelta(days=3))
    assert services.check_in_due(cast.member, later) is (
        timezone.localdate(later.starts_at).month != timezone.localdate(joinable.starts_at).month
    )


def test_a_new_month_asks_again(cast, joinable, asking):
    this_month = timezone.localdate(joinable.starts_at).replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    CheckInAnswer.objects.create(user=cast.member, group=cast.group, month=last_month, skipped=True)
    assert services.check_in_due(cast.member, joinable) is True


def test_every_question_may_be_left_out_but_a_score_must_be_0_to_10(cast, joinable, asking, auth_client):
    client = auth_client(cast.member)
    response = client.post(check_in_url(joinable, join_url(joinable)), {**answers_form(), "q_happy": "11"})
    assert response.status_code == 200 and "Please choose a number from 0 to 10" in response.content.decode()
    assert not CheckInAnswer.objects.exists()

    form = answers_form()
    del form["q_anxious"]
    client.post(check_in_url(joinable, join_url(joinable)), form)
    assert CheckInAnswer.objects.get().scores()["anxious"] is None


def test_a_next_address_elsewhere_is_ignored(cast, joinable, asking, auth_client):
    response = auth_client(cast.member).post(check_in_url(joinable, "https://evil.example/"), {"skip": "1"})
    assert response["Location"] == join_url(joinable)


def test_a_member_who_switched_it_off_is_not_asked(cast, joinable, asking, auth_client):
    client = auth_client(cast.member)
    client.post(reverse("wellbeing:my_check_ins"), {"asks": ""})
    assert client.get(join_url(joinable)).status_code == 200
    assert AuditEvent.objects.filter(action="wellbeing.check_in.switched_off").exists()

    client.post(reverse("wellbeing:my_check_ins"), {"asks": "on"})
    assert client.get(join_url(joinable)).status_code == 302


def test_someone_outside_the_group_cannot_open_its_check_in(cast, joinable, asking, auth_client):
    assert auth_client(cast.outsider).get(check_in_url(joinable, "/")).status_code == 404


# --- the group's choice ----------------------------------------------------------------------------------------


def test_a_leader_switches_it_on_from_the_settings_page_audited(cast, auth_client):
    client = auth_client(cast.leader)
    settings_page = client.get(reverse("groups:room_settings", args=[cast.group.slug])).content.decode()
    assert reverse("wellbeing:group_check_in", args=[cast.group.slug]) in settings_page

    response = client.post(reverse("wellbeing:group_check_in", args=[cast.group.slug]), {"asks": "on"})
    assert response.status_code == 302
    assert GroupCheckIn.asks_for(cast.group) is True
    assert AuditEvent.objects.filter(action="wellbeing.check_in.group_changed").count() == 1


@pytest.mark.parametrize("who", ["member", "other_leader"])
def test_only_the_groups_leaders_change_it(cast, auth_client, who):
    response = auth_client(getattr(cast, who)).post(
        reverse("wellbeing:group_check_in", args=[cast.group.slug]), {"asks": "on"}
    )
    assert response.status_code in (403, 404)
    assert GroupCheckIn.asks_for(cast.group) is False


# --- the member's own page, export and erasure -----------------------------------------------------------------


def test_the_member_sees_only_their_own_answers_with_a_chart(cast, joinable, asking, auth_client):
    services.answer_check_in(user=cast.member, session=joinable, scores={**ALL_SEVENS, "happy": 4})
    other = CheckInAnswer.objects.create(user=cast.co_leader, group=cast.group, month=date(2026, 1, 1))
    other.set_scores({**ALL_SEVENS, "happy": 1})
    other.save()

    client = auth_client(cast.member)
    body = client.get(reverse("wellbeing:my_check_ins")).content.decode()
    assert "<td>4</td>" in body and "<td>1</td>" not in body
    chart = client.get(reverse("wellbeing:my_check_ins_chart"))
    assert chart["Content-Type"].startswith("image/svg+xml") and b"<script" not in chart.content
    assert "no-store" in chart["Cache-Control"]


def test_the_answers_are_in_the_export_and_go_with_the_account(cast, joinable, asking):
    services.answer_check_in(user=cast.member, session=joinable, scores=ALL_SEVENS)
    data = export_user_data(cast.member)
    [exported] = data["wellbeing_check_ins"]
    assert exported["group"] == cast.group.name
    assert exported["answers"]["Overall, how happy did you feel yesterday?"] == 7

    erase_account(cast.member, actor=cast.member)
    assert not CheckInAnswer.objects.filter(user=cast.member).exists()
