"""Background spreadsheet imports: start, run with progress, rescue jobs a worker lost."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbox
from core.models import User
from employers.models import ImportJob
from employers.services._shared import ensure_can_write


@transaction.atomic
def import_job_start(
    *, by: User, filename: str, content: bytes, dry_run: bool, valid_rows_only: bool = False
) -> ImportJob:
    """Queue an import; the portal follows its progress and shows the report.
    ``valid_rows_only`` imports the valid rows of a file whose dry run refused some."""
    ensure_can_write(by, unit_id=by.unit_id)
    job = ImportJob.objects.create(
        unit_id=by.unit_id,
        by=by,
        filename=filename,
        content=content,
        dry_run=dry_run,
        valid_rows_only=valid_rows_only,
    )
    # An outbox row, not a direct publish: a broker outage neither fails the upload nor loses the job.
    outbox.enqueue("employers.tasks.run_import_job", args=[job.pk], key=f"import:{job.pk}")
    return job


IMPORT_STALE_QUEUED = timedelta(minutes=2)


IMPORT_STALE_RUNNING = timedelta(minutes=30)


def import_job_run(job_id: int) -> ImportJob:

    from employers.importing.employers import import_employers

    job = ImportJob.objects.select_related("by").get(pk=job_id)
    if job.status == ImportJob.Status.DONE:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    key = f"import-progress:{job.pk}"
    try:
        report = import_employers(
            content=bytes(job.content),
            filename=job.filename,
            by=job.by,
            dry_run=job.dry_run,
            valid_rows_only=job.valid_rows_only,
            progress=lambda done, total: _progress(key, done, total),
        )
    except Exception as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, report={"file_errors": [str(exc)[:500]]}
        )
        raise
    # A checked file is kept so it can be imported for real without uploading it again.
    # So is one whose valid rows may be imported alone (``valid_rows_only``).
    keep = job.dry_run and not report.file_errors and report.valid_rows > 0
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE,
        report=report.as_dict(),
        content=bytes(job.content) if keep else b"",
    )
    _progress(key, None, None)
    job.refresh_from_db()
    return job


def _progress(key: str, done: int | None, total: int | None) -> None:
    """Progress is a nicety: a cache outage must not fail the import."""
    from django.core.cache import cache

    try:
        if done is None:
            cache.delete(key)
        else:
            cache.set(key, (done, total), 3600)
    except Exception:  # noqa: S110 - the progress bar just stands still
        pass


# The task that runs each kind of import job, by name (a history import belongs to placements, a
# layer above: the outbox calls it by name), and its outbox key prefix.
RUN_TASKS = {
    ImportJob.Kind.EMPLOYERS: ("employers.tasks.run_import_job", "import"),
    ImportJob.Kind.PARTICIPANT_HISTORY: (
        "placements.tasks.run_history_import_job",
        "history-import",
    ),
}


def import_jobs_rescue_stale() -> dict[str, list[int]]:
    """Queued jobs whose task never ran are queued again; a job still "running" after
    ``IMPORT_STALE_RUNNING`` lost its worker mid-import and is failed with a clear message (an
    import is not resumable, and re-running half of one could duplicate rows)."""
    now = timezone.now()
    stale = ImportJob.objects.filter(
        status=ImportJob.Status.QUEUED, created_at__lt=now - IMPORT_STALE_QUEUED
    ).values_list("pk", "kind")
    queued = []
    for job_id, kind in stale:
        task, prefix = RUN_TASKS[kind]  # each job goes back to its own kind's task
        outbox.enqueue(task, args=[job_id], key=f"{prefix}:{job_id}")
        queued.append(job_id)
    interrupted = list(
        ImportJob.objects.filter(
            status=ImportJob.Status.RUNNING, created_at__lt=now - IMPORT_STALE_RUNNING
        ).values_list("pk", flat=True)
    )
    ImportJob.objects.filter(pk__in=interrupted).update(
        status=ImportJob.Status.FAILED,
        report={
            "file_errors": [str(_("The import was interrupted. Please upload the file again."))]
        },
    )
    return {"queued_again": queued, "failed": interrupted}
