"""A debrief's open items become follow-ups for the group's leaders: one each, about a member who came or
about nobody in particular, claimed, closed and reminded like the others. The words are a leader's own,
encrypted; the trustees see that an item exists, not what it says."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from care import services
from care.models import FollowUp
from care.tasks import dispatch_follow_up_emails
from core.models import AuditEvent
from peersupport import gdpr
from sessions.models import Attendance, GroupSession
from tests.care.test_follow_ups import NUM_PAGE_QUERIES, page_url
from wellbeing import services as wellbeing
from wellbeing.debrief_items import OpenItem
from wellbeing.models import AddOnlyError, Debrief

pytestmark = pytest.mark.django_db

ABOUT_MO = "Ring Mo about the housing letter she mentioned"
FOR_THE_GROUP = "Find a quieter room before next month"


@pytest.fixture
def ended(cast, session_factory):
    session = session_factory(
        cast.group,
        starts_in=timedelta(hours=-3),
        status=GroupSession.Status.ENDED,
        ended_at=timezone.now() - timedelta(hours=1),
        topic="Sleep",
    )
    Attendance.objects.create(session=session, user=cast.member)
    Attendance.objects.create(session=session, user=cast.leader)
    return session


def debrief_url(session) -> str:
    return reverse("wellbeing:session_debriefs", args=[session.pk])


def form_data(*items, **fields) -> dict:
    data = {"how_it_went": "A hard one, but we got there.", "items-TOTAL_FORMS": "3", "items-INITIAL_FORMS": "0"}
    for i, (what, member) in enumerate(items):
        data[f"items-{i}-what"] = what
        data[f"items-{i}-member"] = str(member.pk) if member else ""
    return {**data, **fields}


@pytest.fixture
def two_items(cast, ended, auth_client):
    response = auth_client(cast.leader).post(
        debrief_url(ended), form_data((ABOUT_MO, cast.member), (FOR_THE_GROUP, None))
    )
    assert response.status_code == 302, response.content.decode()
    about_mo = FollowUp.objects.get(member=cast.member)
    for_group = FollowUp.objects.get(member=None)
    return about_mo, for_group


def test_a_debrief_with_two_open_items_makes_two_follow_ups(cast, ended, two_items):
    about_mo, for_group = two_items
    debrief = Debrief.objects.get()
    assert FollowUp.objects.count() == 2
    for follow_up, words in ((about_mo, ABOUT_MO), (for_group, FOR_THE_GROUP)):
        assert (follow_up.kind, follow_up.what, follow_up.debrief, follow_up.session) == ("item", words, debrief, ended)
        assert follow_up.group == cast.group and follow_up.is_open and follow_up.owner is None
        assert follow_up.due_at > debrief.created_at  # the next day, at the group's follow-up time
    events = AuditEvent.objects.filter(action="care.follow_up.created").order_by("id")
    assert [e.data["kind"] for e in events] == ["item", "item"]
    assert [e.data["debrief"] for e in events] == [debrief.pk, debrief.pk]
    assert AuditEvent.objects.get(action="wellbeing.debrief.added").data["open_items"] == 2
    assert ABOUT_MO not in str([e.data for e in AuditEvent.objects.all()])


def test_the_words_are_ciphertext_only(two_items):
    with connection.cursor() as cursor:
        cursor.execute("SELECT what FROM care_followup")
        raw = [row[0] for row in cursor.fetchall()]
    assert all(value.startswith("gAAAAA") for value in raw)
    assert ABOUT_MO not in "".join(raw) and FOR_THE_GROUP not in "".join(raw)


def test_only_that_groups_leaders_see_and_work_them(cast, two_items, auth_client):
    for who, status in [("outsider", 404), ("other_leader", 404), ("trustee", 404), ("member", 403)]:
        response = auth_client(getattr(cast, who)).get(page_url(cast))
        assert response.status_code == status, who
        assert ABOUT_MO not in response.content.decode()
    for follow_up in two_items:
        for action in ("follow_up_claim", "follow_up_close"):
            url = reverse(f"care:{action}", args=[follow_up.pk])
            for who in ("outsider", "other_leader", "trustee", "member"):
                assert auth_client(getattr(cast, who)).post(url, {"outcome": "done"}).status_code == 404, who
    assert FollowUp.objects.open().count() == 2
    page = auth_client(cast.co_leader).get(page_url(cast)).content.decode()
    assert ABOUT_MO in page and FOR_THE_GROUP in page
    assert "Member Mo: open item from a debrief" in page and "Open (2)" in page


def test_a_leader_claims_and_closes_them(cast, two_items, auth_client):
    about_mo, for_group = two_items
    client = auth_client(cast.co_leader)
    assert client.post(reverse("care:follow_up_claim", args=[for_group.pk])).status_code == 302
    client.post(reverse("care:follow_up_close", args=[for_group.pk]), {"outcome": "done"})
    for_group.refresh_from_db()
    assert (for_group.owner, for_group.outcome, for_group.is_open) == (cast.co_leader, "done", False)
    client.post(reverse("care:follow_up_close", args=[about_mo.pk]), {"outcome": "spoke"})
    about_mo.refresh_from_db()
    assert about_mo.outcome == "spoke"
    page = client.get(page_url(cast)).content.decode()
    assert "Open (0)" in page and "Done, by Co Leader" in page


def test_an_item_about_nobody_is_not_closed_as_if_someone_answered(cast, two_items):
    _, for_group = two_items
    with pytest.raises(ValidationError):
        services.close_follow_up(for_group, actor=cast.leader, outcome="spoke")
    assert [value for value, _ in for_group.outcome_choices] == ["done", "concern", "not_needed"]


def test_write_to_them_only_when_an_item_is_about_someone(cast, two_items, auth_client):
    about_mo, for_group = two_items
    client = auth_client(cast.leader)
    page = client.get(page_url(cast)).content.decode()
    assert reverse("care:follow_up_write", args=[about_mo.pk]) in page
    assert reverse("care:follow_up_write", args=[for_group.pk]) not in page
    assert client.get(reverse("care:follow_up_write", args=[for_group.pk])).status_code == 404


def test_the_sessions_page_card_shows_them_the_same_way(cast, ended, two_items, auth_client):
    page = auth_client(cast.leader).get(reverse("sessions:detail", args=[ended.pk])).content.decode()
    assert "Follow-ups from this session" in page
    assert "Member Mo: open item from a debrief" in page and ABOUT_MO in page and FOR_THE_GROUP in page
    debriefs = auth_client(cast.co_leader).get(debrief_url(ended)).content.decode()
    assert ABOUT_MO in debriefs and "nobody has taken it on yet" in debriefs


def test_the_member_chosen_must_have_come_to_that_session_and_nothing_typed_is_lost(
    cast, ended, membership_factory, user_factory, auth_client
):
    absent = membership_factory(cast.group, user_factory(display_name="Absent Abi")).user
    response = auth_client(cast.leader).post(debrief_url(ended), form_data((ABOUT_MO, absent)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice" in html and ABOUT_MO in html and "A hard one, but we got there." in html
    assert not Debrief.objects.exists() and not FollowUp.objects.exists()
    with pytest.raises(ValidationError):
        wellbeing.add_debrief(ended, actor=cast.leader, how_it_went="x", open_items=[OpenItem(ABOUT_MO, absent.pk)])
    assert not Debrief.objects.exists()


def test_an_item_needs_words(cast, ended, auth_client):
    response = auth_client(cast.leader).post(debrief_url(ended), form_data(("", cast.member)))
    assert response.status_code == 200 and not Debrief.objects.exists()
    assert "Please say what needs doing" in response.content.decode()


def test_the_debrief_stays_add_only_and_one_without_items_makes_no_follow_ups(cast, ended, two_items, auth_client):
    debrief = Debrief.objects.get()
    debrief.how_it_went = "changed"
    with pytest.raises(AddOnlyError):
        debrief.save()
    services.close_follow_up(two_items[1], actor=cast.leader, outcome="done")
    assert Debrief.objects.get().how_it_went == "A hard one, but we got there."
    auth_client(cast.co_leader).post(debrief_url(ended), form_data(how_it_went="Tired but fine."))
    assert Debrief.objects.count() == 2 and FollowUp.objects.count() == 2


def test_more_rows_keep_what_was_typed(cast, ended, auth_client):
    data = form_data((ABOUT_MO, cast.member), more_items="1")
    response = auth_client(cast.leader).post(debrief_url(ended), data)
    html = response.content.decode()
    assert response.status_code == 200 and not Debrief.objects.exists()
    assert ABOUT_MO in html and 'name="items-3-what"' in html


def test_only_items_may_leave_out_the_member(cast, ended):
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.create(
            group=cast.group, session=ended, kind="contact", happened_at=ended.ended_at, due_at=timezone.now()
        )


def test_reminded_and_reported_like_the_others_without_their_words(settings, cast, two_items):
    FollowUp.objects.update(created_at=timezone.now() - timedelta(hours=settings.FOLLOW_UP_OVERDUE_HOURS, minutes=1))
    dispatch_follow_up_emails()
    assert len(mail.outbox) == 4  # each item: the leaders reminded, the trustees told it is overdue
    for message in mail.outbox:
        assert ABOUT_MO not in message.body and "Member Mo" not in message.body


def test_trustees_see_an_item_exists_in_the_admin_not_its_words(cast, two_items, auth_client):
    client = auth_client(cast.trustee)
    listing = client.get(reverse("admin:care_followup_changelist")).content.decode()
    change = client.get(reverse("admin:care_followup_change", args=[two_items[0].pk])).content.decode()
    assert "Open item from a debrief" in listing
    assert ABOUT_MO not in listing and ABOUT_MO not in change


@pytest.mark.parametrize("n", [1, 15])
def test_the_follow_ups_page_queries_stay_flat_with_items(
    cast, ended, auth_client, user_factory, membership_factory, django_assert_num_queries, n
):
    for i in range(n):  # a debrief from each of n evenings' worth: 2n item follow-ups
        user = membership_factory(cast.group, user_factory()).user
        Attendance.objects.create(session=ended, user=user)
        items = [OpenItem(f"Check in with them ({i})", user.pk), OpenItem(f"Group item {i}")]
        wellbeing.add_debrief(ended, actor=cast.leader, how_it_went="Busy.", open_items=items)
    services.close_follow_up(FollowUp.objects.first(), actor=cast.leader, outcome="done")
    client = auth_client(cast.leader)
    client.get(page_url(cast))
    with django_assert_num_queries(NUM_PAGE_QUERIES):
        assert client.get(page_url(cast)).status_code == 200


# --- the member's data rights -------------------------------------------------------------------------


def test_the_members_export_holds_items_about_them_and_not_the_others(cast, two_items):
    data = gdpr.export_user_data(cast.member)
    about = data["follow_ups_about_you"]
    assert [(f["kind"], f["what_the_leaders_noted"]) for f in about] == [("Open item from a debrief", ABOUT_MO)]
    assert about[0]["group"] == cast.group.name and about[0]["status"] == "open"
    assert FOR_THE_GROUP not in str(data)


def test_erasure_deletes_the_items_about_the_member_and_keeps_the_groups(cast, two_items):
    about_mo, for_group = two_items
    gdpr.erase_account(cast.member, actor=cast.member)
    assert not FollowUp.objects.filter(pk=about_mo.pk).exists()
    assert FollowUp.objects.filter(pk=for_group.pk).exists() and Debrief.objects.exists()
