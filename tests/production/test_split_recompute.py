"""A full recompute split into parts run as separate tasks gives the same stored suggestions as the
one-task recompute, finishes the job when the last part ends, and a resumed job re-runs only the
parts that never finished."""

from datetime import timedelta

import pytest

from core.outbox import OutboxMessage
from matching.models import MatchSuggestion, RecomputeJob
from matching.services import recompute
from tests.factories.employers import SiteFactory, TaskProfileFactory
from tests.factories.matching import ParticipantFactory


@pytest.fixture
def unit_with_people(unit, guide, employer):
    for i in range(4):
        site = SiteFactory(employer=employer, latitude=56.66 + i / 100, longitude=16.36)
        TaskProfileFactory(employer=employer, site=site)
    return [ParticipantFactory(unit=unit, guide=guide) for _ in range(7)]


def stored() -> list[tuple]:
    return sorted(
        MatchSuggestion.objects.values_list("participant_id", "task_profile_id", "rank", "score")
    )


@pytest.mark.django_db
def test_a_split_recompute_stores_what_the_single_task_stores(
    unit, guide, unit_with_people, settings, django_capture_on_commit_callbacks
):
    settings.RECOMPUTE_PARTS = 1
    with django_capture_on_commit_callbacks(execute=True):
        single = recompute.recompute_job_start(unit=unit, by=guide)
    assert RecomputeJob.objects.get(pk=single.pk).status == "done"
    expected = stored()
    assert expected  # the data gives matches at all
    MatchSuggestion.objects.all().delete()

    settings.RECOMPUTE_PARTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        job = recompute.recompute_job_start(unit=unit, by=guide)
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", 7, 7)
    assert stored() == expected
    parts = OutboxMessage.objects.filter(task="matching.tasks.run_recompute_part")
    assert parts.count() == 3
    assert all(p.finished_at for p in parts)


@pytest.mark.django_db
def test_a_resumed_split_job_reruns_only_unfinished_parts(
    unit, guide, unit_with_people, settings, monkeypatch
):
    settings.RECOMPUTE_PARTS = 3
    job = RecomputeJob.objects.create(unit=unit, total=7, status="running")
    from django.utils import timezone

    OutboxMessage.objects.create(
        task="matching.tasks.run_recompute_part",
        args=[job.pk, 1, 3],
        key=f"recompute:{job.pk}:part:1",
        finished_at=timezone.now(),
    )
    recompute.recompute_job_run(job.pk)  # as the stale-job rescue does
    queued = OutboxMessage.objects.filter(finished_at__isnull=True).order_by("pk")
    assert [m.args for m in queued] == [[job.pk, 0, 3], [job.pk, 2, 3]]

    # Every part finished: the rescue (of a job whose lease went stale) finishes the job instead
    # of queueing anything.
    queued.update(finished_at=timezone.now())
    RecomputeJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=recompute.LEASE_SECONDS + 1)
    )
    assert recompute.recompute_job_run(job.pk).status == "done"
    assert OutboxMessage.objects.filter(finished_at__isnull=True).count() == 0
