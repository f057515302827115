"""Send an email once, however many times its task runs: claim it in the transaction that sends it.

The claim commits only with the send: a send that fails, or a worker killed half-way (tasks are acks_late, so
the task runs again), gives the claim back; a second worker waits on the first one's row lock meanwhile, then
finds the email claimed. Two shapes of claim, one rule:

- `claim_mark(model, pk, field)`: one email per record, marked by a timestamp field ("trustees_notified_at").
- `claim_row(model, **fields)`: one email per row under a unique constraint ("this email, to this person,
  about this change"), for emails that a record may need more than once.
"""

from django.db import IntegrityError, models, transaction
from django.utils import timezone


def _inside_the_sending_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Claim an email inside the transaction that sends it (core/send_once.py).")


def claim_mark(model: type[models.Model], pk: int, field: str) -> bool:
    """Set `field` to now if it is still empty; False if the email was already claimed (the task ran twice)."""
    _inside_the_sending_transaction()
    return model.objects.filter(pk=pk, **{f"{field}__isnull": True}).update(**{field: timezone.now()}) == 1


def claim_row(model: type[models.Model], **fields) -> bool:
    """Create the unique row that stands for this email; False if it exists (the email was already sent)."""
    _inside_the_sending_transaction()
    try:
        with transaction.atomic():  # a savepoint: the duplicate leaves the sending transaction usable
            model.objects.create(**fields)
    except IntegrityError:
        return False
    return True
