"""The email tasks take ids, re-fetch, and send each email once even when they run twice."""

from django.core import mail

from groups import services, tasks
from groups.models import GroupEmailSent, Membership

S = Membership.Status


def request_of(cast) -> Membership:
    return Membership.objects.get(user=cast.pending, group=cast.group)


def test_telling_leaders_about_a_request_twice_sends_one_email_each(cast):
    tasks.email_leaders_about_request(request_of(cast).pk)
    tasks.email_leaders_about_request(request_of(cast).pk)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast.leader.email, cast.co_leader.email])


def test_answer_email_twice_sends_once(cast):
    services.approve_request(request_of(cast), actor=cast.leader)
    tasks.email_request_answered(request_of(cast).pk)
    tasks.email_request_answered(request_of(cast).pk)
    assert len(mail.outbox) == 1
    assert GroupEmailSent.objects.filter(kind=GroupEmailSent.Kind.REQUEST_APPROVED).count() == 1


def test_a_later_request_gets_its_own_emails(cast):
    membership = request_of(cast)
    tasks.email_leaders_about_request(membership.pk)
    services.decline_request(membership, actor=cast.leader)
    services.request_to_join(cast.group, user=cast.pending, note="Trying again")
    tasks.email_leaders_about_request(membership.pk)
    assert len([m for m in mail.outbox if m.to == [cast.leader.email]]) == 2


def test_a_withdrawn_request_tells_nobody(cast):
    membership = request_of(cast)
    services.leave_group(membership)
    tasks.email_leaders_about_request(membership.pk)
    tasks.email_request_answered(membership.pk)
    assert mail.outbox == []


def test_a_membership_that_is_gone_is_skipped_quietly(db):
    tasks.email_leaders_about_request(123456)
    tasks.email_request_answered(123456)
    tasks.email_new_leader(123456)
    assert mail.outbox == []


def test_new_leader_email_twice_sends_once(cast):
    membership = services.appoint_leader(Membership.objects.get(user=cast.member, group=cast.group), actor=cast.leader)
    tasks.email_new_leader(membership.pk)
    tasks.email_new_leader(membership.pk)
    assert [m.to for m in mail.outbox] == [[cast.member.email]]


def test_tasks_are_queued_with_the_membership_id_only(cast, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.email_leaders_about_request, "delay_on_commit", lambda *a, **kw: queued.append((a, kw)))
    membership = services.request_to_join(cast.group, user=cast.outsider, note="Something personal")
    assert queued == [((membership.pk,), {})]
