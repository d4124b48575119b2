from celery import shared_task


@shared_task(
    acks_late=True, autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5
)
def send_followup_reminders() -> int:
    """Daily: e-mail guides their due and overdue follow-ups (idempotent per follow-up and day)."""
    from placements.services.followups import send_followup_reminders as run

    return run()


@shared_task(acks_late=True)
def run_history_import_job(job_id: int) -> str:
    from placements.importing_history import history_import_job_run

    return history_import_job_run(job_id).status
