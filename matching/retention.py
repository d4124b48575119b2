"""Retention and erasure of participants (issue 13; GDPR art. 5(1)(e), 15 and 17).

Rules come from ``settings.RETENTION`` (per kind of record). Today one kind is implemented:
``participant_exited_years`` — a participant who exited that many years ago is anonymised, after
``notice_days`` on the notice list. Anonymising keeps the row, its pseudonymous code and what
statistics count (unit, municipality, gender, birth year, phase, dates, placements and their
outcomes) and removes who the person is and everything written about them: names, personnummer,
address, support needs, need descriptions, free-text skills, and languages.

``retention_apply`` is run daily by Celery beat (``matching.tasks.apply_retention``) and logs what
it did; ``participant_anonymise`` is also what an administrator runs for an erasure request, and
``participant_export`` gives everything held on one participant (art. 15)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import User
from core.roles import is_admin
from matching.choices import Phase
from matching.models import Participant, ParticipantLanguage

log = logging.getLogger(__name__)
ANONYMISED = "Anonymiserad"


def _exited_before(day: dt.date):
    return (
        Participant.objects.filter(phase=Phase.EXITED)
        .exclude(first_name=ANONYMISED)
        .annotate(exited_at=Max("phase_changes__at"))
        .filter(exited_at__date__lt=day)
    )


def _years_ago(years: int, today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def retention_due(*, today: dt.date | None = None):
    """Participants to anonymise now."""
    today = today or timezone.localdate()
    return _exited_before(_years_ago(settings.RETENTION["participant_exited_years"], today))


def retention_notice_list(*, today: dt.date | None = None):
    """Participants who will be anonymised within the notice period (not yet due)."""
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=settings.RETENTION["notice_days"])
    due = retention_due(today=today).values("pk")
    return _exited_before(_years_ago(settings.RETENTION["participant_exited_years"], soon)).exclude(
        pk__in=due
    )


@transaction.atomic
def participant_anonymise(*, participant: Participant, by: User | None, reason: str) -> Participant:
    """Remove who the participant is, keep what statistics count. ``by=None`` is the retention
    job; a person doing it must be an administrator."""
    if by is not None and not is_admin(by):
        raise PermissionDenied(_("Administrators only."))
    p = Participant.objects.select_for_update().get(pk=participant.pk)
    p.first_name = p.last_name = ANONYMISED
    p.personnummer = ""
    p.is_coordination_number = False
    p.home_address = p.postal_code = p.home_locality = ""
    p.support_needs = ""
    p.latitude = p.longitude = None
    p.active = False
    p.save()
    p.adaptation_needs.update(description="")
    p.skills.filter(skill__isnull=True).update(free_text="")
    ParticipantLanguage.objects.filter(participant=p).delete()
    log.info("Participant %s anonymised (%s) by %s", p.code, reason, by or "retention job")
    return p


def retention_apply(*, today: dt.date | None = None) -> dict:
    """Apply every rule once; returns (and logs) what was done."""
    done = []
    for participant in retention_due(today=today):
        participant_anonymise(participant=participant, by=None, reason="retention rule")
        done.append(participant.code)
    notice = list(retention_notice_list(today=today).values_list("code", flat=True))
    summary = {"anonymised": done, "notice": notice}
    log.info("Retention: %s participants anonymised, %s on the notice list", len(done), len(notice))
    return summary


def participant_export(participant: Participant) -> dict:
    """Everything held on one participant, machine-readable (art. 15)."""
    from django.forms.models import model_to_dict

    from matching.services.audit import participant_log

    def rows(qs):
        return [model_to_dict(o) for o in qs]

    data = model_to_dict(participant)
    data.update(
        {
            "code": participant.code,
            "created_at": participant.created_at,
            "skills": rows(participant.skills.all()),
            "languages": rows(participant.languages.all()),
            "adaptation_needs": rows(participant.adaptation_needs.all()),
            "phase_changes": rows(participant.phase_changes.all()),
            "consents": rows(participant.consents.all()),
            "ocn_cases": rows(participant.ocn_cases.all()),
            "kga_assessments": rows(participant.kga_assessments.all()),
            "log": [
                {
                    "timestamp": e.timestamp,
                    "action": e.get_action_display(),
                    "actor": str(e.actor) if e.actor else None,
                    "changes": e.changes_dict,
                }
                for e in participant_log(participant)
            ],
        }
    )
    return data
