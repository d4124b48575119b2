"""Background recomputation: coalesced per-record refreshes, and resumable full recomputes of a unit."""

from __future__ import annotations

import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Least
from django.utils import timezone

from core import outbox
from core.models import Unit, User
from matching.features import unit_engine
from matching.models import JobStatus, MatchSuggestion, Participant, RecomputeJob
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


def recompute_parts() -> int:
    return max(int(getattr(settings, "RECOMPUTE_PARTS", 1)), 1)


def recompute_job_run(job_id: int) -> RecomputeJob:
    """Process participants after ``last_participant_id`` in chunks, saving progress after each,
    so a job cut off by a restart continues where it stopped. With ``RECOMPUTE_PARTS`` > 1 the job
    is split instead into parts run as separate tasks by any number of workers."""
    job = RecomputeJob.objects.get(pk=job_id)
    if job.status == JobStatus.DONE:
        return job
    if recompute_parts() > 1:
        return _fan_out(job, recompute_parts())
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


def _part_key(job_id: int, index: int) -> str:
    return f"recompute:{job_id}:part:{index}"


def _fan_out(job: RecomputeJob, parts: int) -> RecomputeJob:
    """Queue one task per part (again, for parts that never finished: a resumed job re-runs only
    those), or finish the job if every part has."""
    from core.outbox import OutboxMessage

    finished = set(
        OutboxMessage.objects.filter(
            key__startswith=f"recompute:{job.pk}:part:", finished_at__isnull=False
        ).values_list("key", flat=True)
    )
    if len(finished) >= parts:
        return _finish(job)
    RecomputeJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, heartbeat_at=timezone.now()
    )
    with transaction.atomic():
        for index in range(parts):
            if _part_key(job.pk, index) not in finished:
                outbox.enqueue(
                    "matching.tasks.run_recompute_part",
                    args=[job.pk, index, parts],
                    key=_part_key(job.pk, index),
                )
    job.refresh_from_db()
    return job


def _finish(job: RecomputeJob) -> RecomputeJob:
    RecomputeJob.objects.filter(pk=job.pk).exclude(status=JobStatus.DONE).update(
        status=JobStatus.DONE, finished_at=timezone.now(), done=job.total
    )
    job.refresh_from_db()
    return job


def recompute_part_run(job_id: int, index: int, parts: int) -> int:
    """One part of a split recompute: the ``index``-th of ``parts`` slices of the unit's active
    participants, ranked with the worker's engine (its tables are loaded once per worker process
    and reused by every part it runs) and written in bulk, a chunk per transaction. A part is
    idempotent (re-running it replaces its suggestions); the last part to finish finishes the
    job, and the stale-job rescue finishes or re-queues a job whose parts were interrupted."""
    from core.outbox import OutboxMessage

    job = RecomputeJob.objects.get(pk=job_id)
    if job.status in (JobStatus.DONE, JobStatus.FAILED):
        return 0
    ids = list(
        Participant.objects.filter(unit_id=job.unit_id, active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    share = ids[len(ids) * index // parts : len(ids) * (index + 1) // parts]
    ue = unit_engine(job.unit_id)
    for start in range(0, len(share), CHUNK):
        chunk = share[start : start + CHUNK]
        rows = []
        now = timezone.now()
        for pid in chunk:
            for rank, m in enumerate(ue.engine.rank_profiles(pid, limit=20), start=1):
                rows.append(
                    MatchSuggestion(
                        participant_id=pid,
                        task_profile_id=m.profile_id,
                        score=m.score,
                        rank=rank,
                        computed_at=now,
                        breakdown=m.components,
                    )
                )
        with transaction.atomic():
            MatchSuggestion.objects.filter(participant_id__in=chunk).delete()
            MatchSuggestion.objects.bulk_create(rows)
            RecomputeJob.objects.filter(pk=job.pk).update(
                done=Least(F("done") + len(chunk), F("total")), heartbeat_at=timezone.now()
            )
    others_open = (
        OutboxMessage.objects.filter(key__startswith=f"recompute:{job.pk}:part:")
        .exclude(key=_part_key(job.pk, index))
        .filter(finished_at__isnull=True)
        .exists()
    )
    if not others_open:
        _finish(job)
    return len(share)


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
