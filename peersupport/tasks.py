from celery import shared_task


@shared_task(name="peersupport.flush_task_outbox")
def flush_task_outbox() -> int:
    """Beat: queue again the tasks kept while the broker was down (see core/outbox.py)."""
    from core.outbox import flush

    return flush()
