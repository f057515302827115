"""One send-once rule for every email (core/send_once.py): claimed in the sending transaction, given back on failure."""

import pytest
from django.db import transaction
from django.utils import timezone

from core.send_once import claim_mark, claim_row
from groups.models import GroupEmailSent, Membership
from safeguarding.models import Removal


@pytest.fixture
def removal(cast):
    membership = Membership.objects.get(group=cast.group, user=cast.member)
    return Removal.objects.create(
        membership=membership,
        kind=Removal.Kind.PERMANENT,
        reasons=[Removal.Reason.TALKING_OVER],
        decided_by=cast.leader,
    )


def test_a_marked_email_is_claimed_once(removal):
    with transaction.atomic():
        assert claim_mark(Removal, removal.pk, "member_notified_at") is True
        assert claim_mark(Removal, removal.pk, "member_notified_at") is False
    removal.refresh_from_db()
    assert removal.member_notified_at is not None


def test_a_failed_send_gives_the_mark_back(removal):
    with pytest.raises(ConnectionError), transaction.atomic():
        assert claim_mark(Removal, removal.pk, "member_notified_at")
        raise ConnectionError("the mail server is away")
    with transaction.atomic():
        assert claim_mark(Removal, removal.pk, "member_notified_at") is True  # the retry sends it


def test_a_row_claim_is_taken_once_and_leaves_the_transaction_usable(cast):
    about = timezone.now()
    membership = Membership.objects.get(group=cast.group, user=cast.member)
    fields = {"membership": membership, "kind": GroupEmailSent.Kind.MADE_LEADER, "about": about}
    with transaction.atomic():
        assert claim_row(GroupEmailSent, **fields) is True
        assert claim_row(GroupEmailSent, **fields) is False
        assert GroupEmailSent.objects.filter(**fields).count() == 1  # still usable after the duplicate


def test_a_claim_outside_a_transaction_is_refused(transactional_db, removal):
    # Outside a transaction the claim would commit before the send: a failed send would lose the email.
    with pytest.raises(RuntimeError, match="inside the transaction"):
        claim_mark(Removal, removal.pk, "member_notified_at")
