"""Retention rules for what employers holds (``core.retention``), registered in
``EmployersConfig.ready``:

- the contact log: entries older than ``contact_log_years`` lose their free text (notes and next
  step, with its due date). The row stays with its date, kind, employer, unit, who logged it and
  the participants it names, which is all that statistics (active employers, new contacts, study
  visits) and fidelity (contacts per guide and week, days to first employer contact) count;
- import jobs (employer and participant-history imports): finished or failed jobs older than
  ``import_job_days`` are deleted with their uploaded file and report, which hold the rows as
  uploaded (personnummer included for the history import).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.retention import RetentionRule, cutoff, delete_rows, register
from employers.models import ImportJob, Interaction


def contact_log_due(now: dt.datetime) -> QuerySet:
    return Interaction.objects.filter(
        occurred_on__lt=cutoff(now, "contact_log_years").date()
    ).filter(~Q(notes="") | ~Q(next_step=""))


def contact_log_clear(rows: QuerySet, now: dt.datetime) -> int:
    return rows.update(notes="", next_step="", next_step_due=None)


def import_jobs_due(now: dt.datetime) -> QuerySet:
    return ImportJob.objects.filter(
        created_at__lt=cutoff(now, "import_job_days"),
        status__in=[ImportJob.Status.DONE, ImportJob.Status.FAILED],
    )


def register_employer_rules() -> None:
    register(
        RetentionRule(
            kind="contact_log",
            order=40,
            label=_("Contact log: notes and next steps"),
            action=_("free text cleared"),
            setting="contact_log_years",
            due=contact_log_due,
            apply=contact_log_clear,
            describe=lambda i: f"{i.occurred_on:%Y-%m-%d} {i.employer.name}",
            describe_with=("employer",),
        )
    )
    register(
        RetentionRule(
            kind="import_jobs",
            order=50,
            label=_("Import jobs: uploaded files and reports"),
            action=_("deleted"),
            setting="import_job_days",
            due=import_jobs_due,
            apply=delete_rows,
            describe=lambda j: f"{j.created_at:%Y-%m-%d} {j.get_kind_display()}",
        )
    )
