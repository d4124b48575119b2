"""A full recompute runs exactly once at a time: a task runs the job only after claiming its lease,
renewed by a heartbeat; a job whose runner was killed (no heartbeat for ``LEASE_SECONDS``) is
queued again once by beat's resume and continues where it stopped; a message for a job that is
running elsewhere or done (a redelivery after the broker's visibility timeout) does nothing; and
the outbox messages of the killed runner are finished when the resumed job completes.
The live version (a worker really killed with SIGKILL) is in tests/production/outage.py."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from core.outbox import HEADER, OutboxMessage
from matching import tasks
from matching.models import MatchSuggestion, RecomputeJob
from matching.services import recompute
from tests.factories.employers import SiteFactory, TaskProfileFactory
from tests.factories.matching import ParticipantFactory

STALE = timedelta(seconds=recompute.LEASE_SECONDS + 30)


@pytest.fixture
def people(unit, guide, employer):
    for i in range(4):
        site = SiteFactory(employer=employer, latitude=56.66 + i / 100, longitude=16.36)
        TaskProfileFactory(employer=employer, site=site)
    return sorted(p.pk for p in (ParticipantFactory(unit=unit, guide=guide) for _ in range(7)))


def killed_job(unit, people, *, heartbeat_age: timedelta) -> tuple[RecomputeJob, OutboxMessage]:
    """A job whose runner stopped after 3 of 7 participants, and that runner's outbox message
    (started, never finished: the worker was killed with it)."""
    beat = timezone.now() - heartbeat_age
    job = RecomputeJob.objects.create(
        unit=unit,
        total=len(people),
        done=3,
        last_participant_id=people[2],
        status="running",
        runner="old-host:4242:killed",
        runs=1,
        heartbeat_at=beat,
        created_at=beat - timedelta(seconds=5),
    )
    message = OutboxMessage.objects.create(
        task="matching.tasks.run_recompute_job",
        args=[job.pk],
        key=f"recompute:{job.pk}",
        published_at=beat - timedelta(seconds=5),
        started_at=beat - timedelta(seconds=4),
        attempts=1,
    )
    return job, message


def computed(people) -> dict[int, list]:
    rows = MatchSuggestion.objects.filter(participant_id__in=people).order_by("pk")
    found: dict[int, list] = {}
    for pid, at in rows.values_list("participant_id", "computed_at"):
        found.setdefault(pid, []).append(at)
    return found


@pytest.mark.django_db
def test_a_stale_running_job_is_queued_again_once_and_resumes_where_it_stopped(
    unit, people, django_capture_on_commit_callbacks
):
    job, killed = killed_job(unit, people, heartbeat_age=STALE)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert recompute.recompute_jobs_resume_stale() == [job.pk]
        # Beat ticks again before the new runner has started: nothing more is queued.
        assert recompute.recompute_jobs_resume_stale() == []
    messages = OutboxMessage.objects.filter(key=f"recompute:{job.pk}")
    assert messages.count() == 2  # the killed run's and the one resume

    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.runs) == ("done", 7, 7, 2)
    assert job.runner != "old-host:4242:killed"
    # The killed runner's message is finished with the job, so nothing publishes it again.
    assert all(m.finished_at for m in messages)
    assert OutboxMessage.objects.filter(finished_at__isnull=True).count() == 0
    # It continued after the last participant the killed runner finished.
    stored = computed(people)
    assert set(stored) >= set(people[3:])
    assert not set(stored) & set(people[:3])
    assert all(at >= before for pid in people[3:] for at in stored[pid])
    print(
        f"\nkilled recompute: resumed once (runs {job.runs}), {job.done}/{job.total} done, "
        f"outbox messages finished {messages.filter(finished_at__isnull=False).count()}"
        f"/{messages.count()}"
    )


@pytest.mark.django_db
def test_a_running_job_with_a_fresh_heartbeat_is_left_alone(
    unit, people, django_capture_on_commit_callbacks
):
    job, _ = killed_job(unit, people, heartbeat_age=timedelta(seconds=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert recompute.recompute_jobs_resume_stale() == []
    assert OutboxMessage.objects.count() == 1  # nothing queued

    # A second message for it (the broker's redelivery while the runner lives) does nothing.
    assert tasks.run_recompute_job.apply(args=[job.pk]).get() == "running"
    fresh = RecomputeJob.objects.get(pk=job.pk)
    assert (fresh.runner, fresh.runs, fresh.done) == ("old-host:4242:killed", 1, 3)
    assert MatchSuggestion.objects.count() == 0


@pytest.mark.django_db
def test_a_long_queued_job_whose_message_was_lost_is_queued_again(
    unit, people, django_capture_on_commit_callbacks
):
    job = RecomputeJob.objects.create(
        unit=unit, total=len(people), created_at=timezone.now() - STALE
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert recompute.recompute_jobs_resume_stale() == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.done, job.runs) == ("done", 7, 1)


@pytest.mark.django_db
def test_a_redelivered_message_for_a_finished_job_is_a_no_op(
    unit, guide, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = recompute.recompute_job_start(unit=unit, by=guide)
    job.refresh_from_db()
    assert (job.status, job.runs) == ("done", 1)
    message = OutboxMessage.objects.get(key=f"recompute:{job.pk}")
    assert message.finished_at is not None
    stored = computed(people)

    # The same message again, as Redis hands back an unacknowledged one after its visibility
    # timeout (the worker that took it was killed after finishing the work).
    assert (
        tasks.run_recompute_job.apply(args=[job.pk], headers={HEADER: message.pk}).get() == "done"
    )
    again = RecomputeJob.objects.get(pk=job.pk)
    assert (again.runs, again.finished_at, again.runner) == (job.runs, job.finished_at, job.runner)
    assert computed(people) == stored  # nothing recomputed
    assert recompute.recompute_jobs_resume_stale() == []


@pytest.mark.django_db
def test_only_one_runner_claims_a_job(unit, people):
    job = RecomputeJob.objects.create(unit=unit, total=len(people))
    first = recompute.recompute_job_claim(job.pk)
    assert first
    assert recompute.recompute_job_claim(job.pk) is None  # its lease is fresh
    RecomputeJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - STALE)
    second = recompute.recompute_job_claim(job.pk)
    assert second and second != first  # the first stopped renewing: taken over
    with pytest.raises(recompute.LeaseLost):
        recompute._renew(job.pk, first, done=5)  # the old runner, if alive, can save nothing
    job.refresh_from_db()
    assert (job.runner, job.runs, job.done) == (second, 2, 0)


@pytest.mark.django_db
def test_a_runner_that_lost_its_lease_rolls_back_its_chunk_and_stops(unit, people, monkeypatch):
    job = RecomputeJob.objects.create(unit=unit, total=len(people))
    real_engine = recompute.unit_engine
    ranked: list[int] = []

    def slow_engine(unit_id):
        ue = real_engine(unit_id)
        rank = ue.engine.rank_profiles

        def rank_slowly(pid, **kwargs):
            ranked.append(pid)
            if len(ranked) == len(people):
                # The chunk took too long: the lease expired and a resumed runner claimed the job.
                RecomputeJob.objects.filter(pk=job.pk).update(runner="new-host:1:resumed")
            return rank(pid, **kwargs)

        monkeypatch.setattr(ue.engine, "rank_profiles", rank_slowly)
        return ue

    monkeypatch.setattr(recompute, "unit_engine", slow_engine)
    result = recompute.recompute_job_run(job.pk)
    assert ranked == people
    assert (result.status, result.runner, result.done, result.last_participant_id) == (
        "running",
        "new-host:1:resumed",
        0,
        0,
    )
    assert MatchSuggestion.objects.count() == 0  # its chunk was rolled back


@pytest.mark.django_db
def test_a_database_error_gives_the_lease_back_so_the_retry_runs_at_once(unit, people, monkeypatch):
    job = RecomputeJob.objects.create(unit=unit, total=len(people))
    real = recompute.unit_engine
    calls: list[int] = []

    def flaky(unit_id):
        calls.append(unit_id)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(unit_id)

    monkeypatch.setattr(recompute, "unit_engine", flaky)
    assert tasks.run_recompute_job.apply(args=[job.pk], throw=False).get() == "done"
    job.refresh_from_db()
    assert (job.status, job.done, job.runs, len(calls)) == ("done", 7, 2, 2)


@pytest.mark.django_db
def test_a_split_job_finishes_the_killed_parts_messages_and_skips_redelivered_parts(
    unit, people, settings, django_capture_on_commit_callbacks
):
    settings.RECOMPUTE_PARTS = 2
    job, killed = killed_job(unit, people, heartbeat_age=STALE)
    now = timezone.now()
    killed_part = OutboxMessage.objects.create(
        task="matching.tasks.run_recompute_part",
        args=[job.pk, 0, 2],
        key=f"recompute:{job.pk}:part:0",
        published_at=now - STALE,
        started_at=now - STALE,
        attempts=1,
    )
    OutboxMessage.objects.create(
        task="matching.tasks.run_recompute_part",
        args=[job.pk, 1, 2],
        key=f"recompute:{job.pk}:part:1",
        published_at=now - STALE,
        started_at=now - STALE,
        finished_at=now - STALE,
        attempts=1,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert recompute.recompute_jobs_resume_stale() == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.runs) == ("done", 2)
    killed.refresh_from_db()
    killed_part.refresh_from_db()
    assert killed.finished_at and killed_part.finished_at
    assert OutboxMessage.objects.filter(finished_at__isnull=True).count() == 0
    # Only part 0 ran again (the first 3 of 7 participants), not part 1.
    assert computed(people) and set(computed(people)) <= set(people[:3])

    # A redelivered part whose work is finished does nothing.
    stored = computed(people)
    RecomputeJob.objects.filter(pk=job.pk).update(status="running")  # even if the job were open
    assert tasks.run_recompute_part.apply(args=[job.pk, 0, 2]).get() == 0
    assert computed(people) == stored


def test_a_killed_recompute_resumes_within_a_minute_by_configuration():
    """Worst case from the kill: the last heartbeat was up to HEARTBEAT_SECONDS before it, the
    lease runs LEASE_SECONDS from that heartbeat, beat looks every schedule interval; leave 15 s
    for the worker to restart and start the task."""
    schedule = settings.CELERY_BEAT_SCHEDULE["resume-stale-recompute-jobs"]["schedule"]
    assert recompute.LEASE_SECONDS + schedule + 15 <= 60
    assert (
        recompute.HEARTBEAT_SECONDS * 3 <= recompute.LEASE_SECONDS
    )  # a live runner never looks dead
