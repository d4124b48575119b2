"""Spreadsheet imports run in the background."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class ImportJob(TimeStampedModel):
    """A spreadsheet import run in the background, with its progress and report."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        EMPLOYERS = "employers", _("Employers")
        PARTICIPANT_HISTORY = "participant_history", _("Participant history")

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.EMPLOYERS)
    unit = models.ForeignKey("core.Unit", on_delete=models.CASCADE, related_name="import_jobs")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    dry_run = models.BooleanField(default=True)
    valid_rows_only = models.BooleanField(
        default=False, help_text="Import the valid rows and leave the refused ones out."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"

    def progress(self) -> tuple[int, int]:
        """(rows done, rows in all) while running, from the cache the worker writes to."""
        from django.core.cache import cache

        if self.status == self.Status.DONE:
            total = len(self.report.get("rows", []))
            return total, total
        try:
            return tuple(cache.get(f"import-progress:{self.pk}", (0, 0)))
        except Exception:  # the cache is down: the page still shows the job, without a count
            return 0, 0
