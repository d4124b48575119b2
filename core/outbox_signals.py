"""Celery signal handlers for the outbox, importable before Django is set up (config/celery.py)."""

import logging

from django.utils.timezone import now

logger = logging.getLogger("brygga.outbox")


def connect_celery() -> None:
    """Mark messages started and finished from the worker (a header carries the message id)."""
    from celery.signals import task_failure, task_prerun, task_success, worker_ready

    HEADER = "outbox_id"

    def _safely_update(pk, **fields):
        from core.outbox import _safely_update as update

        update(pk, **fields)

    def message_id(task) -> int | None:
        value = task.request.get(HEADER) or (task.request.headers or {}).get(HEADER)
        return int(value) if value else None

    def on_prerun(task=None, **kwargs):
        pk = message_id(task)
        if pk:
            # Started: a new request for the same key now queues a new run (edits made during
            # this run are not lost).
            _safely_update(pk, started_at=now())

    def on_success(sender=None, **kwargs):
        pk = message_id(sender)
        if pk:
            _safely_update(pk, finished_at=now())

    def on_failure(sender=None, exception=None, **kwargs):
        pk = message_id(sender)
        if pk:
            # Failed for good (retries exhausted): keep it unfinished so the sweep tries later.
            _safely_update(pk, last_error=f"{type(exception).__name__}: {exception}"[:1000])

    def on_worker_ready(**kwargs):
        # The worker is connected to the broker: what an earlier worker held when it exited (e.g.
        # with a broker outage) is published again by the next sweep.
        from core.outbox import requeue_unstarted

        try:
            count = requeue_unstarted(published_before=now())
        except Exception as exc:  # the database is down: the sweep's 5-minute rule still applies
            logger.warning("outbox: requeue on start failed: %s", exc)
            return
        if count:
            logger.info(
                "outbox: %s unstarted messages to publish again after a worker start", count
            )

    task_prerun.connect(on_prerun, weak=False)
    worker_ready.connect(on_worker_ready, weak=False)
    task_success.connect(on_success, weak=False)
    task_failure.connect(on_failure, weak=False)
