"""Conversations: a member and their group's leaders as a team. Encrypted, content-free emails, unread counts,
the permission ladder, retention, export and erasure."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from care import conversations
from care.conversations import purge_old_conversations
from care.models import Conversation, FollowUp, Message
from core.models import AuditEvent
from members.models import User
from peersupport.gdpr import erase_account, export_user_data
from safeguarding import services as safeguarding
from safeguarding.models import Concern

WORDS = "I have been struggling since Tuesday"


def start(cast, text=WORDS) -> Conversation:
    return conversations.start_conversation(actor=cast.member, group=cast.group, body=text)


def unread(user) -> int:
    return User.objects.get(pk=user.pk).unread_messages


@pytest.fixture
def other_member(cast, membership_factory, user_factory):
    return membership_factory(cast.group, user_factory(display_name="Other Member")).user


# --- a member writes to the leaders, the leaders answer ---------------------------------------------------


def test_a_member_messages_the_leaders_from_the_group_page(auth_client, cast):
    client = auth_client(cast.member)
    group_page = client.get(reverse("groups:detail", args=[cast.group.slug])).content.decode()
    url = reverse("care:message_leaders", args=[cast.group.slug])
    assert url in group_page
    assert client.get(url).status_code == 200
    response = client.post(url, {"body": WORDS})
    conversation = Conversation.objects.get()
    assert response.url == reverse("care:conversation", args=[conversation.pk])
    assert (conversation.member, conversation.group) == (cast.member, cast.group)
    assert unread(cast.leader) == unread(cast.co_leader) == 1
    assert unread(cast.member) == 0
    # Writing again continues the same conversation.
    assert client.get(url).url == response.url


def test_an_empty_message_is_refused_and_nothing_is_made(auth_client, cast):
    response = auth_client(cast.member).post(reverse("care:message_leaders", args=[cast.group.slug]), {"body": "  "})
    assert response.status_code == 400
    assert "Please write your message" in response.content.decode()
    assert not Conversation.objects.exists()


def test_the_leaders_see_who_wrote_and_the_member_sees_which_leader_answered(auth_client, cast):
    conversation = start(cast)
    url = reverse("care:conversation", args=[conversation.pk])
    page = auth_client(cast.co_leader).get(url).content.decode()
    assert "Member Mo" in page and WORDS in page
    assert unread(cast.co_leader) == 0 and unread(cast.leader) == 1
    auth_client(cast.co_leader).post(url, {"body": "Thank you for writing. Can we talk tomorrow?"})
    assert unread(cast.member) == 1
    page = auth_client(cast.member).get(url).content.decode()
    assert "Co Leader (leader)" in page and "Can we talk tomorrow?" in page
    assert unread(cast.member) == 0


def test_the_unread_count_is_in_the_navigation(auth_client, cast):
    start(cast)
    page = auth_client(cast.leader).get(reverse("groups:mine")).content.decode()
    assert 'class="nav-count">1<span class="visually-hidden"> unread' in page


def test_emails_say_only_that_there_is_a_message(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        conversation = start(cast)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast.leader.email, cast.co_leader.email])
    for message in mail.outbox:
        assert WORDS not in message.body + message.subject
        assert "Member Mo" not in message.body + message.subject
        assert reverse("care:conversation", args=[conversation.pk]) in message.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        conversations.send_message(conversation, actor=cast.leader, body="A reply with words")
    assert [m.to for m in mail.outbox] == [[cast.member.email]]
    assert "words" not in mail.outbox[0].body


def test_no_words_in_any_task_argument(cast, monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    import core.outbox

    monkeypatch.setattr(core.outbox, "queue_or_keep", lambda task, args, kwargs: queued.append((args, kwargs)))
    with django_capture_on_commit_callbacks(execute=True):
        start(cast)
    assert queued and all(isinstance(arg, int) for args, kwargs in queued for arg in args)
    assert WORDS not in repr(queued)


def test_the_raw_column_holds_ciphertext_only(cast):
    start(cast)
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM care_message")
        (raw,) = cursor.fetchone()
    assert WORDS not in raw and "struggling" not in raw
    assert raw.startswith("gAAAA")  # a Fernet token
    assert Message.objects.get().body == WORDS


def test_the_audit_trail_records_sending_and_leaders_reading_without_the_words(auth_client, cast):
    conversation = start(cast)
    auth_client(cast.leader).get(reverse("care:conversation", args=[conversation.pk]))
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert {"care.conversation.started", "care.message.sent", "care.conversation.read"} <= set(actions)
    assert WORDS not in repr(list(AuditEvent.objects.values_list("data", flat=True)))


# --- the ladder ------------------------------------------------------------------------------------------


def test_conversation_page_ladder(client, auth_client, cast, other_member):
    conversation = start(cast)
    url = reverse("care:conversation", args=[conversation.pk])
    assert reverse("account_login") in client.get(url).url
    for who in ("outsider", "other_leader", "trustee", "pending", "suspended"):
        assert auth_client(getattr(cast, who)).get(url).status_code == 404, who
    assert auth_client(other_member).get(url).status_code == 404
    assert auth_client(other_member).post(url, {"body": "hello"}).status_code == 404
    for who in ("member", "leader", "co_leader"):
        assert auth_client(getattr(cast, who)).get(url).status_code == 200, who


def test_message_the_leaders_ladder(client, auth_client, cast):
    url = reverse("care:message_leaders", args=[cast.group.slug])
    assert reverse("account_login") in client.get(url).url
    for who, status in [("outsider", 404), ("other_leader", 404), ("trustee", 404), ("pending", 403), ("leader", 403)]:
        assert auth_client(getattr(cast, who)).get(url).status_code == status, who
    assert auth_client(cast.member).get(url).status_code == 200


def test_members_never_message_members(cast, other_member):
    conversation = start(cast)
    with pytest.raises(Exception, match="Only the member and the group's leaders"):
        conversations.send_message(conversation, actor=other_member, body="hi")


# --- from a follow-up and from a concern -------------------------------------------------------------------


def test_a_leader_writes_from_a_follow_up(auth_client, cast, session_factory):
    session = session_factory(cast.group)
    now = timezone.now()
    follow_up = FollowUp.objects.create(
        group=cast.group, session=session, member=cast.member, kind="contact", happened_at=now, due_at=now
    )
    url = reverse("care:follow_up_write", args=[follow_up.pk])
    for who in ("member", "other_leader", "trustee"):
        assert auth_client(getattr(cast, who)).get(url).status_code == 404, who
    response = auth_client(cast.co_leader).post(url, {"body": "Hello, you asked us to get in touch."})
    conversation = Conversation.objects.get()
    assert (conversation.member, conversation.follow_up) == (cast.member, follow_up)
    assert response.url == reverse("care:conversation", args=[conversation.pk])
    assert unread(cast.member) == 1


@pytest.fixture
def concern(cast):
    return safeguarding.raise_concern(
        raised_by=cast.member, group=cast.group, category="risk_to_self", risk_level="medium", details="Worried"
    )


def test_a_concern_has_its_conversation_on_its_page_and_trustees_see_it_only_with_the_case(auth_client, cast, concern):
    concern_url = reverse("safeguarding:concern_detail", args=[concern.pk])
    write_url = reverse("care:concern_write", args=[concern.pk])
    assert write_url in auth_client(cast.leader).get(concern_url).content.decode()
    assert auth_client(cast.member).get(write_url).status_code in (403, 404)
    auth_client(cast.leader).post(write_url, {"body": "Thank you for telling us. How are you today?"})
    conversation = Conversation.objects.get(concern=concern)
    assert conversation.member == cast.member
    url = reverse("care:conversation", args=[conversation.pk])
    assert url in auth_client(cast.leader).get(concern_url).content.decode()
    assert auth_client(cast.trustee).get(url).status_code == 404  # not a case with them
    safeguarding.escalate_concern(Concern.objects.get(pk=concern.pk), actor=cast.leader)
    assert auth_client(cast.trustee).get(url).status_code == 200
    page = auth_client(cast.trustee).get(url).content.decode()
    assert 'name="body"' not in page  # trustees read; the member and the leaders write


# --- retention, export, erasure -----------------------------------------------------------------------------


def test_old_conversations_are_purged_unless_tied_to_a_concern(settings, cast, concern):
    old = start(cast, "old words")
    kept = conversations.start_conversation(actor=cast.leader, group=cast.group, body="about it", concern=concern)
    long_ago = timezone.now() - timedelta(days=settings.CONVERSATION_RETENTION_DAYS + 1)
    Conversation.objects.update(last_message_at=long_ago)
    recent = conversations.start_conversation(
        actor=cast.member, group=cast.group, body="new"
    )  # continues `old`, so it is recent again
    assert recent.pk == old.pk
    assert purge_old_conversations() == 0
    Conversation.objects.filter(pk=old.pk).update(last_message_at=long_ago)
    assert unread(cast.leader) == 2
    assert purge_old_conversations() == 1
    assert list(Conversation.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not Message.objects.filter(conversation_id=old.pk).exists()
    assert unread(cast.leader) == 0  # the purged messages no longer count
    event = AuditEvent.objects.get(action="care.conversations.purged")
    assert event.data["conversations"] == 1


def test_the_purge_is_in_beat(settings):
    assert any(e["task"] == "care.tasks.purge_old_conversations" for e in settings.CELERY_BEAT_SCHEDULE.values())


def test_the_export_holds_the_members_conversations(cast):
    conversation = start(cast)
    conversations.send_message(conversation, actor=cast.leader, body="We're here for you")
    data = export_user_data(cast.member)
    (exported,) = data["conversations_with_leaders"]
    assert [(m["from"], m["text"]) for m in exported["messages"]] == [
        ("you", WORDS),
        ("Leader Lee (leader)", "We're here for you"),
    ]


def test_erasure_removes_conversations_but_keeps_one_with_a_concern(cast, concern):
    start(cast)
    with_case = conversations.start_conversation(actor=cast.leader, group=cast.group, body="hello", concern=concern)
    erase_account(cast.member, actor=cast.member)
    assert list(Conversation.objects.values_list("pk", flat=True)) == [with_case.pk]
    assert Message.objects.filter(conversation__member=cast.member).count() == 1


# --- query counts --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 12])
def test_conversation_pages_queries_stay_flat(
    auth_client, cast, membership_factory, user_factory, django_assert_num_queries, n
):
    first = None
    for _ in range(n):
        member = membership_factory(cast.group, user_factory()).user
        conversation = conversations.start_conversation(actor=member, group=cast.group, body="hello")
        conversations.send_message(conversation, actor=cast.leader, body="hi back")
        first = first or conversation
    client = auth_client(cast.leader)
    client.get(reverse("care:conversations"))
    # session, user, leads a group?, MFA authenticator, conversations, unread per conversation, groups to write to
    with django_assert_num_queries(7):
        assert client.get(reverse("care:conversations")).status_code == 200
    url = reverse("care:conversation", args=[first.pk])
    client.get(url)
    # session, user, leads a group?, MFA, conversation, leader check; marking it read in one transaction
    # (2 savepoints, read mark select + update, release, unread count, user update, audit: savepoint, last hash,
    # insert, 2 releases); the messages with their authors
    with django_assert_num_queries(_thread_queries()):
        assert client.get(url).status_code == 200


def _thread_queries() -> int:
    # 19, and on PostgreSQL the audit chain's advisory lock (core.audit.record) before its last hash.
    return 19 + (connection.vendor == "postgresql")
