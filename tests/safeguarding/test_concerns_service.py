"""raise_concern and the concern workflow: validation, who may, emails without content, audit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from core.models import AuditEvent
from safeguarding import services, tasks
from safeguarding.models import Concern
from safeguarding.permissions import concern_role
from tests.safeguarding.conftest import CONCERN_TEXT


def test_a_member_raises_a_concern_with_the_leaders_who_are_emailed_without_its_content(
    cast, concern_factory, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        concern = concern_factory()

    assert concern.status == Concern.Status.NEW and not concern.is_with_trustees
    assert sorted(m.to[0] for m in mailoutbox) == sorted([cast.leader.email, cast.co_leader.email])
    for message in mailoutbox:
        assert CONCERN_TEXT not in message.body
        assert "Risk to another adult" not in message.body
        assert f"/safeguarding/concerns/{concern.pk}/" in message.body
    event = AuditEvent.objects.get(action="safeguarding.concern.raised")
    assert event.data["category"] == "risk_to_adult" and CONCERN_TEXT not in str(event.data)


def test_the_leader_who_raised_it_is_not_emailed_about_their_own_concern(
    cast, concern_factory, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        concern_factory(raised_by=cast.leader)

    assert [m.to[0] for m in mailoutbox] == [cast.co_leader.email]


def test_a_leader_raises_a_concern_with_the_trustees_only(
    cast, concern_factory, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        concern = concern_factory(raised_by=cast.leader, to_trustees=True)

    assert concern.source == Concern.Source.LEADER and concern.is_with_trustees
    assert [m.to[0] for m in mailoutbox] == [cast.trustee.email]
    assert CONCERN_TEXT not in mailoutbox[0].body


def test_an_immediate_risk_concern_also_reaches_the_trustees(
    cast, concern_factory, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        concern_factory(risk_level=Concern.RiskLevel.IMMEDIATE)

    assert cast.trustee.email in [m.to[0] for m in mailoutbox]


def test_emails_go_once_even_if_the_task_runs_twice(
    cast, concern_factory, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        concern = concern_factory()
    tasks.email_concern_raised(concern.pk)

    assert len(mailoutbox) == 2


def test_a_member_can_raise_directly_with_the_trustees_and_the_leaders_cannot_read_it(cast, concern_factory):
    concern = concern_factory(to_trustees=True)

    assert concern.to_trustees
    assert concern_role(cast.leader, concern) is None and concern_role(cast.trustee, concern) == "trustee"


def test_a_member_cannot_record_a_concern_as_if_in_a_session(cast, concern_factory):
    with pytest.raises(PermissionDenied):
        concern_factory(source="session")


@pytest.mark.parametrize("who", ["outsider", "pending", "removed", "other_leader"])
def test_people_outside_the_group_cannot_raise_a_concern_with_its_leaders(cast, concern_factory, who):
    with pytest.raises(PermissionDenied):
        concern_factory(raised_by=getattr(cast, who))


@pytest.mark.parametrize(
    ("field", "value"),
    [("category", "nonsense"), ("risk_level", "extreme"), ("details", "   "), ("about", "planet")],
)
def test_bad_input_is_refused_by_field(concern_factory, field, value):
    with pytest.raises(ValidationError) as caught:
        concern_factory(**{field: value})
    assert field in caught.value.message_dict


def test_a_concern_about_a_member_must_name_a_member_of_this_group(cast, concern_factory):
    with pytest.raises(ValidationError):
        concern_factory(about="member", about_user=cast.other_leader)

    concern = concern_factory(about="member", about_user=cast.co_leader)
    assert concern.about_user == cast.co_leader


def test_the_room_records_a_leaders_session_concern_with_the_trustees(cast, session_factory):
    session = session_factory(cast.group)

    concern = services.raise_concern(
        raised_by=cast.leader,
        group=cast.group,
        category="risk_to_self",
        risk_level="high",
        details="Said in the room",
        about_user=cast.member,
        about="member",
        to_trustees=True,
        source="session",
        session=session,
    )

    assert (concern.source, concern.session, concern.about_user) == ("session", session, cast.member)


@pytest.mark.parametrize("about_a_leader", ["conduct", "about_user"])
def test_a_concern_recorded_in_the_room_about_a_leader_is_never_the_leaders_to_read(
    cast, session_factory, about_a_leader
):
    """Room concerns are the leaders' to read too (issue #16), except one about a leader (issue #19)."""
    session = session_factory(cast.group)
    kwargs = {"category": "leader_conduct", "about_user": cast.member}
    if about_a_leader == "about_user":
        kwargs = {"category": "risk_to_adult", "about_user": cast.co_leader}
    concern = services.raise_concern(
        raised_by=cast.leader,
        group=cast.group,
        risk_level="high",
        details="Said in the room",
        about="member",
        to_trustees=True,
        source="session",
        session=session,
        **kwargs,
    )
    readable = Concern.objects.raised_with_leaders_of(cast.group)
    assert concern not in readable and not concern.leaders_may_read
    assert concern_role(cast.co_leader, concern) is None and concern_role(cast.trustee, concern) == "trustee"
    # Positive control: the same about a member is the leaders' to read.
    kwargs = {"category": "risk_to_adult", "about_user": cast.member}
    other = services.raise_concern(
        raised_by=cast.leader,
        group=cast.group,
        risk_level="high",
        details="Said in the room",
        about="member",
        to_trustees=True,
        source="session",
        session=session,
        **kwargs,
    )
    assert other in Concern.objects.raised_with_leaders_of(cast.group) and other.leaders_may_read


def test_status_moves_along_the_workflow_and_each_change_is_audited(cast, concern_factory):
    concern = concern_factory()

    services.change_concern_status(concern, actor=cast.leader, status=Concern.Status.IN_REVIEW)
    services.change_concern_status(concern, actor=cast.trustee, status=Concern.Status.CLOSED, reason="Resolved.")

    concern.refresh_from_db()
    assert concern.status == Concern.Status.CLOSED and concern.closed_at is not None
    changes = AuditEvent.objects.filter(action="safeguarding.concern.status_changed").order_by("id")
    assert [(e.data["from"], e.data["to"]) for e in changes] == [("new", "in_review"), ("in_review", "closed")]


def test_a_status_outside_the_workflow_is_refused(cast, concern_factory):
    concern = concern_factory()
    services.change_concern_status(concern, actor=cast.leader, status=Concern.Status.CLOSED, reason="Resolved.")

    with pytest.raises(ValidationError):
        services.change_concern_status(concern, actor=cast.leader, status=Concern.Status.ACTION_TAKEN)


@pytest.mark.parametrize("who", ["member", "other_leader", "outsider"])
def test_only_leaders_and_trustees_change_status(cast, concern_factory, who):
    with pytest.raises(PermissionDenied):
        services.change_concern_status(concern_factory(), actor=getattr(cast, who), status="in_review")


def test_a_leader_passes_a_concern_to_the_trustees_who_are_told(
    cast, concern_factory, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        concern = concern_factory()
    mailoutbox.clear()  # the leaders' email about the new concern

    with django_capture_on_commit_callbacks(execute=True):
        services.escalate_concern(concern, actor=cast.leader)

    assert concern.is_with_trustees
    assert [m.to[0] for m in mailoutbox] == [cast.trustee.email]
    assert AuditEvent.objects.filter(action="safeguarding.concern.escalated").count() == 1


def test_reading_is_audited_for_everyone_but_the_raiser(cast, concern_factory):
    concern = concern_factory()

    services.read_concern(concern, reader=cast.member)
    services.read_concern(concern, reader=cast.leader)
    services.read_concern(concern, reader=cast.trustee)

    readers = AuditEvent.objects.filter(action="safeguarding.concern.read").values_list("actor_id", flat=True)
    assert sorted(readers) == sorted([cast.leader.pk, cast.trustee.pk])


def test_concern_lookup(cast, concern_factory):
    concern = concern_factory()
    to_trustees = concern_factory(raised_by=cast.leader, to_trustees=True)

    assert services.get_concern_for_user(cast.co_leader, concern.pk) == concern
    assert services.get_concern_for_user(cast.trustee, to_trustees.pk) == to_trustees
    for user in (cast.other_leader, cast.outsider, cast.co_leader):
        with pytest.raises(Http404):
            services.get_concern_for_user(user, to_trustees.pk)
    with pytest.raises(Http404):
        services.get_concern_for_user(cast.other_leader, concern.pk)


def test_case_assignment_and_notes_are_for_trustees(cast, concern_factory, trustee_factory):
    concern = concern_factory()
    lead = trustee_factory()

    services.assign_case(concern, actor=cast.trustee, assignee=lead)
    note = services.add_case_note(concern, actor=cast.trustee, text="Called them; they are safe.")

    assert concern.assigned_to == lead and note.text == "Called them; they are safe."
    with pytest.raises(ValidationError):
        services.assign_case(concern, actor=cast.trustee, assignee=cast.leader)
    with pytest.raises(PermissionDenied):
        services.add_case_note(concern, actor=cast.leader, text="x")
    assert {"safeguarding.case.assigned", "safeguarding.case.note_added"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_case_notes_cannot_be_edited_or_deleted(cast, concern_factory):
    from core.models import AppendOnlyError
    from safeguarding.models import CaseNote

    note = services.add_case_note(concern_factory(), actor=cast.trustee, text="First note")
    note.text = "Changed"

    with pytest.raises(AppendOnlyError):
        note.save()
    with pytest.raises(AppendOnlyError):
        note.delete()
    with pytest.raises(AppendOnlyError):
        CaseNote.objects.filter(pk=note.pk).update(text="x")
    with pytest.raises(AppendOnlyError):
        CaseNote.objects.all().delete()
