"""The trustees' admin: who gets in, nothing protected on list pages, audited reads and reveals, add-only notes."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from core.models import AuditEvent
from safeguarding import services
from safeguarding.models import CaseNote, Concern, ContactAccess
from tests.fixtures.factories import enable_mfa
from tests.safeguarding.conftest import ADDRESS, CONCERN_TEXT, PHONE

REASON = "Following up the concern raised on Tuesday."


@pytest.fixture
def records(cast, contact_for, concern_factory, removal_factory):
    """One of each safeguarding record, with protected text in each."""
    contact = contact_for(cast.member)
    concern = concern_factory(raised_by=cast.leader, to_trustees=True)
    services.add_case_note(concern, actor=cast.trustee, text="NOTE-TEXT-in-the-chronology")
    removal = removal_factory(cast.suspended, note="REMOVAL-NOTE-private")
    services.reveal_contact_details(contact, actor=cast.trustee, reason=REASON)
    access = ContactAccess.objects.get()
    event = AuditEvent.objects.first()
    return {
        "core_auditevent": event,
        "safeguarding_concern": concern,
        "safeguarding_removal": removal,
        "safeguarding_contactdetails": contact,
        "safeguarding_contactaccess": access,
    }


@pytest.fixture
def staff_not_trustee(user_factory):
    """A staff user holding every safeguarding permission (the audit trail's, in core, too) but not a trustee."""
    user = user_factory(is_staff=True, display_name="Staff Sam")
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=["safeguarding", "core"]))
    enable_mfa(user)
    return user


def admin_urls(records) -> list[str]:
    urls = []
    for name, obj in records.items():
        urls.append(reverse(f"admin:{name}_changelist"))
        urls.append(reverse(f"admin:{name}_change", args=[obj.pk]))
    urls.append(reverse("admin:safeguarding_contactdetails_reveal", args=[records["safeguarding_contactdetails"].pk]))
    urls.append(reverse("admin:safeguarding_removal_add"))
    return urls


def test_anonymous_visitors_are_sent_to_the_admin_sign_in(client, records):
    for url in admin_urls(records):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


@pytest.mark.parametrize("who", ["member", "leader", "other_leader"])
def test_members_and_leaders_who_are_not_staff_are_sent_to_the_admin_sign_in(cast, auth_client, records, who):
    client = auth_client(getattr(cast, who))
    for url in admin_urls(records):
        assert client.get(url).status_code == 302, url


def test_a_staff_user_who_is_not_a_trustee_is_refused_everything(auth_client, records, staff_not_trustee):
    client = auth_client(staff_not_trustee)
    for url in admin_urls(records):
        assert client.get(url).status_code == 403, url
    assert b"/admin/safeguarding/" not in client.get(reverse("admin:index")).content


def test_a_trustee_opens_every_page(cast, auth_client, records):
    client = auth_client(cast.trustee)
    for url in admin_urls(records):
        assert client.get(url).status_code == 200, url


def test_list_pages_never_show_protected_text(cast, auth_client, records):
    client = auth_client(cast.trustee)
    for name in records:
        page = client.get(reverse(f"admin:{name}_changelist")).content.decode()
        for secret in (PHONE, ADDRESS, CONCERN_TEXT, "NOTE-TEXT", "REMOVAL-NOTE", REASON):
            assert secret not in page, (name, secret)


def test_searching_contact_details_never_searches_the_encrypted_columns(cast, auth_client, records):
    client = auth_client(cast.trustee)
    url = reverse("admin:safeguarding_contactdetails_changelist")

    assert list(client.get(url, {"q": PHONE}).context["cl"].result_list) == []
    assert list(client.get(url, {"q": cast.member.display_name}).context["cl"].result_list) == [
        records["safeguarding_contactdetails"]
    ]


def test_the_contact_details_page_shows_no_details_until_revealed(cast, auth_client, records):
    page = auth_client(cast.trustee).get(
        reverse("admin:safeguarding_contactdetails_change", args=[records["safeguarding_contactdetails"].pk])
    )

    assert PHONE.encode() not in page.content
    assert b"Reveal contact details" in page.content


def test_revealing_in_the_admin_needs_a_reason(cast, auth_client, records):
    url = reverse("admin:safeguarding_contactdetails_reveal", args=[records["safeguarding_contactdetails"].pk])
    before = ContactAccess.objects.count()

    response = auth_client(cast.trustee).post(url, {"reason": ""})

    assert PHONE.encode() not in response.content
    assert b"Please write why you need to see these details." in response.content
    assert ContactAccess.objects.count() == before


def test_revealing_with_a_reason_shows_the_details_audits_and_the_member_sees_it(cast, auth_client, records):
    url = reverse("admin:safeguarding_contactdetails_reveal", args=[records["safeguarding_contactdetails"].pk])
    before = AuditEvent.objects.filter(action="safeguarding.contact.viewed").count()

    response = auth_client(cast.trustee).post(url, {"reason": "Member missed two sessions after a hard week."})

    assert PHONE.encode() in response.content
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action="safeguarding.contact.viewed").count() == before + 1
    page = auth_client(cast.member).get(reverse("safeguarding:my_contact_details"))
    assert b"Member missed two sessions after a hard week." in page.content


def test_opening_a_case_shows_it_and_is_audited(cast, auth_client, records):
    concern = records["safeguarding_concern"]

    response = auth_client(cast.trustee).get(reverse("admin:safeguarding_concern_change", args=[concern.pk]))

    assert CONCERN_TEXT.encode() in response.content
    assert b"NOTE-TEXT-in-the-chronology" in response.content
    assert AuditEvent.objects.filter(action="safeguarding.concern.read", actor_id=cast.trustee.pk).count() == 1


def change_case(client, concern, *, note: str = "", **changes):
    """Post the case's admin form: status, assignment, the read-only existing notes (ids only) and one new note."""
    existing = list(concern.notes.all())
    data = {
        "status": concern.status,
        "assigned_to": "",
        "notes-TOTAL_FORMS": str(len(existing) + 1),
        "notes-INITIAL_FORMS": str(len(existing)),
        "notes-MIN_NUM_FORMS": "0",
        "notes-MAX_NUM_FORMS": "1000",
    }
    for index, existing_note in enumerate(existing):
        data[f"notes-{index}-id"] = str(existing_note.pk)
        data[f"notes-{index}-concern"] = str(concern.pk)
    for prefix in ("referrals", "sign_offs", "flags", "serious_incident"):  # the casework inlines, empty here
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    data[f"notes-{len(existing)}-text"] = note
    data[f"notes-{len(existing)}-concern"] = str(concern.pk)
    data.update(changes)
    return client.post(reverse("admin:safeguarding_concern_change", args=[concern.pk]), data)


def test_a_trustee_works_the_case_status_assignment_and_a_new_note_all_audited(cast, auth_client, records):
    concern = records["safeguarding_concern"]

    response = change_case(
        auth_client(cast.trustee), concern, status="in_review", assigned_to=str(cast.trustee.pk), note="Phoned them."
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    concern.refresh_from_db()
    assert concern.status == Concern.Status.IN_REVIEW and concern.assigned_to == cast.trustee
    assert [n.text for n in CaseNote.objects.filter(concern=concern)] == ["NOTE-TEXT-in-the-chronology", "Phoned them."]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"safeguarding.concern.status_changed", "safeguarding.case.assigned", "safeguarding.case.note_added"} <= (
        actions
    )


def test_a_status_outside_the_workflow_is_refused_in_the_admin(cast, auth_client, records):
    concern = records["safeguarding_concern"]
    services.change_concern_status(concern, actor=cast.trustee, status="closed", reason="All resolved.")
    concern.refresh_from_db()

    response = change_case(auth_client(cast.trustee), concern, status="action_taken")

    assert response.status_code == 200
    concern.refresh_from_db()
    assert concern.status == Concern.Status.CLOSED


def test_existing_notes_cannot_be_changed_through_the_admin(cast, auth_client, records):
    concern = records["safeguarding_concern"]
    note = concern.notes.get()
    client = auth_client(cast.trustee)

    change_case(client, concern, **{"notes-0-text": "Rewritten history"})

    assert CaseNote.objects.get(pk=note.pk).text == "NOTE-TEXT-in-the-chronology"


def test_the_audit_trail_is_read_only_and_filterable(cast, auth_client, records):
    client = auth_client(cast.trustee)
    url = reverse("admin:core_auditevent_changelist")

    def actions(**params) -> set[str]:
        return {event.action for event in client.get(url, params).context["cl"].result_list}

    assert actions(action="safeguarding.contact.viewed") == {"safeguarding.contact.viewed"}
    assert actions(actor=str(cast.trustee.pk)) == {"safeguarding.case.note_added", "safeguarding.contact.viewed"}
    assert actions(actor="system") == set()
    assert "safeguarding.removal.created" in actions()
    event = records["core_auditevent"]
    assert client.post(reverse("admin:core_auditevent_change", args=[event.pk]), {}).status_code == 403
    assert client.get(reverse("admin:core_auditevent_delete", args=[event.pk])).status_code == 403
    assert client.get(reverse("admin:core_auditevent_add")).status_code == 403


def test_a_trustee_removes_a_leader_in_the_admin(cast, auth_client, records):
    from groups.models import Membership

    membership = Membership.objects.get(group=cast.group, user=cast.co_leader)

    response = auth_client(cast.trustee).post(
        reverse("admin:safeguarding_removal_add"),
        {"membership": membership.pk, "kind": "permanent", "reasons": ["risk_to_members"], "note": "Agreed by board"},
    )

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.REMOVED
    assert AuditEvent.objects.filter(action="safeguarding.removal.created", actor_id=cast.trustee.pk).exists()


def test_the_admin_removal_form_shows_errors_by_field(cast, auth_client, records):
    from groups.models import Membership

    membership = Membership.objects.get(group=cast.group, user=cast.member)

    response = auth_client(cast.trustee).post(
        reverse("admin:safeguarding_removal_add"),
        {"membership": membership.pk, "kind": "temporary", "reasons": ["other"]},
    )

    assert response.status_code == 200
    assert b"Please choose when the removal ends." in response.content


def test_the_reinstate_action(cast, auth_client, records):
    removal = records["safeguarding_removal"]

    response = auth_client(cast.trustee).post(
        reverse("admin:safeguarding_removal_changelist"),
        {"action": "reinstate_selected", "_selected_action": [removal.pk]},
    )

    assert response.status_code == 302
    removal.refresh_from_db()
    assert removal.lifted_by == cast.trustee


def test_cases_filter_by_whether_they_are_with_the_safeguarding_leads(cast, auth_client, records, concern_factory):
    with_leaders = concern_factory()
    client = auth_client(cast.trustee)
    url = reverse("admin:safeguarding_concern_changelist")

    def listed(**params):
        return set(client.get(url, params).context["cl"].result_list)

    assert listed(with_trustees="yes") == {records["safeguarding_concern"]}
    assert listed(with_trustees="no") == {with_leaders}


@pytest.mark.parametrize("n", [1, 25])
def test_the_concern_list_query_count_does_not_grow_with_concerns(
    cast, auth_client, concern_factory, django_assert_num_queries, n
):
    for i in range(n):
        concern_factory(raised_by=cast.leader, to_trustees=True) if i % 2 else concern_factory()
    client = auth_client(cast.trustee)
    client.get(reverse("admin:index"))  # the admin's first page view warms per-process caches
    with django_assert_num_queries(13):
        response = client.get(reverse("admin:safeguarding_concern_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == n
