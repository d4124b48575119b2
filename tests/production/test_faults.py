"""Faults: a write never fails because the broker or the cache is down, and what it should trigger
happens once they are back (the outbox); tasks retry on the database's and the broker's errors;
every queued job kind is rescued when stale. Each test prints its figure:
writes attempted / effects expected / effects happened / half-writes."""

from datetime import timedelta

import pytest
from celery.app.task import Task
from django.core.cache import cache
from django.db import OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisDown

from core import outbox
from core.outbox import OutboxMessage
from employers.models import ImportJob
from matching.models import Participant, RecomputeJob
from matching.services import suggestions
from matching.tasks import refresh_participant


def figure(name: str, attempted: int, expected: int, happened: int, half_writes: int) -> None:
    print(
        f"\n{name}: writes attempted {attempted} / effects expected {expected} / "
        f"effects happened {happened} / half-writes {half_writes}"
    )


@pytest.fixture
def refreshes(monkeypatch):
    """Counts refreshes that really ran (the task body), per participant."""
    ran: list[int] = []
    real = suggestions.suggestions_refresh_participant

    def spy(participant_id, **kwargs):
        ran.append(participant_id)
        return real(participant_id, **kwargs)

    monkeypatch.setattr(suggestions, "suggestions_refresh_participant", spy)
    return ran


@pytest.fixture
def broker_down():
    """Publishing fails as with Redis stopped; call the fixture's value to bring the broker back."""

    def refuse(self, *args, **kwargs):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    patch = pytest.MonkeyPatch()
    patch.setattr(Task, "apply_async", refuse)
    yield patch.undo
    patch.undo()


def age_outbox(seconds: int = 3600) -> None:
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(seconds=seconds))


@pytest.mark.django_db
def test_edits_succeed_while_the_broker_is_down_and_refresh_once_it_is_back(
    api, guide, participant, broker_down, refreshes, django_capture_on_commit_callbacks
):
    client = api(guide)
    with django_capture_on_commit_callbacks(execute=True):
        responses = [
            client.patch(f"/api/v1/participants/{participant.pk}/", {"hours_max": hours})
            for hours in (30, 32, 35)
        ]
    assert [r.status_code for r in responses] == [200, 200, 200]
    participant.refresh_from_db()
    assert participant.hours_max == 35  # the last edit is saved
    pending = OutboxMessage.objects.get()  # three edits, one coalesced refresh, nothing published
    assert pending.published_at is None
    assert "Connection refused" in pending.last_error
    assert refreshes == []

    broker_down()  # the broker is back
    age_outbox()
    with django_capture_on_commit_callbacks(execute=True):
        result = outbox.sweep()
    assert result["published"] == 1
    pending.refresh_from_db()
    assert pending.finished_at is not None
    assert refreshes == [participant.pk]
    figure("broker down, 3 participant edits", 3, 1, len(refreshes), 0)


@pytest.mark.django_db
def test_edits_succeed_while_the_cache_is_down(
    api, guide, participant, monkeypatch, refreshes, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise RedisDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    for method in ("add", "get", "set", "delete", "get_many", "set_many", "incr"):
        monkeypatch.setattr(cache, method, down)
    with django_capture_on_commit_callbacks(execute=True):
        response = api(guide).patch(f"/api/v1/participants/{participant.pk}/", {"hours_max": 33})
    assert response.status_code == 200
    assert Participant.objects.get(pk=participant.pk).hours_max == 33
    assert refreshes == [participant.pk]
    figure("cache down, 1 participant edit", 1, 1, len(refreshes), 0)


@pytest.mark.django_db
def test_a_recompute_requested_while_the_broker_is_down_runs_when_it_is_back(
    api, guide, participant, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(guide).post("/api/v1/recompute-jobs/")
    assert response.status_code == 202
    job = RecomputeJob.objects.get()
    assert job.status == "queued"
    # Not a half-write: the job and the intent to run it were saved together.
    assert OutboxMessage.objects.filter(task="matching.tasks.run_recompute_job").count() == 1

    broker_down()
    age_outbox()
    with django_capture_on_commit_callbacks(execute=True):
        outbox.sweep()
    job.refresh_from_db()
    assert job.status == "done"
    figure("broker down, recompute request", 1, 1, int(job.status == "done"), 0)


@pytest.mark.django_db
def test_a_queued_import_job_page_answers_while_the_cache_is_down(coordinator, monkeypatch):
    def down(*args, **kwargs):
        raise RedisDown("Connection refused.")

    job = ImportJob.objects.create(
        unit=coordinator.unit, by=coordinator, filename="a.csv", content=b"x", dry_run=True
    )
    monkeypatch.setattr(cache, "get", down)
    assert job.progress() == (0, 0)


@pytest.mark.django_db
def test_stale_import_jobs_are_rescued(
    coordinator, monkeypatch, django_capture_on_commit_callbacks
):
    from employers.services import imports
    from employers.services.imports import import_jobs_rescue_stale

    ran: list[int] = []
    monkeypatch.setattr(imports, "import_job_run", lambda job_id: ran.append(job_id) or job)
    job = ImportJob.objects.create(
        unit=coordinator.unit, by=coordinator, filename="a.csv", content=b"x", dry_run=True
    )
    running = ImportJob.objects.create(
        unit=coordinator.unit,
        by=coordinator,
        filename="b.csv",
        content=b"x",
        status=ImportJob.Status.RUNNING,
    )
    fresh = ImportJob.objects.create(
        unit=coordinator.unit, by=coordinator, filename="c.csv", content=b"x", dry_run=True
    )
    ImportJob.objects.filter(pk__in=[job.pk, running.pk]).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = import_jobs_rescue_stale()
    assert result == {"queued_again": [job.pk], "failed": [running.pk]}
    assert ran == [job.pk]  # the fresh one is left to its own task
    running.refresh_from_db()
    assert running.status == ImportJob.Status.FAILED
    assert fresh.pk not in ran


@pytest.mark.django_db
def test_published_messages_that_never_ran_are_published_again(
    guide, participant, refreshes, django_capture_on_commit_callbacks
):
    message = OutboxMessage.objects.create(
        task="matching.tasks.refresh_participant",
        args=[participant.pk],
        published_at=timezone.now() - timedelta(hours=1),
        attempts=1,
    )
    recent = OutboxMessage.objects.create(
        task="matching.tasks.refresh_participant",
        args=[participant.pk],
        published_at=timezone.now(),
        attempts=1,
    )
    with django_capture_on_commit_callbacks(execute=True):
        outbox.sweep()
    message.refresh_from_db()
    recent.refresh_from_db()
    assert message.finished_at is not None
    assert recent.finished_at is None  # still in the broker's hands
    assert refreshes == [participant.pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "error",
    [OperationalError("server closed the connection"), BrokerError("timeout"), RedisDown("x")],
)
def test_tasks_retry_on_database_and_broker_errors(participant, monkeypatch, error):
    calls: list[int] = []

    def flaky(participant_id, **kwargs):
        calls.append(participant_id)
        if len(calls) == 1:
            raise error
        return 7

    monkeypatch.setattr(suggestions, "suggestions_refresh_participant", flaky)
    # throw=False: the eager retry is replayed by apply() instead of raised (as a worker would).
    assert refresh_participant.apply(args=[participant.pk], throw=False).get() == 7
    assert len(calls) == 2


@pytest.mark.django_db
def test_a_worker_start_publishes_again_what_a_lost_broker_held(participant):
    """The worker that held delayed refreshes exited with Redis: its successor's start marks the
    keyed messages published before it and never started as due again (not after 5 minutes)."""
    long_ago = timezone.now() - timedelta(minutes=1)
    held = OutboxMessage.objects.create(
        task="matching.tasks.refresh_participant",
        args=[participant.pk],
        key=f"refresh:participant:{participant.pk}",
        published_at=long_ago,
        created_at=long_ago,
        attempts=1,
    )
    running = OutboxMessage.objects.create(
        task="matching.tasks.refresh_profile",
        args=[1],
        key="refresh:profile:1",
        published_at=long_ago,
        started_at=long_ago,
        attempts=1,
    )
    unkeyed = OutboxMessage.objects.create(
        task="matching.tasks.run_recompute_job", args=[1], published_at=long_ago, attempts=1
    )
    assert list(outbox.due()) == []  # without the restart: republished only after 5 minutes
    assert outbox.requeue_unstarted(published_before=timezone.now()) == 1
    held.refresh_from_db()
    running.refresh_from_db()
    unkeyed.refresh_from_db()
    assert held.published_at is None
    assert running.published_at is not None and unkeyed.published_at is not None
    assert [m.pk for m in outbox.due()] == [held.pk]


@pytest.mark.django_db
def test_the_worker_ready_signal_requeues(participant):
    from celery.signals import worker_ready

    import config.celery  # noqa: F401  (connects the outbox's signal handlers)

    held = OutboxMessage.objects.create(
        task="matching.tasks.refresh_participant",
        args=[participant.pk],
        key=f"refresh:participant:{participant.pk}",
        published_at=timezone.now() - timedelta(seconds=30),
        attempts=1,
    )
    worker_ready.send(sender=None)
    held.refresh_from_db()
    assert held.published_at is None


@pytest.mark.django_db
def test_a_stale_history_import_goes_back_to_the_history_task(coordinator):
    """A stale participant-history job went to the employer import's task (whatever its kind)."""
    from core.models import OutboxMessage
    from employers.services.imports import import_jobs_rescue_stale

    employers_job, history_job = (
        ImportJob.objects.create(
            unit=coordinator.unit,
            by=coordinator,
            filename=f"{kind}.csv",
            content=b"x",
            dry_run=True,
            kind=kind,
        )
        for kind in (ImportJob.Kind.EMPLOYERS, ImportJob.Kind.PARTICIPANT_HISTORY)
    )
    ImportJob.objects.update(created_at=timezone.now() - timedelta(hours=1))
    OutboxMessage.objects.all().delete()
    result = import_jobs_rescue_stale()
    assert sorted(result["queued_again"]) == sorted([employers_job.pk, history_job.pk])
    sent = dict(OutboxMessage.objects.values_list("task", "args"))
    assert sent == {
        "employers.tasks.run_import_job": [employers_job.pk],
        "placements.tasks.run_history_import_job": [history_job.pk],
    }
