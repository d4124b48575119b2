"""The participant's exit from the programme with its ESF outcome, and the ESF+ check six months
after."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.choices import Role
from core.exceptions import Forbidden
from core.models import User
from core.roles import role_of
from matching.choices import Phase
from matching.models import Participant
from matching.participants.services.participants import ensure_can_edit, participant_set_phase
from placements import rules
from placements.choices import FollowUpStatus, PlacementStatus, WithdrawReason
from placements.models import Exit, FollowUp, Placement
from placements.services.placements import placement_end, placement_withdraw


@transaction.atomic
def participant_exit(
    *, participant: Participant, by: User, exited_on: dt.date, outcome: str, note: str = ""
) -> Exit:
    """The participant leaves the programme with an ESF outcome; ongoing placements end."""
    from placements.choices import ExitOutcome

    ensure_can_edit(by, participant)
    if outcome not in ExitOutcome.values:
        raise ValidationError(
            {"outcome": _("Choose one of: %(o)s.") % {"o": ", ".join(ExitOutcome.values)}}
        )
    from placements.selectors import exit_context

    rules.check_dates("exit", exit_context(participant), exited_on=exited_on)
    last = None
    for placement in (
        Placement.objects.filter(participant=participant)
        .exclude(status=PlacementStatus.ENDED)
        .order_by("pk")
    ):
        if placement.status == PlacementStatus.PROPOSED:
            placement_withdraw(
                placement=placement,
                by=by,
                reason=WithdrawReason.PARTICIPANT_EXITED,
                on=exited_on,
            )
            continue
        placement_end(
            placement=placement, by=by, ended_on=exited_on, reason=_("Exit from the programme")
        )
        last = placement
    # Whatever is still planned for the participant (also on a placement ended before) is
    # cancelled: after the exit nobody is to be followed up.
    FollowUp.objects.filter(
        placement__participant=participant, status=FollowUpStatus.PLANNED
    ).update(
        status=FollowUpStatus.CANCELLED,
        cancel_reason=(_("The participant exited the programme on %(d)s.") % {"d": exited_on})[
            :300
        ],
    )
    participant.refresh_from_db()
    exit_row = Exit(
        participant=participant,
        exited_on=exited_on,
        outcome=outcome,
        note=note,
        by=by,
        placement=last,
    )
    exit_row.full_clean()
    exit_row.save()
    participant_set_phase(
        participant=participant,
        phase=Phase.EXITED,
        by=by,
        reason=_("Exit: %(o)s") % {"o": ExitOutcome(outcome).label},
    )
    return exit_row


@transaction.atomic
def exit_followup_record(
    *, exit_row: Exit, by: User, checked_on: dt.date, situation: str, note: str = ""
):
    """Record where the participant is six months after the exit (once; recording again
    replaces it). The participant's guide, managers and administrators may do it."""
    from placements.choices import SixMonthSituation
    from placements.models import ExitFollowUp

    participant = exit_row.participant
    if role_of(by) not in (Role.MANAGER, Role.ADMIN):
        ensure_can_edit(by, participant)
    elif role_of(by) == Role.MANAGER and participant.unit_id != by.unit_id:
        raise Forbidden(_("Only staff of the participant's unit may do this."))
    if situation not in SixMonthSituation.values:
        raise ValidationError(
            {"situation": _("Choose one of: %(o)s.") % {"o": ", ".join(SixMonthSituation.values)}}
        )
    rules.check_dates("exit_followup", exit_row, checked_on=checked_on)
    row = ExitFollowUp.objects.filter(exit=exit_row).first() or ExitFollowUp(exit=exit_row)
    row.checked_on = checked_on
    row.situation = situation
    row.note = note
    row.by = by
    row.full_clean()
    row.save()
    return row
