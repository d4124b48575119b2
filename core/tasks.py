from celery import shared_task


@shared_task
def health() -> dict:
    """A round trip through the broker and the database, for monitoring and the broker tests."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        ok = cursor.fetchone()[0] == 1
    return {"database": ok, "vendor": connection.vendor}


@shared_task(acks_late=True)
def outbox_sweep() -> dict:
    """Publish outbox messages that were never published or never ran (see core/outbox.py)."""
    from core.outbox import sweep

    return sweep()


@shared_task
def apply_retention() -> dict:
    """Daily: apply every retention rule (``core.retention``); the counts are kept in a
    ``RetentionRun`` and logged."""
    from core.retention import retention_run

    run = retention_run()
    return {"run": run.pk, "counts": run.counts, "notice": run.notice, "errors": run.errors}
