"""The groups workflows: their rules, their refusals and their audit entries."""

import pytest
from django.core.exceptions import PermissionDenied

from groups import services
from groups.models import Agreement, GuidelinesVersion, Membership

S, R = Membership.Status, Membership.Role


def membership_of(user, group) -> Membership:
    return Membership.objects.get(user=user, group=group)


# --- asking to join -----------------------------------------------------------------------------


def test_asking_to_join_makes_a_pending_request_with_the_note(cast, audit_actions):
    membership = services.request_to_join(cast.group, user=cast.outsider, note="I'd like to listen at first.")
    assert (membership.status, membership.role) == (S.PENDING, R.MEMBER)
    assert membership.request_note == "I'd like to listen at first."
    assert audit_actions()[-1] == "groups.membership.requested"


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("member", "already a member"),
        ("pending", "already asked"),
        ("suspended", "can't join this group at the moment"),
        ("removed", "can't join this group at the moment"),
    ],
)
def test_asking_again_is_refused_kindly(who, message, cast):
    with pytest.raises(services.GroupActionRefused, match=message):
        services.request_to_join(cast.group, user=getattr(cast, who))


@pytest.mark.parametrize("status", [S.LEFT, S.DECLINED])
def test_someone_who_left_or_was_declined_may_ask_again(status, cast):
    old = membership_of(cast.member, cast.group)
    old.set_status(status)
    membership = services.request_to_join(cast.group, user=cast.member, note="Back again")
    assert membership.pk == old.pk  # one membership per person per group
    assert membership.status == S.PENDING
    assert membership.request_note == "Back again"


def test_a_group_closed_to_requests_refuses_them(cast):
    cast.group.is_open_to_requests = False
    cast.group.save(update_fields=["is_open_to_requests"])
    with pytest.raises(services.GroupActionRefused, match="isn't taking new requests"):
        services.request_to_join(cast.group, user=cast.outsider)


def test_approving_a_request_makes_an_active_member(cast, audit_actions):
    membership = services.approve_request(membership_of(cast.pending, cast.group), actor=cast.leader)
    assert membership.status == S.ACTIVE
    assert membership.joined_at is not None
    assert audit_actions()[-1] == "groups.membership.approved"


def test_declining_keeps_the_request_as_declined_with_the_message(cast, audit_actions):
    membership = services.decline_request(
        membership_of(cast.pending, cast.group), actor=cast.co_leader, message="The group is full this term."
    )
    membership.refresh_from_db()
    assert membership.status == S.DECLINED
    assert membership.decline_message == "The group is full this term."
    assert audit_actions()[-1] == "groups.membership.declined"


@pytest.mark.parametrize("answer", [services.approve_request, services.decline_request])
def test_a_request_is_answered_only_once(answer, cast):
    services.approve_request(membership_of(cast.pending, cast.group), actor=cast.leader)
    with pytest.raises(services.GroupActionRefused, match="already been answered"):
        answer(membership_of(cast.pending, cast.group), actor=cast.co_leader)


@pytest.mark.parametrize("who", ["member", "other_leader", "outsider"])
def test_only_the_groups_leaders_or_trustees_answer_requests(who, cast):
    with pytest.raises(PermissionDenied):
        services.approve_request(membership_of(cast.pending, cast.group), actor=getattr(cast, who))


def test_a_trustee_may_answer_a_request(cast):
    assert services.approve_request(membership_of(cast.pending, cast.group), actor=cast.trustee).is_active


# --- the agreement ------------------------------------------------------------------------------


def publish(group, actor, guidelines="Be gentle.", summary="Gentler"):
    return services.publish_guidelines(
        group, actor=actor, principles="Trust: safe here.", guidelines=guidelines, change_summary=summary
    )


def test_each_edit_of_the_guidelines_is_a_new_numbered_version(cast, audit_actions):
    second = publish(cast.group, cast.leader)
    third = publish(cast.group, cast.co_leader, guidelines="Be gentler still.")
    assert [second.number, third.number] == [2, 3]
    assert cast.group.current_guidelines() == third
    assert GuidelinesVersion.objects.filter(group=cast.group).count() == 3  # old versions are kept
    assert audit_actions().count("groups.guidelines.version_created") == 2


def test_publishing_the_same_text_again_is_refused(cast):
    publish(cast.group, cast.leader)
    with pytest.raises(services.GroupActionRefused, match="same as the current version"):
        publish(cast.group, cast.leader, summary="Again")


def test_the_author_of_a_new_version_counts_as_agreeing_but_nobody_else_does(cast):
    version = publish(cast.group, cast.leader)
    assert Agreement.objects.filter(version=version, user=cast.leader).exists()
    assert not membership_of(cast.member, cast.group).has_agreed_to_current()
    assert not membership_of(cast.co_leader, cast.group).has_agreed_to_current()


def test_members_cannot_publish_guidelines(cast):
    with pytest.raises(PermissionDenied):
        publish(cast.group, cast.member)


def test_agreeing_to_a_version_that_is_no_longer_current_is_refused(cast):
    old = publish(cast.group, cast.leader)
    publish(cast.group, cast.leader, guidelines="Newer words")
    with pytest.raises(services.GroupActionRefused, match="updated while you were reading"):
        services.agree(membership_of(cast.member, cast.group), version=old)


def test_agreeing_twice_records_one_agreement(cast):
    version = publish(cast.group, cast.leader)
    membership = membership_of(cast.member, cast.group)
    first = services.agree(membership, version=version)
    second = services.agree(membership, version=version)
    assert first.pk == second.pk


def test_agreement_state_annotation_matches_the_model_method(cast):
    publish(cast.group, cast.leader)
    annotated = {m.user_id: m.agreed_to_current for m in Membership.objects.with_agreement_state()}
    for membership in Membership.objects.select_related("group"):
        assert annotated[membership.user_id] == type(membership).has_agreed_to_current(membership)


# --- leaving and leadership ---------------------------------------------------------------------


def test_leaving_marks_the_membership_left(cast, audit_actions):
    membership = services.leave_group(membership_of(cast.member, cast.group))
    assert membership.status == S.LEFT
    assert audit_actions()[-1] == "groups.membership.left"


def test_withdrawing_a_request_is_leaving_before_joining(cast, audit_actions):
    assert services.leave_group(membership_of(cast.pending, cast.group)).status == S.LEFT
    assert audit_actions()[-1] == "groups.membership.request_withdrawn"


def test_the_only_leader_cannot_leave(cast):
    services.step_down(membership_of(cast.co_leader, cast.group), actor=cast.co_leader)
    with pytest.raises(services.GroupActionRefused, match="only leader"):
        services.leave_group(membership_of(cast.leader, cast.group))


def test_a_leader_who_leaves_becomes_a_plain_former_member(cast):
    membership = services.leave_group(membership_of(cast.co_leader, cast.group))
    assert (membership.status, membership.role) == (S.LEFT, R.MEMBER)


def test_a_leader_appoints_another_and_it_is_audited(cast, audit_actions):
    membership = services.appoint_leader(membership_of(cast.member, cast.group), actor=cast.leader)
    assert membership.role == R.LEADER
    assert membership.role_changed_at is not None
    assert audit_actions()[-1] == "groups.membership.role_changed"


def test_role_change_audit_entry_says_from_and_to(cast):
    from core.models import AuditEvent

    membership = services.appoint_leader(membership_of(cast.member, cast.group), actor=cast.leader)
    event = AuditEvent.objects.order_by("-id").first()
    assert event.actor_id == cast.leader.pk
    assert event.subject_id == str(membership.pk)
    assert event.data == {"group": cast.group.pk, "from": "member", "to": "leader"}


def test_only_active_members_can_be_made_leaders(cast):
    with pytest.raises(services.GroupActionRefused, match="Only an active member"):
        services.appoint_leader(membership_of(cast.suspended, cast.group), actor=cast.leader)


def test_a_member_cannot_appoint_a_leader(cast):
    with pytest.raises(PermissionDenied):
        services.appoint_leader(membership_of(cast.member, cast.group), actor=cast.member)


def test_a_leader_can_step_down_while_another_leads(cast, audit_actions):
    membership = services.step_down(membership_of(cast.co_leader, cast.group), actor=cast.co_leader)
    assert membership.role == R.MEMBER
    assert audit_actions()[-1] == "groups.membership.role_changed"


def test_the_last_leader_cannot_step_down(cast):
    services.step_down(membership_of(cast.co_leader, cast.group), actor=cast.leader)
    with pytest.raises(services.GroupActionRefused, match="always needs a leader"):
        services.step_down(membership_of(cast.leader, cast.group), actor=cast.leader)


def test_a_member_cannot_end_someone_elses_leadership(cast):
    with pytest.raises(PermissionDenied):
        services.step_down(membership_of(cast.co_leader, cast.group), actor=cast.member)


def test_adding_someone_straight_in_makes_them_active_and_is_audited(cast, audit_actions):
    membership = services.add_member(cast.other_group, user=cast.outsider, role=R.LEADER, actor=cast.trustee)
    assert (membership.status, membership.role) == (S.ACTIVE, R.LEADER)
    assert audit_actions()[-1] == "groups.membership.added"
