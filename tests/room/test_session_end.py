"""A session that ends right: the leaving check-in for whoever is still in, a true register, ended sessions
never "coming up", welfare prompts from the server, the agreement page instead of a dead end."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import GuidelinesVersion
from safeguarding.models import Concern
from sessions.models import Attendance, GroupSession, RoomAlert, RoomParticipant
from sessions.room import admission, dispatch, leader_actions, member_actions, presence
from sessions.room.protocol import parse
from sessions.room.welfare import prompt_welfare
from sessions.services import end_session
from tests.room.conftest import drain, joined, receive_until


def _membership(cast, user):
    return cast.group.memberships.get(user=user)


def _enter(cast, session, user):
    presence.enter(session, _membership(cast, user))


def _do(session, user, **data):
    return dispatch.perform(session.pk, user, parse(data))


# --- ending with people still in the room ----------------------------------------------------------


@pytest.fixture
def three_more(cast, membership_factory, user_factory):
    return [membership_factory(cast.group, user_factory()).user for _ in range(3)]


@pytest.mark.django_db(transaction=True)
async def test_members_still_in_the_room_at_the_end_raise_no_left_without_check_in_alerts(
    socket_for, cast, open_session, three_more
):
    others = three_more
    leader = await joined(socket_for, cast.leader, open_session, expect="snapshot")
    members = [await joined(socket_for, user, open_session, expect="welcome") for user in [cast.member, *others]]
    await drain(leader)
    await leader.send_json_to({"type": "end_session"})
    for member in members:
        assert (await receive_until(member, "session_ended"))["type"] == "session_ended"
        await member.disconnect()
    await leader.disconnect()

    def check():
        assert not RoomAlert.objects.filter(session=open_session, kind=RoomAlert.Kind.LEFT).exists()
        ended = RoomParticipant.objects.filter(session=open_session, left_when_ended=True, is_leader=False)
        assert ended.count() == 4

    from channels.db import database_sync_to_async

    await database_sync_to_async(check)()


def test_after_the_end_the_member_is_offered_the_leaving_check_in_with_nothing_chosen(auth_client, cast, open_session):
    _enter(cast, open_session, cast.member)
    end_session(open_session, actor=cast.leader)
    client = auth_client(cast.member)
    # Opening the room again leads to the check-in, not to a dead end.
    response = client.get(reverse("sessions:room", args=[open_session.pk]))
    assert response.status_code == 302
    assert response.url == reverse("sessions:room_left", args=[open_session.pk])
    page = client.get(response.url).content.decode()
    assert "Before you go, a quick word for the leaders" in page
    assert "checked" not in page


def test_the_check_in_after_the_end_reaches_the_leaders_once(auth_client, cast, open_session):
    _enter(cast, open_session, cast.member)
    end_session(open_session, actor=cast.leader)
    client = auth_client(cast.member)
    url = reverse("sessions:room_left", args=[open_session.pk])
    assert client.post(url, {"choice": ""}).status_code == 400
    assert client.post(url, {"choice": "contact"}).status_code == 302
    assert client.post(url, {"choice": "ok"}).status_code == 400  # already given
    alerts = RoomAlert.objects.filter(session=open_session, user=cast.member, kind=RoomAlert.Kind.CHECK_IN)
    assert [a.check_in for a in alerts] == ["contact"]
    assert "Before you go" not in client.get(url).content.decode()


def test_someone_who_left_before_the_end_is_not_asked_again(auth_client, cast, open_session):
    _enter(cast, open_session, cast.member)
    _do(open_session, cast.member, type="leave", choice="ok")
    end_session(open_session, actor=cast.leader)
    assert not member_actions.check_in_due_after_end(GroupSession.objects.get(pk=open_session.pk), cast.member)


def test_the_in_room_leaving_check_in_starts_with_nothing_chosen(auth_client, cast, open_session):
    page = auth_client(cast.member).get(reverse("sessions:room", args=[open_session.pk])).content.decode()
    form = page[page.index('id="leave-heading"') :]
    assert 'name="choice"' in form
    assert "checked" not in form


# --- attendance -----------------------------------------------------------------------------------


def test_going_to_the_room_directly_is_recorded_in_the_register(auth_client, cast, open_session):
    auth_client(cast.member).get(reverse("sessions:room", args=[open_session.pk]))
    assert Attendance.objects.filter(session=open_session, user=cast.member, left_at__isnull=True).exists()


def test_leaders_are_in_the_register_too(auth_client, cast, open_session):
    auth_client(cast.leader).get(reverse("sessions:dashboard", args=[open_session.pk]))
    assert Attendance.objects.filter(session=open_session, user=cast.leader).exists()


def test_a_second_tab_is_not_a_second_join_but_coming_back_is(cast, open_session):
    _enter(cast, open_session, cast.member)
    _enter(cast, open_session, cast.member)
    assert Attendance.objects.get(session=open_session, user=cast.member).times_joined == 1
    _do(open_session, cast.member, type="leave", choice="ok")
    _enter(cast, open_session, cast.member)
    attendance = Attendance.objects.get(session=open_session, user=cast.member)
    assert (attendance.times_joined, attendance.left_at) == (2, None)


def test_a_removal_records_its_own_time_and_marks_the_row_removed(cast, open_session):
    _enter(cast, open_session, cast.member)
    removed_at = timezone.now()
    leader_actions.remove_from_session(open_session, cast.member, actor=cast.leader, reason="offensive_language")
    GroupSession.objects.filter(pk=open_session.pk).update(ends_at=timezone.now() + timedelta(hours=2))
    end_session(open_session, actor=cast.leader)
    attendance = Attendance.objects.get(session=open_session, user=cast.member)
    assert attendance.removed_at is not None
    assert attendance.left_at == attendance.removed_at
    assert attendance.left_at - removed_at < timedelta(seconds=5)
    assert GroupSession.objects.get(pk=open_session.pk).ended_at > attendance.left_at


def test_the_register_marks_a_removal(auth_client, cast, open_session):
    _enter(cast, open_session, cast.member)
    leader_actions.remove_from_session(open_session, cast.member, actor=cast.leader, reason="offensive_language")
    page = auth_client(cast.leader).get(reverse("sessions:register", args=[open_session.pk])).content.decode()
    assert "removed" in page


# --- ended and cancelled sessions are not coming up --------------------------------------------------


@pytest.mark.parametrize("how", ["ended", "cancelled"])
def test_ended_and_cancelled_sessions_are_never_coming_up(auth_client, cast, session_factory, how):
    session = session_factory(cast.group, starts_in=timedelta(minutes=-10), topic="Gone already")
    GroupSession.objects.filter(pk=session.pk).update(
        status=GroupSession.Status.ENDED if how == "ended" else GroupSession.Status.CANCELLED
    )
    assert not GroupSession.objects.upcoming().filter(pk=session.pk).exists()
    client = auth_client(cast.leader)
    group_page = client.get(reverse("groups:detail", args=[cast.group.slug])).content.decode()
    assert "Gone already" not in group_page
    my_groups = client.get(reverse("groups:mine")).content.decode()
    assert "Gone already" not in my_groups
    listing = client.get(reverse("sessions:group", args=[cast.group.slug])).content.decode()
    coming_up = listing[listing.index("upcoming-heading") : listing.index("</section>")]
    assert "Gone already" not in coming_up
    assert "Gone already" in listing[listing.index("</section>") :]


def test_an_open_session_past_its_planned_end_is_still_happening_now(cast, session_factory):
    session = session_factory(cast.group, starts_in=timedelta(hours=-3), status=GroupSession.Status.OPEN)
    assert GroupSession.objects.upcoming().filter(pk=session.pk).exists()


# --- welfare prompts from the server -----------------------------------------------------------------


def test_the_beat_task_prompts_the_leaders_without_any_dashboard_open(cast, open_session):
    _enter(cast, open_session, cast.member)
    _do(open_session, cast.member, type="step_out")
    minutes = cast.group.welfare_threshold_minutes
    RoomParticipant.objects.filter(user=cast.member).update(
        stepped_out_at=timezone.now() - timedelta(minutes=minutes + 1)
    )
    assert prompt_welfare() == 1
    assert prompt_welfare() == 0  # once per time away
    assert RoomAlert.objects.filter(session=open_session, kind=RoomAlert.Kind.WELFARE, user=cast.member).count() == 1


def test_the_welfare_prompt_is_scheduled_in_beat(settings):
    assert any(e["task"] == "sessions.prompt_welfare" for e in settings.CELERY_BEAT_SCHEDULE.values())


def test_im_back_tells_the_leaders_at_once_that_the_prompt_is_settled(cast, open_session):
    _enter(cast, open_session, cast.member)
    _do(open_session, cast.member, type="step_out")
    RoomParticipant.objects.filter(user=cast.member).update(stepped_out_at=timezone.now() - timedelta(hours=1))
    prompt_welfare()
    outcome = _do(open_session, cast.member, type="back")
    alerts = [d.payload["alert"] for d in outcome.deliveries if d.payload["type"] == "alert"]
    assert [(a["kind"], a["lowered_at"] is not None) for a in alerts] == [("welfare", True)]


# --- agreement, concerns from the room, the concern form ---------------------------------------------


def test_a_member_who_has_not_agreed_is_sent_to_agree_and_back(auth_client, cast, open_session):
    GuidelinesVersion.objects.create(group=cast.group, number=2)
    url = reverse("sessions:room", args=[open_session.pk])
    response = auth_client(cast.member).get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("groups:agree", args=[cast.group.slug]))
    assert "next=" in response.url


def test_a_concern_recorded_from_the_room_is_in_the_groups_concerns_list(auth_client, cast, open_session):
    _enter(cast, open_session, cast.member)
    alert = RoomAlert.objects.create(session=open_session, user=cast.member, kind=RoomAlert.Kind.TRIGGERED)
    _enter(cast, open_session, cast.leader)
    seat = admission.current_seat(open_session.pk, cast.leader)
    leader_actions.make_concern(
        seat, alert=alert.pk, text="They said something worrying", category="risk_to_self", risk_level="high"
    )
    concern = Concern.objects.get()
    for leader in (cast.leader, cast.co_leader):
        page = auth_client(leader).get(reverse("safeguarding:group_concerns", args=[cast.group.slug]))
        assert reverse("safeguarding:concern_detail", args=[concern.pk]) in page.content.decode()
        assert auth_client(leader).get(reverse("safeguarding:concern_detail", args=[concern.pk])).status_code == 200
    assert Concern.objects.for_trustees().filter(pk=concern.pk).exists()
    assert (
        auth_client(cast.other_leader).get(reverse("safeguarding:concern_detail", args=[concern.pk])).status_code == 404
    )


def test_the_in_room_concern_form_starts_with_no_category_or_risk(auth_client, cast, open_session):
    _enter(cast, open_session, cast.member)
    RoomAlert.objects.create(session=open_session, user=cast.member, kind=RoomAlert.Kind.TRIGGERED)
    page = auth_client(cast.leader).get(reverse("sessions:dashboard", args=[open_session.pk])).content.decode()
    for name in ("category", "risk_level"):
        select = page[page.index(f'name="{name}"') :]
        select = select[: select.index("</select>")]
        assert '<option value="" selected>' in select
        assert select.count("selected") == 1
