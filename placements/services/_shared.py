"""Private helpers the placement services share: the transition record, the state check, the row
lock, entering få, and planning or cancelling follow-ups."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from core.exceptions import InvalidTransition
from core.models import User
from matching.choices import Phase
from matching.participants.services.participants import participant_set_phase
from placements import rules
from placements.choices import (
    STATUS_TRANSITIONS,
    FollowUpStatus,
    FollowUpWith,
    PlacementPhase,
    PlacementStatus,
)
from placements.models import FollowUp, Placement, PlacementTransition


def _record(
    placement: Placement,
    *,
    to_status: str | None = None,
    to_phase: str | None = None,
    by: User | None,
    reason: str = "",
) -> None:
    to_status = to_status or placement.status
    to_phase = to_phase or placement.phase
    if to_status != placement.status and to_status not in STATUS_TRANSITIONS[placement.status]:
        raise InvalidTransition(
            _("A placement cannot go from “%(a)s” to “%(b)s”.")
            % {"a": PlacementStatus(placement.status).label, "b": PlacementStatus(to_status).label}
        )
    PlacementTransition.objects.create(
        placement=placement,
        from_status=placement.status,
        to_status=to_status,
        from_phase=placement.phase,
        to_phase=to_phase,
        reason=reason,
        by=by,
    )
    placement.status, placement.phase = to_status, to_phase


def _require(placement: Placement, action: str, message: str, field: str = "status") -> None:
    """Refuse a step the placement's state does not allow (``rules.PLACEMENT_ACTIONS``, the same
    table the pages ask for which buttons to show)."""
    if not rules.placement_allows(placement, action):
        raise InvalidTransition(message, field=field)


def _locked(placement: Placement) -> Placement:
    return (
        Placement.objects.select_for_update()
        .select_related("task_profile__employer", "participant")
        .get(pk=placement.pk)
    )


def _enter_fa(placement: Placement, by: User, reason: str) -> None:
    _record(placement, to_phase=PlacementPhase.FA, by=by, reason=reason)
    placement.save()
    if placement.participant.phase == Phase.FINNA:
        participant_set_phase(
            participant=placement.participant, phase=Phase.FA, by=by, reason=reason
        )


def _cancel_planned(placement: Placement, reason: str, *, after: dt.date | None = None) -> int:
    """Cancel the placement's planned follow-ups (those after ``after`` only, when given), keeping
    why on each row."""
    planned = placement.followups.filter(status=FollowUpStatus.PLANNED)
    if after is not None:
        planned = planned.filter(planned_on__gt=after)
    return planned.update(status=FollowUpStatus.CANCELLED, cancel_reason=reason[:300])


def _schedule_followups(placement: Placement, start: dt.date, until: dt.date) -> list[FollowUp]:
    existing = set(
        placement.followups.filter(status=FollowUpStatus.PLANNED).values_list(
            "planned_on", flat=True
        )
    )
    rows = [
        FollowUp(placement=placement, planned_on=d, with_whom=FollowUpWith.BOTH)
        for d in rules.followup_dates(start, until)
        if d not in existing
    ]
    return FollowUp.objects.bulk_create(rows)
