"""Races that row locks and conditional updates must settle (PostgreSQL: real concurrent transactions).

Each test starts two threads at the same moment, each with its own database connection.
"""

import threading

import pytest
from django.db import connection

from groups import invitations, services
from groups.models import Membership

pytestmark = pytest.mark.integration


def at_the_same_time(*calls) -> list:
    """Run the calls in parallel threads released together; return each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # the test inspects what each thread got
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_people_using_one_invitation_at_once_only_one_joins(transactional_db, cast, user_factory):
    _, token = invitations.create_invitation(cast.group, actor=cast.leader)
    first, second = user_factory(), user_factory()
    results = at_the_same_time(
        lambda: invitations.accept_invitation(token, user=first),
        lambda: invitations.accept_invitation(token, user=second),
    )
    joined = [r for r in results if isinstance(r, Membership)]
    refused = [r for r in results if isinstance(r, invitations.InvitationRefused)]
    assert len(joined) == 1 and len(refused) == 1, results
    assert refused[0].code == "used"
    assert Membership.objects.filter(user__in=[first, second], group=cast.group).count() == 1


def test_two_leaders_publishing_at_once_get_consecutive_versions(transactional_db, cast):
    results = at_the_same_time(
        lambda: services.publish_guidelines(
            cast.group, actor=cast.leader, principles="Trust: a.", guidelines="One", change_summary="a"
        ),
        lambda: services.publish_guidelines(
            cast.group, actor=cast.co_leader, principles="Trust: b.", guidelines="Two", change_summary="b"
        ),
    )
    assert sorted(version.number for version in results) == [2, 3], results


def test_two_leaders_stepping_down_at_once_leave_the_group_one(transactional_db, cast):
    leader = Membership.objects.get(user=cast.leader, group=cast.group)
    co_leader = Membership.objects.get(user=cast.co_leader, group=cast.group)
    results = at_the_same_time(
        lambda: services.step_down(leader, actor=cast.leader),
        lambda: services.step_down(co_leader, actor=cast.co_leader),
    )
    refused = [r for r in results if isinstance(r, services.GroupActionRefused)]
    assert len(refused) == 1, results
    assert Membership.objects.active().leaders().filter(group=cast.group).count() == 1
