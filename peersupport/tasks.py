from celery import shared_task


@shared_task(name="peersupport.flush_task_outbox")
def flush_task_outbox() -> int:
    """Beat: queue again the tasks kept while the broker was down (see peersupport/outbox.py)."""
    from peersupport.outbox import flush

    return flush()
