"""The data-protection clocks: requests (a calendar month, paused, extended), complaints (30 days), breaches (72 h)."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from safeguarding import datarights_services as rights
from safeguarding.datarights import Breach, DataRightsRequest, add_months


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 3, 15), date(2026, 4, 15)),
        (date(2026, 1, 31), date(2026, 2, 28)),  # no 31 February: the month's last day
        (date(2028, 1, 31), date(2028, 2, 29)),  # a leap year
        (date(2026, 8, 31), date(2026, 9, 30)),
        (date(2026, 12, 30), date(2027, 1, 30)),  # across the year's end
    ],
)
def test_a_request_is_due_a_calendar_month_after_it_arrives(received, due):
    assert DataRightsRequest(kind="access", received_on=received).due_on() == due


def test_an_extension_runs_three_calendar_months_with_the_same_clamping():
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def record(cast, received: date, kind="access") -> DataRightsRequest:
    return rights.record_request(actor=cast.trustee, kind=kind, received_on=received, person=cast.member)


def test_the_clock_pauses_while_waiting_for_the_person_and_the_due_date_moves_by_those_days(cast):
    request = record(cast, date(2026, 1, 31))
    rights.pause_clock(request, actor=cast.trustee, on=date(2026, 2, 5))
    request.refresh_from_db()
    # While paused, the due date moves on with each day that passes.
    assert request.due_on(today=date(2026, 2, 9)) == date(2026, 2, 28) + timedelta(days=4)

    rights.restart_clock(request, actor=cast.trustee, on=date(2026, 2, 12))
    request.refresh_from_db()
    assert (request.days_paused, request.due_on()) == (7, date(2026, 3, 7))
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["safeguarding.data_request.paused", "safeguarding.data_request.restarted"]


def test_a_paused_request_cannot_be_marked_done_until_the_clock_runs(cast):
    request = record(cast, date(2026, 10, 1))
    rights.pause_clock(request, actor=cast.trustee, on=date(2026, 10, 2))
    with pytest.raises(ValidationError):
        rights.mark_done(request, actor=cast.trustee, on=date(2026, 10, 3))


def test_an_extension_needs_the_reason_and_the_person_told_within_the_first_month(cast):
    request = record(cast, date(2026, 1, 31))

    with pytest.raises(ValidationError):
        rights.extend(request, actor=cast.trustee, reason="", person_told_on=date(2026, 2, 10))
    with pytest.raises(ValidationError) as exc:
        rights.extend(request, actor=cast.trustee, reason="Ten years of records.", person_told_on=date(2026, 3, 2))
    assert "person_told_on" in exc.value.message_dict

    rights.extend(request, actor=cast.trustee, reason="Ten years of records.", person_told_on=date(2026, 2, 20))
    request.refresh_from_db()
    assert request.due_on() == date(2026, 4, 30) and request.extension_reason == "Ten years of records."


def test_done_in_time_or_late_is_audited(cast):
    request = record(cast, date(2026, 1, 31))
    rights.mark_done(request, actor=cast.trustee, on=date(2026, 3, 2))

    event = AuditEvent.objects.filter(action="safeguarding.data_request.done").get()
    assert event.data["in_time"] is False and event.data["due_on"] == "2026-02-28"


def test_only_trustees_keep_the_log(cast):
    with pytest.raises(PermissionDenied):
        rights.record_request(actor=cast.leader, kind="access", received_on=date(2026, 1, 1), person=cast.member)


def test_the_members_own_download_counts_as_an_access_request_fulfilled_at_once(cast, auth_client):
    response = auth_client(cast.member).post(reverse("members:download_my_data"))

    assert response.status_code == 200
    request = DataRightsRequest.objects.get()
    today = timezone.localdate()
    assert (request.kind, request.source, request.person) == ("access", "self_service", cast.member)
    assert request.received_on == request.done_on == today and request.done_on <= request.due_on()


# --- reminders ---------------------------------------------------------------------------------------------


def test_reminders_fall_due_a_week_before_and_on_the_day(cast):
    request = record(cast, date(2026, 1, 31))  # due 28 February

    assert rights.requests_due_a_reminder(date(2026, 2, 20)) == []
    assert rights.requests_due_a_reminder(date(2026, 2, 21)) == [(request.pk, "week")]
    DataRightsRequest.objects.filter(pk=request.pk).update(week_reminder_sent_at=timezone.now())
    assert rights.requests_due_a_reminder(date(2026, 2, 27)) == []
    assert rights.requests_due_a_reminder(date(2026, 2, 28)) == [(request.pk, "due")]


def test_once_the_day_reminder_is_out_no_week_reminder_follows(cast):
    request = record(cast, date(2026, 1, 31))
    DataRightsRequest.objects.filter(pk=request.pk).update(due_reminder_sent_at=timezone.now())

    assert rights.requests_due_a_reminder(date(2026, 2, 28)) == []
    assert rights.requests_due_a_reminder(date(2026, 3, 10)) == []


def test_a_paused_or_done_request_gets_no_reminder(cast):
    paused = record(cast, date(2026, 1, 31))
    rights.pause_clock(paused, actor=cast.trustee, on=date(2026, 2, 1))
    done = record(cast, date(2026, 1, 31))
    rights.mark_done(done, actor=cast.trustee, on=date(2026, 2, 2))

    assert rights.requests_due_a_reminder(date(2026, 2, 28)) == []


def test_a_reminder_sent_twice_reaches_each_trustee_once_and_says_nothing_of_the_request(cast):
    request = rights.record_request(
        actor=cast.trustee, kind="erasure", received_on=date(2026, 1, 31), person_name="Robin Private-Name"
    )
    mail.outbox.clear()

    rights.send_data_rights_reminder(request.pk, "due")
    rights.send_data_rights_reminder(request.pk, "due")

    assert [message.to for message in mail.outbox] == [[cast.trustee.email]]
    assert "Robin" not in mail.outbox[0].body and "due today" in mail.outbox[0].subject


# --- complaints --------------------------------------------------------------------------------------------


def complaint_url() -> str:
    return reverse("safeguarding:data_complaint")


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(complaint_url())
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_a_member_sends_a_complaint_and_the_trustees_are_told_it_waits(
    cast, auth_client, django_capture_on_commit_callbacks
):
    client = auth_client(cast.member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(complaint_url(), {"details": "You emailed my group about me."}, follow=True)

    complaint = DataRightsRequest.objects.get()
    assert complaint.kind == "complaint" and complaint.details == "You emailed my group about me."
    assert complaint.acknowledge_by() == complaint.received_on + timedelta(days=30)
    assert f"by {complaint.acknowledge_by():%-d %B %Y}".encode() in response.content
    assert [message.to for message in mail.outbox] == [[cast.trustee.email]]
    assert "emailed my group" not in mail.outbox[0].body


def test_an_empty_complaint_is_refused_kindly(cast, auth_client):
    response = auth_client(cast.member).post(complaint_url(), {"details": " "})

    assert response.status_code == 200 and b"Please write what your complaint is about." in response.content
    assert not DataRightsRequest.objects.exists()


def test_a_trustee_acknowledges_a_complaint_once(cast):
    complaint = rights.raise_data_complaint(person=cast.member, details="x")
    rights.acknowledge_complaint(complaint, actor=cast.trustee)
    with pytest.raises(ValidationError):
        rights.acknowledge_complaint(complaint, actor=cast.trustee)


# --- breaches ----------------------------------------------------------------------------------------------


def test_a_breach_shows_the_72_hour_ico_deadline_from_the_moment_it_is_opened(cast, auth_client):
    aware = timezone.now() - timedelta(hours=10)
    breach = rights.save_breach(
        None, actor=cast.trustee, became_aware_at=aware, what_happened="A list went to the wrong person."
    )

    assert breach.ico_deadline == aware + timedelta(hours=72)
    listing = auth_client(cast.trustee).get(reverse("admin:safeguarding_breach_changelist")).content.decode()
    assert "61 hours left" in listing or "62 hours left" in listing
    assert "wrong person" not in listing  # the list never shows protected text
    assert AuditEvent.objects.filter(action="safeguarding.breach.opened").count() == 1


def test_a_breach_decided_not_reportable_needs_the_reason(cast):
    with pytest.raises(ValidationError):
        rights.save_breach(None, actor=cast.trustee, what_happened="x", decision=Breach.Decision.NOT_REPORTING)


# --- the admin ---------------------------------------------------------------------------------------------


def test_the_trustees_log_lists_each_requests_clock(cast, auth_client):
    record(cast, timezone.localdate() - timedelta(days=3))
    overdue = record(cast, date(2026, 1, 31))

    listing = auth_client(cast.trustee).get(reverse("admin:safeguarding_datarightsrequest_changelist"))

    body = listing.content.decode()
    assert "days left" in body and "overdue by" in body
    assert str(overdue) in body


def test_extending_in_the_admin_without_a_reason_is_refused(cast, auth_client):
    request = record(cast, timezone.localdate() - timedelta(days=3))
    url = reverse("admin:safeguarding_datarightsrequest_change", args=[request.pk])

    response = auth_client(cast.trustee).post(url, {"action": "extend", "reason": "", "on": ""})

    assert response.status_code == 200 and b"Please write why the request needs longer." in response.content
    request.refresh_from_db()
    assert request.extended_on is None


def test_marking_done_in_the_admin(cast, auth_client):
    request = record(cast, timezone.localdate() - timedelta(days=3))
    url = reverse("admin:safeguarding_datarightsrequest_change", args=[request.pk])

    response = auth_client(cast.trustee).post(url, {"action": "done", "on": ""})

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.done_on == timezone.localdate() and request.done_by == cast.trustee
