"""Retention and erasure of participants (issue 13; GDPR art. 5(1)(e), 15 and 17).

The rules per kind of record live in ``core.retention``; this module registers matching's
(``register_matching_rules``, from ``MatchingConfig.ready``):

- ``participants``: a participant who exited ``participant_exited_years`` ago is anonymised, after
  ``notice_days`` on the notice list;
- ``consent_invitations``: an invitation never answered is deleted ``link_days`` after it expired
  or was revoked; an answered one stays (it is the evidence of the consent) without the e-mail
  address it was sent to;
- ``personal_links``: a personal link revoked or expired ``link_days`` ago is deleted.

Anonymising keeps the row, its pseudonymous code and what statistics count (unit, municipality,
gender, birth year, phase, dates, placements and their outcomes) and removes who the person is and
everything written about them: names, personnummer, address, support needs, goals, need
descriptions, free-text skills, languages, notes on match decisions and validations, the e-mail
addresses links were sent to — and, through ``register_participant_eraser``, what higher apps wrote
(placements registers its notes). The change is logged as one audit entry without the old values,
so the anonymisation itself writes nothing about the person into the log.

``participant_anonymise`` is also what an administrator runs for an erasure request; everything
held on one participant (art. 15) is ``matching.participants.extract.participant_extract``."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import User
from core.retention import RetentionRule, cutoff, register, retention_setting, years_before
from core.roles import is_admin
from matching.choices import Phase
from matching.models import (
    ConsentInvitation,
    InvitedRecipient,
    KgaAssessment,
    MatchDecision,
    OcnCase,
    OcnCaseEvent,
    Participant,
    ParticipantLanguage,
    PersonalLink,
)

log = logging.getLogger(__name__)
ANONYMISED = "Anonymiserad"

_ERASERS: list[Callable[[Participant], None]] = []


def register_participant_eraser(eraser: Callable[[Participant], None]) -> None:
    """A higher app (placements) adds what it must clear when a participant is anonymised. Runs
    inside ``participant_anonymise``'s transaction."""
    if eraser not in _ERASERS:
        _ERASERS.append(eraser)


def _exited_before(day: dt.date):
    return (
        Participant.objects.filter(phase=Phase.EXITED)
        .exclude(first_name=ANONYMISED)
        .annotate(exited_at=Max("phase_changes__at"))
        .filter(exited_at__date__lt=day)
    )


def retention_due(*, today: dt.date | None = None):
    """Participants to anonymise now."""
    today = today or timezone.localdate()
    return _exited_before(years_before(today, retention_setting("participant_exited_years")))


def retention_notice_list(*, today: dt.date | None = None):
    """Participants who will be anonymised within the notice period (not yet due)."""
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=retention_setting("notice_days"))
    due = retention_due(today=today).values("pk")
    return _exited_before(
        years_before(soon, retention_setting("participant_exited_years"))
    ).exclude(pk__in=due)


@transaction.atomic
def participant_anonymise(
    *, participant: Participant, by: User | None, reason: str, confirm_active: bool = False
) -> Participant:
    """Remove who the participant is, keep what statistics count. ``by=None`` is the retention
    job; a person doing it must be an administrator and give the reason. A participant who has
    not exited is still being worked with (placements, follow-ups, a guide): an erasure request
    for one needs ``confirm_active`` as well — otherwise one click would wipe an ongoing case.
    The reason and whether the participant was active are kept in the audit entry."""
    if by is not None and not is_admin(by):
        raise PermissionDenied(_("Administrators only."))
    p = Participant.objects.select_for_update().get(pk=participant.pk)
    reason = (reason or "").strip()
    active = p.phase != Phase.EXITED
    if by is not None:
        errors = {}
        if not reason:
            errors["reason"] = _("Give the reason for anonymising (e.g. the erasure request).")
        if active and not confirm_active:
            errors["confirm_active"] = _(
                "The participant has not exited. Record the exit first, or confirm that an "
                "active participant is to be anonymised."
            )
        if errors:
            raise ValidationError(errors)
    with disable_auditlog():  # the log must not keep the old values; one entry below says it
        p.first_name = p.last_name = ANONYMISED
        p.personnummer = ""
        p.is_coordination_number = False
        p.home_address = p.postal_code = p.home_locality = ""
        p.support_needs = p.goals = p.paused_reason = ""
        p.latitude = p.longitude = None
        p.active = False
        p.save()
        p.adaptation_needs.update(description="")
        p.skills.filter(skill__isnull=True).update(free_text="")
        ParticipantLanguage.objects.filter(participant=p).delete()
        p.phase_changes.update(reason="")
        MatchDecision.objects.filter(participant=p).update(note="")
        OcnCase.objects.filter(participant=p).update(evidence="")
        OcnCaseEvent.objects.filter(case__participant=p).update(reason="")
        KgaAssessment.objects.filter(participant=p).update(comment="")
        ConsentInvitation.objects.filter(participant=p).update(sent_to="")
        PersonalLink.objects.filter(participant=p).update(sent_to="")
        for eraser in _ERASERS:
            eraser(p)
    LogEntry.objects.log_create(
        p,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={"anonymised": ["", "retention rule" if by is None else "request"]},
        additional_data={"reason": reason, "active_when_anonymised": active},
        actor=by,
    )
    log.info("Participant %s anonymised (%s) by %s", p.code, reason, by or "retention job")
    return p


# --- the rules registered with core.retention --------------------------------------------------


def _participants_due(now: dt.datetime) -> QuerySet:
    return retention_due(today=timezone.localdate(now))


def _participants_anonymise(rows: QuerySet, now: dt.datetime) -> int:
    done = 0
    for participant in rows:
        participant_anonymise(participant=participant, by=None, reason="retention rule")
        done += 1
    return done


def _invitations_due(now: dt.datetime) -> QuerySet:
    before = cutoff(now, "link_days")
    unanswered = Q(answered_at__isnull=True) & (Q(expires_at__lt=before) | Q(revoked_at__lt=before))
    answered = Q(answered_at__lt=before) & ~Q(sent_to="")
    # An unanswered invitation that still backs a consent (should not happen) is left alone.
    backing = InvitedRecipient.objects.filter(consent__isnull=False).values("invitation_id")
    return ConsentInvitation.objects.filter(unanswered | answered).exclude(
        Q(answered_at__isnull=True) & Q(pk__in=backing)
    )


def _invitations_apply(rows: QuerySet, now: dt.datetime) -> int:
    pks = list(rows.values_list("pk", flat=True))
    with disable_auditlog():  # the run record counts them; the log must not copy the addresses
        cleared = ConsentInvitation.objects.filter(pk__in=pks, answered_at__isnull=False).update(
            sent_to=""
        )
        deleted = ConsentInvitation.objects.filter(pk__in=pks, answered_at__isnull=True)
        count = deleted.count()
        deleted.delete()
    return cleared + count


def _links_due(now: dt.datetime) -> QuerySet:
    before = cutoff(now, "link_days")
    return PersonalLink.objects.filter(Q(revoked_at__lt=before) | Q(expires_at__lt=before))


def _links_delete(rows: QuerySet, now: dt.datetime) -> int:
    with disable_auditlog():
        pks = list(rows.values_list("pk", flat=True))
        PersonalLink.objects.filter(pk__in=pks).delete()
    return len(pks)


def register_matching_rules() -> None:
    register(
        RetentionRule(
            kind="participants",
            order=10,
            label=gettext_lazy("Participants who exited"),
            action=gettext_lazy("anonymised"),
            setting="participant_exited_years",
            due=_participants_due,
            apply=_participants_anonymise,
            describe=lambda p: p.code,
        )
    )
    register(
        RetentionRule(
            kind="consent_invitations",
            order=20,
            label=gettext_lazy("Consent invitations (expired, revoked or answered)"),
            action=gettext_lazy("deleted if never answered, otherwise e-mail address cleared"),
            setting="link_days",
            due=_invitations_due,
            apply=_invitations_apply,
            describe=lambda i: f"{i.participant.code} {i.created_at:%Y-%m-%d}",
            describe_with=("participant",),
        )
    )
    register(
        RetentionRule(
            kind="personal_links",
            order=30,
            label=gettext_lazy("Personal links (consent page and progression)"),
            action=gettext_lazy("deleted"),
            setting="link_days",
            due=_links_due,
            apply=_links_delete,
            describe=lambda link: f"{link.participant.code} {link.created_at:%Y-%m-%d}",
            describe_with=("participant",),
        )
    )
