"""Background recomputation: coalesced per-record refreshes, and resumable full recomputes of a unit."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Least
from django.utils import timezone

from core import outbox
from core.models import Unit, User
from core.unavailable import INFRASTRUCTURE_ERRORS
from matching.features import unit_engine
from matching.models import JobStatus, MatchSuggestion, Participant, RecomputeJob
from matching.services.suggestions import suggestions_store_for_participant

COALESCE_SECONDS = 10
# A runner renews its job's lease at least this often; a lease not renewed for LEASE_SECONDS is
# a runner gone (a worker killed): beat's resume (every 10 s) queues the job again.
HEARTBEAT_SECONDS = 5
LEASE_SECONDS = 30
CHUNK = 200

logger = logging.getLogger("brygga.recompute")


_suppressed = threading.local()


@contextmanager
def refreshes_suppressed():
    """For bulk loads (demo data, imports): no per-record refreshes; run a full recompute after."""
    _suppressed.on = True
    try:
        yield
    finally:
        _suppressed.on = False


def refreshes_suppressed_now() -> bool:
    return bool(getattr(_suppressed, "on", False))


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
    _dispatch(job.pk)
    return job


def recompute_parts() -> int:
    return max(int(getattr(settings, "RECOMPUTE_PARTS", 1)), 1)


# --- the lease: one runner per job at a time ---------------------------------------------------


class LeaseLost(Exception):
    """Another runner claimed the job (this one was too slow to renew its lease): stop quietly."""


def _job_key(job_id: int) -> str:
    return f"recompute:{job_id}"


def _dispatch(job_id: int) -> bool:
    """Queue the job's task through the outbox. Coalesced: while a message for the job waits to
    start, nothing is added. True if a message was queued."""
    return (
        outbox.enqueue("matching.tasks.run_recompute_job", args=[job_id], key=_job_key(job_id))
        is not None
    )


def _runner_token() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _stale_cutoff():
    return timezone.now() - timedelta(seconds=LEASE_SECONDS)


def recompute_job_claim(job_id: int) -> str | None:
    """Take the job's lease with one conditional UPDATE: only a queued job, or a running one whose
    runner stopped renewing its lease (no heartbeat for ``LEASE_SECONDS``), can be claimed. So of
    two messages for one job (a resume and the broker's redelivery of the killed run's message
    after its visibility timeout, or a retry) exactly one runs it. Returns the runner's token,
    or None when the job is done, failed, or another runner holds a fresh lease."""
    token = _runner_token()
    claimable = Q(status=JobStatus.QUEUED) | Q(
        Q(status=JobStatus.RUNNING),
        Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=_stale_cutoff()),
    )
    claimed = (
        RecomputeJob.objects.filter(pk=job_id)
        .filter(claimable)
        .update(
            status=JobStatus.RUNNING, runner=token, heartbeat_at=timezone.now(), runs=F("runs") + 1
        )
    )
    return token if claimed else None


def _renew(job_id: int, token: str, **progress) -> None:
    """Renew the lease (and save progress); raise LeaseLost if another runner holds it now."""
    renewed = RecomputeJob.objects.filter(pk=job_id, runner=token, status=JobStatus.RUNNING).update(
        heartbeat_at=timezone.now(), **progress
    )
    if not renewed:
        raise LeaseLost(job_id)


def _release(job_id: int, token: str) -> None:
    """Give the lease back after an infrastructure error, so the task's retry can claim it at
    once. Best effort: with the database down, the lease simply expires."""
    try:
        RecomputeJob.objects.filter(pk=job_id, runner=token, status=JobStatus.RUNNING).update(
            heartbeat_at=None
        )
    except Exception as exc:
        logger.warning("recompute job %s: could not release the lease: %s", job_id, exc)


def recompute_job_run(job_id: int) -> RecomputeJob:
    """Process participants after ``last_participant_id`` in chunks, saving progress after each,
    so a job cut off by a restart continues where it stopped. With ``RECOMPUTE_PARTS`` > 1 the job
    is split instead into parts run as separate tasks by any number of workers.

    Runs only with the job's lease (``recompute_job_claim``), renewed at least every
    ``HEARTBEAT_SECONDS`` while ranking and with every chunk's progress; a message for a job that
    is done, or held by a live runner, does nothing."""
    token = recompute_job_claim(job_id)
    if token is None:
        job = RecomputeJob.objects.get(pk=job_id)
        logger.info("recompute job %s: not claimed (%s, runner %s)", job_id, job.status, job.runner)
        return job
    job = RecomputeJob.objects.get(pk=job_id)
    if job.runs > 1:
        logger.info(
            "recompute job %s resumed after participant %s (%s/%s done, run %s)",
            job_id,
            job.last_participant_id,
            job.done,
            job.total,
            job.runs,
        )
    if recompute_parts() > 1:
        return _fan_out(job, recompute_parts())
    try:
        ue = unit_engine(job.unit_id)
        remaining = list(
            Participant.objects.filter(
                unit_id=job.unit_id, active=True, pk__gt=job.last_participant_id
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        beat = time.monotonic()
        for start in range(0, len(remaining), CHUNK):
            chunk = remaining[start : start + CHUNK]
            # Rank outside the write transaction, renewing the lease as it goes, so a slow chunk
            # never looks like a dead runner.
            ranked = []
            for pid in chunk:
                ranked.append((pid, ue.engine.rank_profiles(pid, limit=20)))
                if time.monotonic() - beat >= HEARTBEAT_SECONDS:
                    _renew(job.pk, token)
                    beat = time.monotonic()
            with transaction.atomic():
                for pid, matches in ranked:
                    suggestions_store_for_participant(
                        pid,
                        [(m.profile_id, m.score) for m in matches],
                        {m.profile_id: m.components for m in matches},
                    )
                # Conditional on the lease: a runner that lost it rolls its chunk back.
                _renew(job.pk, token, done=F("done") + len(chunk), last_participant_id=chunk[-1])
            beat = time.monotonic()
        job.refresh_from_db()
        _complete(job, token=token)
    except LeaseLost:
        logger.warning("recompute job %s: lease lost to another runner; stopping", job_id)
    except INFRASTRUCTURE_ERRORS:
        _release(job_id, token)
        raise  # the task retries with back-off
    except Exception as exc:
        RecomputeJob.objects.filter(pk=job_id, runner=token).update(
            status=JobStatus.FAILED, error=str(exc)[:2000]
        )
        raise
    job.refresh_from_db()
    return job


def _complete(job: RecomputeJob, *, token: str | None = None) -> bool:
    """Mark the job done — once: of two runners only the one holding the lease (or, for a split
    job, the first part to see every part finished) does — and mark finished every outbox
    message of the job, those of runners killed before they ended included, so none is
    published again. True if this call completed the job."""
    from core.outbox import OutboxMessage

    rows = RecomputeJob.objects.filter(pk=job.pk).exclude(status=JobStatus.DONE)
    if token is not None:
        rows = rows.filter(runner=token)
    now = timezone.now()
    count = max(job.total, job.done)
    completed = rows.update(
        status=JobStatus.DONE, finished_at=now, heartbeat_at=now, done=count, total=count
    )
    if completed:
        finished = (
            OutboxMessage.objects.filter(finished_at__isnull=True)
            .filter(
                Q(key=_job_key(job.pk))
                | Q(key__startswith=f"{_job_key(job.pk)}:part:")
                | Q(task="matching.tasks.run_recompute_job", args=[job.pk])
            )
            .update(finished_at=now)
        )
        logger.info(
            "recompute job %s done (%s participants, run %s, %s outbox messages finished)",
            job.pk,
            count,
            job.runs,
            finished,
        )
    job.refresh_from_db()
    return bool(completed)


def _part_key(job_id: int, index: int) -> str:
    return f"recompute:{job_id}:part:{index}"


def _finished_parts(job_id: int) -> set[str]:
    from core.outbox import OutboxMessage

    return set(
        OutboxMessage.objects.filter(
            key__startswith=f"recompute:{job_id}:part:", finished_at__isnull=False
        ).values_list("key", flat=True)
    )


def _fan_out(job: RecomputeJob, parts: int) -> RecomputeJob:
    """Queue one task per part (again, for parts that never finished: a resumed job re-runs only
    those), or finish the job if every part has. The parts renew the job's heartbeat."""
    finished = _finished_parts(job.pk)
    if len(finished) >= parts:
        _complete(job)
        return job
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


def recompute_part_run(job_id: int, index: int, parts: int) -> int:
    """One part of a split recompute: the ``index``-th of ``parts`` slices of the unit's active
    participants, ranked with the worker's engine (its tables are loaded once per worker process
    and reused by every part it runs) and written in bulk, a chunk per transaction. A part is
    idempotent (re-running it replaces its suggestions); a part that has finished already (a
    redelivered message) does nothing; the first part to see every part finished finishes the
    job, and the stale-job rescue finishes or re-queues a job whose parts were interrupted."""
    job = RecomputeJob.objects.get(pk=job_id)
    if job.status in (JobStatus.DONE, JobStatus.FAILED):
        return 0
    if _part_key(job.pk, index) in _finished_parts(job.pk):
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
    # This part's own message is marked finished only after it returns: count it as finished.
    if len(_finished_parts(job.pk) | {_part_key(job.pk, index)}) >= parts:
        job.refresh_from_db()
        _complete(job)
    return len(share)


def recompute_jobs_resume_stale() -> list[int]:
    """Run by beat every few seconds: queue again every job whose runner went away — running with
    no heartbeat for ``LEASE_SECONDS`` (a worker killed or lost) — or that has waited queued that
    long; it continues from its progress. Through the outbox and coalesced, so a stale job is
    queued once however often this runs before its new runner starts; the new runner claims the
    lease, so it never runs beside the old one. Returns the ids queued."""
    cutoff = _stale_cutoff()
    stale = (
        RecomputeJob.objects.filter(
            Q(status=JobStatus.QUEUED, created_at__lt=cutoff)
            | Q(
                Q(status=JobStatus.RUNNING),
                Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=cutoff),
            )
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    queued = [job_id for job_id in stale if _dispatch(job_id)]
    if queued:
        logger.info("recompute jobs queued again after their runner went away: %s", queued)
    return queued
