"""remove_member, reinstate_member and lift_expired_removals: effect at once, audit, emails, lifting on time."""

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import AuditEvent
from groups.models import Membership
from safeguarding import removals
from safeguarding.models import Removal

NOTE = "Spoke over Jo three times after being asked kindly to stop."


def membership_of(cast, user) -> Membership:
    return Membership.objects.get(group=cast.group, user=user)


def test_a_temporary_removal_takes_effect_at_once_and_is_audited(cast, removal_factory):
    removal = removal_factory(note=NOTE, one_to_one_held=True, one_to_one_at=timezone.now() - timedelta(days=1))

    membership = membership_of(cast, cast.member)
    assert membership.status == Membership.Status.REMOVED
    assert not membership.can_join_sessions
    assert removal.decided_by == cast.leader and removal.is_in_force
    event = AuditEvent.objects.get(action="safeguarding.removal.created")
    assert event.data["kind"] == "temporary" and event.data["reasons"] == ["talking_over"]
    assert event.data["one_to_one_held"] is True
    assert NOTE not in str(event.data)


def test_the_removed_member_cannot_join_a_session(cast, removal_factory, session_factory):
    from sessions.attendance import join_refusal

    session = session_factory(cast.group)
    removal_factory()

    assert "not part of this group" in join_refusal(session, membership_of(cast, cast.member))


def test_removal_closes_the_members_live_sockets_after_commit(
    cast, removal_factory, django_capture_on_commit_callbacks
):
    with mock.patch("core.live.close_user_sockets") as close:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            removal_factory()
        close.assert_not_called()  # not before the removal is committed
        for callback in callbacks:
            callback()

    close.assert_any_call(cast.member.pk, reason="removed")


def test_the_member_is_emailed_kindly_with_reasons_and_how_to_ask_for_a_review_but_not_the_notes(
    cast, removal_factory, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        removal_factory(note=NOTE, reasons=["talking_over", "distressing_topics"])

    [message] = mailoutbox
    assert message.to == [cast.member.email]
    assert "Repeatedly talking over others who are speaking" in message.body
    assert "Speaking about topics which others find distressing" in message.body
    assert settings.SAFEGUARDING_CONTACT_EMAIL in message.body and "look at the decision again" in message.body
    assert NOTE not in message.body
    assert "isn't a judgement of you" in message.body


def test_a_permanent_removal_has_no_end(cast, removal_factory):
    removal = removal_factory(kind=Removal.Kind.PERMANENT)

    assert removal.until is None and removal.is_in_force


def test_a_removal_from_one_session_leaves_the_membership_alone_but_bars_that_session(
    cast, removal_factory, session_factory
):
    from sessions.attendance import join_refusal

    session, next_session = session_factory(cast.group), session_factory(cast.group, starts_in=timedelta(days=8))

    removal_factory(kind=Removal.Kind.SESSION, session=session)

    membership = membership_of(cast, cast.member)
    assert membership.status == Membership.Status.ACTIVE
    assert removals.is_barred_from_session(cast.member.pk, session.pk)
    assert not removals.is_barred_from_session(cast.member.pk, next_session.pk)
    assert "can't rejoin" in join_refusal(session, membership)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"until": None}, "until"),
        ({"until": timezone.now() - timedelta(minutes=1)}, "until"),
        ({"reasons": []}, "reasons"),
        ({"reasons": ["made_up"]}, "reasons"),
        ({"one_to_one_at": timezone.now() - timedelta(days=1)}, "one_to_one_at"),
        ({"one_to_one_held": True, "one_to_one_at": timezone.now() + timedelta(days=1)}, "one_to_one_at"),
    ],
)
def test_invalid_removals_are_refused_by_field(cast, overrides, field):
    overrides.setdefault("reasons", ["other"])
    overrides.setdefault("until", timezone.now() + timedelta(days=1))
    with pytest.raises(ValidationError) as caught:
        removals.remove_member(membership_of(cast, cast.member), actor=cast.leader, kind="temporary", **overrides)
    assert field in caught.value.message_dict
    assert membership_of(cast, cast.member).status == Membership.Status.ACTIVE


def test_a_permanent_removal_with_an_end_date_is_refused(cast):
    with pytest.raises(ValidationError):
        removals.remove_member(
            membership_of(cast, cast.member),
            actor=cast.leader,
            kind="permanent",
            reasons=["other"],
            until=timezone.now() + timedelta(days=1),
        )


def test_a_session_removal_needs_a_session_of_this_group(cast, session_factory):
    for session in (None, session_factory(cast.other_group)):
        with pytest.raises(ValidationError):
            removals.remove_member(
                membership_of(cast, cast.member), actor=cast.leader, kind="session", reasons=["other"], session=session
            )


@pytest.mark.parametrize("who", ["member", "other_leader", "outsider", "pending"])
def test_only_leaders_and_trustees_remove(cast, who):
    with pytest.raises(PermissionDenied):
        removals.remove_member(
            membership_of(cast, cast.co_leader if who == "member" else cast.member),
            actor=getattr(cast, who),
            kind="permanent",
            reasons=["other"],
        )


def test_a_leader_cannot_remove_a_co_leader_or_themselves_but_a_trustee_can(cast):
    for target in (cast.co_leader, cast.leader):
        with pytest.raises(PermissionDenied):
            removals.remove_member(membership_of(cast, target), actor=cast.leader, kind="permanent", reasons=["other"])

    removals.remove_member(membership_of(cast, cast.co_leader), actor=cast.trustee, kind="permanent", reasons=["other"])
    assert membership_of(cast, cast.co_leader).status == Membership.Status.REMOVED


def test_a_new_removal_replaces_the_one_in_force(cast, removal_factory):
    first = removal_factory()
    second = removal_factory(kind=Removal.Kind.PERMANENT)

    first.refresh_from_db()
    assert first.lifted_at is not None and second.is_in_force
    assert AuditEvent.objects.filter(action="safeguarding.removal.created").first().data["superseded"] == [first.pk]
    assert membership_of(cast, cast.member).status == Membership.Status.REMOVED


def test_reinstating_lets_the_member_back_and_tells_them(
    cast, removal_factory, mailoutbox, django_capture_on_commit_callbacks
):
    removal = removal_factory(kind=Removal.Kind.PERMANENT)

    with django_capture_on_commit_callbacks(execute=True):
        removals.reinstate_member(removal, actor=cast.co_leader, note="We talked and agreed a way forward.")

    removal.refresh_from_db()
    assert removal.lifted_by == cast.co_leader and removal.lift_note == "We talked and agreed a way forward."
    assert membership_of(cast, cast.member).status == Membership.Status.ACTIVE
    assert AuditEvent.objects.filter(action="safeguarding.removal.reinstated", actor_id=cast.co_leader.pk).exists()
    assert [m.to for m in mailoutbox] == [[cast.member.email]]
    assert "way forward" not in mailoutbox[0].body


def test_a_removal_cannot_be_lifted_twice(cast, removal_factory):
    removal = removal_factory()
    removals.reinstate_member(removal, actor=cast.leader)

    with pytest.raises(ValidationError):
        removals.reinstate_member(removal, actor=cast.leader)


@pytest.mark.parametrize("who", ["member", "other_leader", "outsider"])
def test_only_leaders_and_trustees_reinstate(cast, removal_factory, who):
    removal = removal_factory(cast.co_leader if who == "member" else None, actor=cast.trustee)
    with pytest.raises(PermissionDenied):
        removals.reinstate_member(removal, actor=getattr(cast, who))


def test_reinstating_a_session_removal_lets_them_rejoin_that_session(cast, removal_factory, session_factory):
    session = session_factory(cast.group, starts_in=timedelta(minutes=-5), status="open")
    removal = removal_factory(kind=Removal.Kind.SESSION, session=session)

    removals.reinstate_member(removal, actor=cast.leader)

    from sessions.attendance import join_refusal

    assert not removals.is_barred_from_session(cast.member.pk, session.pk)
    assert join_refusal(session, membership_of(cast, cast.member)) is None


def make_due(removal: Removal) -> None:
    """Move a temporary removal's end into the past (as if its time had come)."""
    Removal.objects.filter(pk=removal.pk).update(until=timezone.now() - timedelta(seconds=1))


def test_a_temporary_removal_lifts_by_itself_when_its_time_comes(
    cast, removal_factory, mailoutbox, django_capture_on_commit_callbacks
):
    due, not_yet = removal_factory(), removal_factory(cast.suspended)
    make_due(due)

    with django_capture_on_commit_callbacks(execute=True):
        lifted = removals.lift_expired_removals()

    assert lifted == 1
    assert membership_of(cast, cast.member).status == Membership.Status.ACTIVE
    assert membership_of(cast, cast.suspended).status == Membership.Status.REMOVED
    not_yet.refresh_from_db()
    assert not_yet.lifted_at is None
    event = AuditEvent.objects.get(action="safeguarding.removal.lifted")
    assert event.actor_id is None and event.actor_label == "system"
    assert [m.to for m in mailoutbox] == [[cast.member.email]]
    assert removals.lift_expired_removals() == 0  # idempotent


def test_the_beat_task_lifts_expired_removals(cast, removal_factory):
    make_due(removal_factory())

    assert removals.lift_expired_removals_task.delay().get() == 1
    assert membership_of(cast, cast.member).status == Membership.Status.ACTIVE


def test_the_beat_schedule_runs_the_safeguarding_jobs():
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert {"safeguarding.lift_expired_removals", "safeguarding.purge_expired_records"} <= tasks_scheduled
    assert removals.lift_expired_removals_task.name == "safeguarding.lift_expired_removals"
