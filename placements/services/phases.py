"""Practice and the phases: a practice is evaluated and extended, becomes an adapted job (få) and
the hiring starts behålla."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import InvalidTransition
from core.models import User
from matching.choices import Phase
from matching.participants.services.participants import ensure_can_edit, participant_set_phase
from placements import rules
from placements.choices import PlacementKind, PlacementPhase, PlacementStatus, SubsidyType
from placements.models import Placement, PracticeEvaluation, PracticeExtension
from placements.services._shared import (
    _cancel_planned,
    _enter_fa,
    _locked,
    _record,
    _require,
    _schedule_followups,
)


@transaction.atomic
def practice_evaluate(
    *,
    placement: Placement,
    by: User,
    evaluated_on: dt.date,
    progress: str,
    rating: int,
    next_steps: str = "",
) -> PracticeEvaluation:
    placement = _locked(placement)
    ensure_can_edit(by, placement.participant)
    _require(placement, "evaluate", _("Only an ongoing placement is evaluated."))
    rules.check_dates("evaluate", placement, evaluated_on=evaluated_on)
    evaluation = PracticeEvaluation(
        placement=placement,
        evaluated_on=evaluated_on,
        progress=progress,
        rating=rating,
        next_steps=next_steps,
        by=by,
    )
    evaluation.full_clean()
    evaluation.save()
    return evaluation


@transaction.atomic
def practice_extend(*, placement: Placement, by: User, new_end: dt.date, reason: str) -> Placement:
    """Practice is time-limited; extending it needs a reason and a later end date."""
    placement = _locked(placement)
    ensure_can_edit(by, placement.participant)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the extension.")})
    if placement.status not in (PlacementStatus.AGREED, PlacementStatus.ONGOING) or (
        placement.kind == PlacementKind.EMPLOYMENT
    ):
        raise InvalidTransition(_("Only an agreed or ongoing practice can be extended."))
    if placement.planned_end is None:
        raise ValidationError({"new_end": _("The placement has no end date to extend.")})
    rules.check_dates("extend", placement, new_end=new_end)
    PracticeExtension.objects.create(
        placement=placement,
        previous_end=placement.planned_end,
        new_end=new_end,
        reason=reason,
        by=by,
    )
    placement.planned_end = new_end
    placement.save()
    if placement.started_on:
        _schedule_followups(placement, placement.started_on, new_end)
    return placement


@transaction.atomic
def placement_to_employment(
    *,
    placement: Placement,
    by: User,
    hours_per_week: int,
    subsidy_type: str = SubsidyType.NONE,
    reason: str = "",
) -> Placement:
    """An ongoing practice becomes an adapted job at the same employer: phase få."""
    placement = _locked(placement)
    ensure_can_edit(by, placement.participant)
    _require(
        placement,
        "to_employment",
        _("Only an ongoing placement in finna can become an employment."),
        field="phase",
    )
    if subsidy_type not in SubsidyType.values:
        raise ValidationError({"subsidy_type": _("Unknown subsidy type.")})
    placement.kind = PlacementKind.EMPLOYMENT
    placement.subsidy_type = subsidy_type
    placement.hours_per_week = hours_per_week
    placement.planned_end = None
    placement.full_clean()
    _enter_fa(placement, by, reason or _("Moved to an adapted job"))
    return placement


@transaction.atomic
def placement_hire(*, placement: Placement, by: User, hired_on: dt.date) -> Placement:
    """Hiring starts behålla: follow-ups until three months after hiring."""
    placement = _locked(placement)
    ensure_can_edit(by, placement.participant)
    _require(
        placement,
        "hire",
        _("Only an ongoing employment in få can be hired into behålla."),
        field="phase",
    )
    rules.check_dates("hire", placement, hired_on=hired_on)
    placement.hired_on = hired_on
    _record(placement, to_phase=PlacementPhase.BEHALLA, by=by, reason=_("Hired"))
    placement.save()
    participant_set_phase(
        participant=placement.participant, phase=Phase.BEHALLA, by=by, reason=_("Hired")
    )
    _cancel_planned(
        placement, _("Replaced by the keep-phase schedule from the hiring."), after=hired_on
    )
    _schedule_followups(placement, hired_on, rules.keep_phase_end(hired_on))
    return placement
