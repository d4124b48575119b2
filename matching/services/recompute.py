"""Background recomputation: coalesced per-record refreshes, and resumable full recomputes of a unit."""

from __future__ import annotations

import threading
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone

from core import outbox
from core.models import Unit, User
from matching.features import unit_engine
from matching.models import JobStatus, Participant, RecomputeJob
from matching.services.suggestions import suggestions_store_for_participant

COALESCE_SECONDS = 10
STALE_AFTER_SECONDS = 120
CHUNK = 200


_suppressed = threading.local()


@contextmanager
def refreshes_suppressed():
    """For bulk loads (demo data, imports): no per-record refreshes; run a full recompute after."""
    _suppressed.on = True
    try:
        yield
    finally:
        _suppressed.on = False


def schedule_refresh(*, participant_id: int | None = None, profile_id: int | None = None) -> bool:
    """Ask for a background refresh after the current transaction commits. Bursts coalesce: while
    a refresh for the same record waits to start, further requests add nothing. True if queued.

    The request is an outbox row written with the caller's change (core/outbox.py), so neither a
    broker nor a cache outage can fail or roll back the edit, and the refresh runs once it is back."""
    if getattr(_suppressed, "on", False):
        return False
    if participant_id is not None:
        task, arg = "matching.tasks.refresh_participant", participant_id
        key = f"refresh:participant:{participant_id}"
    elif profile_id is not None:
        task, arg, key = (
            "matching.tasks.refresh_profile",
            profile_id,
            f"refresh:profile:{profile_id}",
        )
    else:
        raise ValueError("participant_id or profile_id")
    return outbox.enqueue(task, args=[arg], countdown=COALESCE_SECONDS, key=key) is not None


def release(key: str) -> None:
    """Kept for tasks queued by older code; coalescing now lives in the outbox."""


@transaction.atomic
def recompute_job_start(*, unit: Unit, by: User | None) -> RecomputeJob:
    running = RecomputeJob.objects.filter(
        unit=unit, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).first()
    if running is not None:
        return running  # one at a time per unit
    job = RecomputeJob.objects.create(
        unit=unit, started_by=by, total=Participant.objects.filter(unit=unit, active=True).count()
    )
    outbox.enqueue("matching.tasks.run_recompute_job", args=[job.pk])
    return job


def recompute_job_run(job_id: int) -> RecomputeJob:
    """Process participants after ``last_participant_id`` in chunks, saving progress after each,
    so a job cut off by a restart continues where it stopped."""
    job = RecomputeJob.objects.get(pk=job_id)
    if job.status == JobStatus.DONE:
        return job
    RecomputeJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, heartbeat_at=timezone.now()
    )
    try:
        ue = unit_engine(job.unit_id)
        remaining = list(
            Participant.objects.filter(
                unit_id=job.unit_id, active=True, pk__gt=job.last_participant_id
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for start in range(0, len(remaining), CHUNK):
            chunk = remaining[start : start + CHUNK]
            with transaction.atomic():
                for pid in chunk:
                    matches = ue.engine.rank_profiles(pid, limit=20)
                    suggestions_store_for_participant(
                        pid,
                        [(m.profile_id, m.score) for m in matches],
                        {m.profile_id: m.components for m in matches},
                    )
                RecomputeJob.objects.filter(pk=job.pk).update(
                    done=job.done + len(chunk),
                    last_participant_id=chunk[-1],
                    heartbeat_at=timezone.now(),
                )
            job.refresh_from_db()
        RecomputeJob.objects.filter(pk=job.pk).update(
            status=JobStatus.DONE, finished_at=timezone.now(), total=max(job.total, job.done)
        )
    except Exception as exc:
        RecomputeJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, error=str(exc)[:2000]
        )
        raise
    job.refresh_from_db()
    return job


def recompute_jobs_resume_stale() -> list[int]:
    """Restart jobs whose worker went away (no heartbeat for a while); they continue from their progress."""
    from matching import tasks

    cutoff = timezone.now() - timezone.timedelta(seconds=STALE_AFTER_SECONDS)
    stale = list(
        RecomputeJob.objects.filter(
            status__in=[JobStatus.QUEUED, JobStatus.RUNNING], created_at__lt=cutoff
        )
        .filter(models_q_stale(cutoff))
        .values_list("pk", flat=True)
    )
    for job_id in stale:
        tasks.run_recompute_job.delay(job_id)
    return stale


def models_q_stale(cutoff):
    from django.db.models import Q

    return Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=cutoff)
