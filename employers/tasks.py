from celery import shared_task

from core.unavailable import INFRASTRUCTURE_ERRORS


@shared_task(bind=True, max_retries=3, default_retry_delay=60, acks_late=True)
def geocode_site(self, site_id: int) -> str:
    """Place a site by the online geocoder; failures are recorded on the site, not retried forever."""
    from employers.services.sites import site_geocode_online

    return site_geocode_online(site_id=site_id).geocode_status


@shared_task(
    acks_late=True,
    autoretry_for=INFRASTRUCTURE_ERRORS,
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=12,
)
def run_import_job(job_id: int) -> str:
    from employers.services.imports import import_job_run

    return import_job_run(job_id).status


@shared_task
def rescue_stale_import_jobs() -> dict:
    from employers.services.imports import import_jobs_rescue_stale

    return import_jobs_rescue_stale()
