"""Thin Celery tasks: take ids, call one service."""

from celery import shared_task

from core.unavailable import INFRASTRUCTURE_ERRORS

# Retry on the database's and the broker's errors too (not only Python's ConnectionError), with
# exponential back-off up to 5 minutes: a 30 s outage delays a refresh, it does not lose it.
RETRY = {
    "autoretry_for": INFRASTRUCTURE_ERRORS,
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 12,
}


@shared_task(acks_late=True, **RETRY)
def refresh_participant(participant_id: int) -> int:
    from matching.services.recompute import release
    from matching.services.suggestions import suggestions_refresh_participant

    release(f"refresh:participant:{participant_id}")
    return suggestions_refresh_participant(participant_id)


@shared_task(acks_late=True, **RETRY)
def refresh_profile(profile_id: int) -> int:
    from matching.services.recompute import release
    from matching.services.suggestions import suggestions_refresh_profile

    release(f"refresh:profile:{profile_id}")
    return suggestions_refresh_profile(profile_id)


@shared_task(acks_late=True, **RETRY)
def run_recompute_job(job_id: int) -> str:
    from matching.services.recompute import recompute_job_run

    return recompute_job_run(job_id).status


@shared_task(acks_late=True, **RETRY)
def run_recompute_part(job_id: int, index: int, parts: int) -> int:
    from matching.services.recompute import recompute_part_run

    return recompute_part_run(job_id, index, parts)


@shared_task
def resume_stale_recompute_jobs() -> list[int]:
    from matching.services.recompute import recompute_jobs_resume_stale

    return recompute_jobs_resume_stale()


@shared_task
def apply_retention() -> dict:
    """Kept for messages queued before the job moved to ``core.tasks.apply_retention``."""
    from core.tasks import apply_retention as core_apply_retention

    return core_apply_retention()


@shared_task(acks_late=True, **RETRY)
def refresh_transit_matrix(unit_id: int) -> dict | None:
    """Route the unit's participants × open profiles by its timetable (issue 24)."""
    from matching.transit.matrix import transit_matrix_store

    return transit_matrix_store(unit_id=unit_id)


@shared_task
def refresh_all_transit_matrices() -> int:
    """Nightly: the service day moves on, and a new feed may have come in."""
    from core.models import Unit
    from matching.transit.refresh import schedule_transit_refresh_for_units

    return schedule_transit_refresh_for_units(Unit.objects.values_list("pk", flat=True))
