"""Thin Celery tasks: take ids, call one service."""

from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def refresh_participant(participant_id: int) -> int:
    from matching.services.recompute import release
    from matching.services.suggestions import suggestions_refresh_participant

    release(f"refresh:participant:{participant_id}")
    return suggestions_refresh_participant(participant_id)


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def refresh_profile(profile_id: int) -> int:
    from matching.services.recompute import release
    from matching.services.suggestions import suggestions_refresh_profile

    release(f"refresh:profile:{profile_id}")
    return suggestions_refresh_profile(profile_id)


@shared_task(acks_late=True)
def run_recompute_job(job_id: int) -> str:
    from matching.services.recompute import recompute_job_run

    return recompute_job_run(job_id).status


@shared_task
def resume_stale_recompute_jobs() -> list[int]:
    from matching.services.recompute import recompute_jobs_resume_stale

    return recompute_jobs_resume_stale()


@shared_task
def apply_retention() -> dict:
    """Daily: apply the retention rules (``matching.retention``); the summary is logged."""
    from matching.retention import retention_apply

    return retention_apply()
