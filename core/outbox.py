"""A transactional outbox: background work is recorded as a row in the same transaction as the write
that asks for it, and published to the broker only after commit.

So a write never fails because the broker (or the cache) is down, and what it should trigger is never
lost: a message that could not be published, or was published and never started (a lost delivery,
a broker restarted without persistence), is published again by ``outbox_sweep`` — a periodic task —
until a worker has run it. ``key`` coalesces: while a message with the same key waits to start, a
second request adds nothing (a burst of edits gives one refresh).

Tasks are named, not imported, so any app can use the outbox without importing a higher layer.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from importlib import import_module

from django.db import models, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from core import request_id

HEADER = "outbox_id"
RETRY_UNPUBLISHED_AFTER = timedelta(seconds=20)
REPUBLISH_UNSTARTED_AFTER = timedelta(minutes=5)
REPUBLISH_UNFINISHED_AFTER = timedelta(minutes=30)
KEEP_FINISHED = timedelta(days=2)
MAX_ATTEMPTS = 50

logger = logging.getLogger("brygga.outbox")


class OutboxMessage(models.Model):
    """One task to run after the write that recorded it, kept until a worker has finished it."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    countdown = models.PositiveIntegerField(default=0)
    key = models.CharField(max_length=200, blank=True, db_index=True)
    request_id = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        app_label = "core"
        ordering = ["pk"]
        indexes = [models.Index(fields=["finished_at", "published_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)} #{self.pk}"


def enqueue(
    task: str,
    *,
    args: list | tuple = (),
    kwargs: dict | None = None,
    countdown: int = 0,
    key: str = "",
) -> OutboxMessage | None:
    """Record ``task`` to run after the current transaction commits (or now, outside one).
    Returns None when a message with the same ``key`` is still waiting to start."""
    if key and OutboxMessage.objects.filter(key=key, started_at__isnull=True).exists():
        return None
    rid = request_id.current()
    message = OutboxMessage.objects.create(
        task=task,
        args=list(args),
        kwargs=kwargs or {},
        countdown=countdown,
        key=key,
        request_id="" if rid == request_id.NONE else rid,
    )
    transaction.on_commit(lambda: publish(message))
    return message


def publish(message: OutboxMessage) -> bool:
    """Hand the message to the broker; on failure keep it for the sweep. Never raises."""
    from celery import current_app

    headers = {HEADER: message.pk}
    if message.request_id:
        headers[request_id.TASK_HEADER] = message.request_id
    app = current_app
    try:
        if app.conf.task_always_eager:  # tests and one-process setups: run it here and now
            import_module(message.task.rsplit(".", 1)[0])  # registers the task by name
            app.tasks[message.task].apply_async(
                args=message.args, kwargs=message.kwargs, headers=headers
            )
        else:
            app.send_task(
                message.task,
                args=message.args,
                kwargs=message.kwargs,
                countdown=message.countdown or None,
                headers=headers,
                retry=False,
            )
    except Exception as exc:  # the broker is down or refused: the sweep will try again
        if app.conf.task_always_eager and not isinstance(exc, BrokerError):
            raise  # an eager task's own error is the caller's to see
        logger.warning("outbox: publish failed for %s: %s", message, exc)
        _safely_update(message.pk, attempts=models.F("attempts") + 1, last_error=str(exc)[:1000])
        return False
    _safely_update(
        message.pk, published_at=timezone.now(), attempts=models.F("attempts") + 1, last_error=""
    )
    return True


def _safely_update(pk: int, **fields) -> None:
    try:
        OutboxMessage.objects.filter(pk=pk).update(**fields)
    except Exception as exc:  # the database went away between commit and here: the sweep recovers
        logger.warning("outbox: could not record state of #%s: %s", pk, exc)


def due(now=None) -> models.QuerySet[OutboxMessage]:
    """Messages to publish (again): never published, published but never started, or started and
    never finished for a long time (a worker killed mid-task)."""
    now = now or timezone.now()
    return OutboxMessage.objects.filter(finished_at__isnull=True, attempts__lt=MAX_ATTEMPTS).filter(
        models.Q(published_at__isnull=True, created_at__lt=now - RETRY_UNPUBLISHED_AFTER)
        | models.Q(
            published_at__isnull=False,
            started_at__isnull=True,
            published_at__lt=now - REPUBLISH_UNSTARTED_AFTER,
        )
        | models.Q(started_at__lt=now - REPUBLISH_UNFINISHED_AFTER)
    )


def requeue_unstarted(*, published_before) -> int:
    """A worker (re)started: messages published before it and not started since may have been lost
    with the broker (a Redis restarted without persistence, or the worker that held delayed tasks
    in memory exited with the broker). Mark the keyed ones — idempotent by design: refreshes,
    recompute parts, imports — unpublished, so the next sweep publishes them again now rather than
    after ``REPUBLISH_UNSTARTED_AFTER``. A duplicate of one still in the broker only runs twice."""
    return (
        OutboxMessage.objects.filter(
            finished_at__isnull=True,
            started_at__isnull=True,
            published_at__lt=published_before,
        )
        .exclude(key="")
        .update(published_at=None)
    )


def sweep(*, limit: int = 500) -> dict[str, int]:
    """Publish what is due, forget what finished long ago. Run by beat every 30 s."""
    now = timezone.now()
    published = failed = 0
    for message in due(now).order_by("pk")[:limit]:
        if message.started_at is not None:
            OutboxMessage.objects.filter(pk=message.pk).update(started_at=None)
        if publish(message):
            published += 1
        else:
            failed += 1
            break  # the broker is down: no point trying the rest now
    removed, _ = OutboxMessage.objects.filter(finished_at__lt=now - KEEP_FINISHED).delete()
    return {"published": published, "failed": failed, "removed": removed}
