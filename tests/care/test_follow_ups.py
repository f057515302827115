"""Follow-ups: made from each source when a session ends, claimed, closed with an outcome, audited, emailed once."""

from datetime import time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from care import services
from care.models import FollowUp
from care.tasks import dispatch_follow_up_emails
from core.models import AuditEvent
from sessions.models import GroupSession, RoomAlert, RoomParticipant
from sessions.room import presence
from sessions.services import end_session
from tests.care.conftest import act, enter


def end(session, cast):
    end_session(session, actor=cast.leader)
    return GroupSession.objects.get(pk=session.pk)


def kinds(session) -> list[tuple[str, str]]:
    return sorted((f.member.display_name, f.kind) for f in FollowUp.objects.filter(session=session))


@pytest.fixture
def member_two(cast, membership_factory, user_factory):
    return membership_factory(cast.group, user_factory(display_name="Member Two")).user


# --- made from each source ----------------------------------------------------------------------------


def test_asking_to_be_contacted_when_leaving_becomes_a_follow_up(cast, open_session):
    enter(cast, open_session, cast.member)
    act(open_session, cast.member, type="leave", choice="contact")
    end(open_session, cast)
    assert kinds(open_session) == [("Member Mo", "contact")]


def test_leaving_fine_makes_no_follow_up(cast, open_session):
    enter(cast, open_session, cast.member)
    act(open_session, cast.member, type="leave", choice="ok")
    end(open_session, cast)
    assert kinds(open_session) == []


def test_leaving_without_a_check_in_becomes_a_follow_up_but_not_the_sessions_end(cast, open_session, member_two):
    enter(cast, open_session, cast.member)
    enter(cast, open_session, member_two)
    presence.disconnect(open_session.pk, cast.member.pk, channel_name="gone")  # closed the tab
    end(open_session, cast)  # member_two was still in: no "left" follow-up for them
    assert kinds(open_session) == [("Member Mo", "left")]


def test_leaving_and_coming_back_makes_no_follow_up(cast, open_session):
    enter(cast, open_session, cast.member)
    presence.disconnect(open_session.pk, cast.member.pk, channel_name="gone")
    enter(cast, open_session, cast.member)
    end(open_session, cast)
    assert kinds(open_session) == []


def test_stepped_out_and_not_back_by_the_end_becomes_a_follow_up(cast, open_session, member_two):
    enter(cast, open_session, cast.member)
    enter(cast, open_session, member_two)
    act(open_session, cast.member, type="step_out")
    act(open_session, member_two, type="step_out")
    act(open_session, member_two, type="back")
    end(open_session, cast)
    assert kinds(open_session) == [("Member Mo", "stepped_out")]


@pytest.mark.parametrize(("kind", "expected"), [("triggered", "triggered"), ("message", "message")])
def test_a_flag_or_message_not_acknowledged_becomes_a_follow_up(cast, open_session, member_two, kind, expected):
    for user in (cast.member, member_two):
        RoomAlert.objects.create(session=open_session, user=user, kind=kind)
    seen = RoomAlert.objects.get(user=member_two)
    RoomAlert.objects.filter(pk=seen.pk).update(acknowledged_at=timezone.now(), acknowledged_by=cast.leader)
    end(open_session, cast)
    assert kinds(open_session) == [("Member Mo", expected)]


def test_a_welfare_prompt_not_acknowledged_becomes_a_follow_up(cast, open_session):
    RoomAlert.objects.create(session=open_session, user=cast.member, kind=RoomAlert.Kind.WELFARE)
    end(open_session, cast)
    assert ("Member Mo", "welfare") in kinds(open_session)


def test_a_contact_check_in_after_the_end_becomes_a_follow_up(auth_client, cast, open_session):
    enter(cast, open_session, cast.member)
    end(open_session, cast)
    assert kinds(open_session) == []
    auth_client(cast.member).post(reverse("sessions:room_left", args=[open_session.pk]), {"choice": "contact"})
    assert kinds(open_session) == [("Member Mo", "contact")]


def test_a_follow_up_holds_no_words_and_its_creation_is_audited(cast, open_session):
    enter(cast, open_session, cast.member)
    act(open_session, cast.member, type="leave", choice="note", note="I feel awful tonight")
    act_contact = RoomAlert.objects.filter(kind="check_in").update(check_in="contact")
    assert act_contact == 1
    end(open_session, cast)
    follow_up = FollowUp.objects.get()
    assert "awful" not in repr([getattr(follow_up, f.attname) for f in FollowUp._meta.fields])
    assert AuditEvent.objects.filter(action="care.follow_up.created", subject_id=str(follow_up.pk)).exists()


def test_due_next_day_at_the_groups_time(cast, open_session):
    cast.group.follow_up_due_time = time(9, 30)
    cast.group.save()
    enter(cast, open_session, cast.member)
    act(open_session, cast.member, type="leave", choice="contact")
    ended = end(open_session, cast)
    due = timezone.localtime(FollowUp.objects.get().due_at)
    assert (due.date(), due.time()) == (timezone.localtime(ended.ended_at).date() + timedelta(days=1), time(9, 30))


def test_the_default_due_time_is_six_in_the_evening(group_factory):
    assert group_factory().follow_up_due_time == time(18, 0)


# --- claiming and closing -------------------------------------------------------------------------------


@pytest.fixture
def follow_up(cast, open_session):
    enter(cast, open_session, cast.member)
    act(open_session, cast.member, type="leave", choice="contact")
    end(open_session, cast)
    return FollowUp.objects.get()


def test_a_leader_claims_and_the_other_leader_cannot_take_it_over(cast, follow_up):
    services.claim_follow_up(follow_up, actor=cast.co_leader)
    with pytest.raises(ValidationError, match="Co Leader has already taken this on"):
        services.claim_follow_up(follow_up, actor=cast.leader)
    follow_up.refresh_from_db()
    assert follow_up.owner == cast.co_leader
    assert AuditEvent.objects.filter(action="care.follow_up.claimed", actor=cast.co_leader).count() == 1


@pytest.mark.parametrize("outcome", FollowUp.Outcome.values)
def test_closing_with_each_outcome(cast, follow_up, outcome):
    services.close_follow_up(follow_up, actor=cast.leader, outcome=outcome)
    follow_up.refresh_from_db()
    assert (follow_up.outcome, follow_up.closed_by, follow_up.owner, follow_up.is_open) == (
        outcome,
        cast.leader,
        cast.leader,
        False,
    )
    event = AuditEvent.objects.get(action="care.follow_up.closed")
    assert event.data["outcome"] == outcome


def test_closing_needs_an_outcome_and_happens_once(cast, follow_up):
    with pytest.raises(ValidationError):
        services.close_follow_up(follow_up, actor=cast.leader, outcome="")
    services.close_follow_up(follow_up, actor=cast.leader, outcome="spoke")
    with pytest.raises(ValidationError):
        services.close_follow_up(follow_up, actor=cast.co_leader, outcome="no_answer")


# --- the pages ------------------------------------------------------------------------------------------


def page_url(cast):
    return reverse("care:group_follow_ups", args=[cast.group.slug])


def test_follow_ups_page_ladder(client, auth_client, cast, follow_up):
    response = client.get(page_url(cast))
    assert response.status_code == 302 and reverse("account_login") in response.url
    for who, status in [("outsider", 404), ("other_leader", 404), ("trustee", 404), ("member", 403), ("leader", 200)]:
        assert auth_client(getattr(cast, who)).get(page_url(cast)).status_code == status, who


@pytest.mark.parametrize("action", ["follow_up_claim", "follow_up_close"])
def test_claim_and_close_ladder(client, auth_client, cast, follow_up, action):
    url = reverse(f"care:{action}", args=[follow_up.pk])
    assert reverse("account_login") in client.post(url).url
    for who in ("outsider", "other_leader", "trustee", "member"):
        assert auth_client(getattr(cast, who)).post(url, {"outcome": "spoke"}).status_code == 404, who
    assert auth_client(cast.leader).post(url, {"outcome": "spoke"}).status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.owner == cast.leader


def test_claim_then_close_on_the_page(auth_client, cast, follow_up):
    client = auth_client(cast.co_leader)
    page = client.get(page_url(cast)).content.decode()
    assert "Member Mo: asked to be contacted" in page and "Nobody has taken this on yet" in page
    client.post(reverse("care:follow_up_claim", args=[follow_up.pk]))
    assert "Taken on by you" in client.get(page_url(cast)).content.decode()
    client.post(reverse("care:follow_up_close", args=[follow_up.pk]), {"outcome": "messaged"})
    page = client.get(page_url(cast)).content.decode()
    assert "Open (0)" in page and "Message sent, by Co Leader" in page


def test_groups_i_lead_counts_open_follow_ups(auth_client, cast, follow_up):
    page = auth_client(cast.leader).get(reverse("groups:mine")).content.decode()
    assert "1 open" in page
    services.close_follow_up(follow_up, actor=cast.leader, outcome="not_needed")
    assert "none open" in auth_client(cast.leader).get(reverse("groups:mine")).content.decode()


def test_the_ended_sessions_page_lists_its_own_follow_ups(auth_client, cast, follow_up, session_factory):
    other = session_factory(cast.group, starts_in=timedelta(minutes=-5), status=GroupSession.Status.OPEN)
    end(other, cast)
    page = auth_client(cast.leader).get(reverse("sessions:detail", args=[follow_up.session_id])).content.decode()
    assert "Follow-ups from this session" in page and "Member Mo: asked to be contacted" in page
    page = auth_client(cast.leader).get(reverse("sessions:detail", args=[other.pk])).content.decode()
    assert "Nothing from this session needs a leader later" in page
    member_page = auth_client(cast.member).get(reverse("sessions:detail", args=[follow_up.session_id]))
    assert "Follow-ups from this session" not in member_page.content.decode()


def _many(cast, open_session, user_factory, membership_factory, n):
    for _ in range(n):
        user = membership_factory(cast.group, user_factory()).user
        RoomParticipant.objects.create(session=open_session, user=user, stepped_out_at=timezone.now())
    RoomParticipant.objects.filter(session=open_session).update(stepped_out_at_end=True)
    GroupSession.objects.filter(pk=open_session.pk).update(status="ended", ended_at=timezone.now())
    services.follow_ups_for_ended_session(GroupSession.objects.get(pk=open_session.pk), actor=cast.leader)


@pytest.mark.parametrize("n", [1, 15])
def test_the_follow_ups_page_queries_stay_flat(
    auth_client, cast, open_session, user_factory, membership_factory, django_assert_num_queries, n
):
    _many(cast, open_session, user_factory, membership_factory, n)
    some = FollowUp.objects.all()[:1].get()
    services.close_follow_up(some, actor=cast.leader, outcome="spoke")
    client = auth_client(cast.leader)
    client.get(page_url(cast))  # warm the per-process caches (allauth, content types)
    # session, user, leads a group? (MFA middleware), MFA authenticator, membership+group, open, closed
    with django_assert_num_queries(NUM_PAGE_QUERIES):
        assert client.get(page_url(cast)).status_code == 200


NUM_PAGE_QUERIES = 7


# --- emails, once ---------------------------------------------------------------------------------------


def test_an_unclaimed_follow_up_emails_the_leaders_once_without_content(settings, cast, follow_up):
    dispatch_follow_up_emails()
    assert mail.outbox == []  # not yet: a few hours first
    FollowUp.objects.update(created_at=timezone.now() - timedelta(hours=settings.FOLLOW_UP_UNCLAIMED_HOURS, minutes=1))
    dispatch_follow_up_emails()
    dispatch_follow_up_emails()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([cast.leader.email, cast.co_leader.email])
    assert "Member Mo" not in message.body + message.subject
    assert reverse("care:group_follow_ups", args=[cast.group.slug]) in message.body


def test_a_claimed_follow_up_sends_no_reminder(settings, cast, follow_up):
    services.claim_follow_up(follow_up, actor=cast.leader)
    FollowUp.objects.update(created_at=timezone.now() - timedelta(hours=settings.FOLLOW_UP_UNCLAIMED_HOURS + 1))
    dispatch_follow_up_emails()
    assert mail.outbox == []


def test_a_follow_up_open_a_day_on_tells_the_trustees_once(settings, cast, follow_up):
    services.claim_follow_up(follow_up, actor=cast.leader)
    FollowUp.objects.update(created_at=timezone.now() - timedelta(hours=settings.FOLLOW_UP_OVERDUE_HOURS, minutes=1))
    dispatch_follow_up_emails()
    dispatch_follow_up_emails()
    assert [m.to for m in mail.outbox] == [[cast.trustee.email]]
    assert "Member Mo" not in mail.outbox[0].body


def test_trustees_see_the_overdue_list_in_the_admin(auth_client, settings, cast, follow_up):
    FollowUp.objects.update(created_at=timezone.now() - timedelta(hours=settings.FOLLOW_UP_OVERDUE_HOURS + 1))
    url = reverse("admin:care_followup_changelist") + "?overdue=yes"
    response = auth_client(cast.trustee).get(url)
    assert response.status_code == 200
    assert f"Follow-up #{follow_up.pk}" in response.content.decode()
    assert auth_client(cast.leader).get(url).status_code in (302, 403)
