"""A placement from proposal to its end: propose, agree (takes a slot, with one conditional UPDATE so
never overbooked), start, end (frees the slot) and withdraw."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import SlotUnavailable
from core.models import Adaptation, User
from core.writes import announce_rows
from employers.choices import ProfileStatus
from employers.models import ContactPerson, TaskProfile
from employers.services.profiles import task_profile_transition
from matching.choices import Phase
from matching.models import MatchDecision, Participant
from matching.participants.services.participants import ensure_can_edit, participant_set_phase
from placements import rules
from placements.choices import (
    OPEN_STATUSES,
    PlacementKind,
    PlacementPhase,
    PlacementStatus,
    SubsidyType,
    WithdrawReason,
)
from placements.models import Placement, PlacementTransition
from placements.services._shared import (
    _cancel_planned,
    _enter_fa,
    _locked,
    _record,
    _require,
    _schedule_followups,
)


def _check_supervisor(supervisor: ContactPerson | None, profile: TaskProfile) -> None:
    if supervisor is not None and supervisor.employer_id != profile.employer_id:
        raise ValidationError(
            {"supervisor": _("The supervisor must be a contact person of the employer.")}
        )


def _take_slot(profile: TaskProfile) -> None:
    """Take one slot with a single conditional UPDATE: two guides agreeing the last slot at the same
    moment cannot both succeed, on any database."""
    taken = TaskProfile.objects.filter(
        pk=profile.pk, status=ProfileStatus.OPEN, slots_taken__lt=F("slots_total")
    ).update(slots_taken=F("slots_taken") + 1, updated_at=timezone.now())
    announce_rows(TaskProfile, [profile.pk])
    if taken == 0:
        raise SlotUnavailable(
            _("“%(p)s” has no free slot (or is not open).") % {"p": profile.title}
        )
    profile.refresh_from_db()
    if profile.slots_taken >= profile.slots_total:
        task_profile_transition(profile=profile, to_status=ProfileStatus.FILLED, by=None)


def _release_slot(placement: Placement) -> None:
    if not placement.slot_held:
        return
    TaskProfile.objects.filter(pk=placement.task_profile_id, slots_taken__gt=0).update(
        slots_taken=F("slots_taken") - 1, updated_at=timezone.now()
    )
    announce_rows(TaskProfile, [placement.task_profile_id])
    placement.slot_held = False
    profile = TaskProfile.objects.get(pk=placement.task_profile_id)
    if profile.status == ProfileStatus.FILLED and profile.slots_taken < profile.slots_total:
        task_profile_transition(profile=profile, to_status=ProfileStatus.OPEN, by=None)


def _duplicate_message() -> str:
    return _(
        "The participant already has an open proposal or placement for this profile. "
        "Open it instead of proposing again."
    )


@transaction.atomic
def placement_propose(
    *,
    participant: Participant,
    task_profile: TaskProfile,
    by: User,
    planned_start: dt.date,
    hours_per_week: int,
    planned_end: dt.date | None = None,
    kind: str | None = None,
    match_decision: MatchDecision | None = None,
    supervisor: ContactPerson | None = None,
    agreed_adaptations=None,
    goals_short: str = "",
    goals_long: str = "",
    schedule: str = "",
    subsidy_type: str = SubsidyType.NONE,
    note: str = "",
) -> Placement:
    """Propose the participant for the profile. From a match suggestion, the guide's decision
    (“proposed”) is recorded and linked, so the suggestion that led here is kept."""
    from matching.services.decisions import decision_record

    ensure_can_edit(by, participant)
    if not task_profile.is_open_to_unit(participant.unit):
        raise ValidationError({"task_profile": _("The profile belongs to another unit.")})
    if task_profile.status != ProfileStatus.OPEN:
        raise ValidationError({"task_profile": _("Only open profiles take proposals.")})
    if participant.phase == Phase.EXITED:
        raise ValidationError({"participant": _("The participant has exited the programme.")})
    kind = kind or task_profile.kind
    if kind == PlacementKind.PRACTICE and planned_end is None:
        raise ValidationError({"planned_end": _("Practice is time-limited: give an end date.")})
    rules.check_dates("propose", None, planned_start=planned_start, planned_end=planned_end)
    _check_supervisor(supervisor, task_profile)
    if Placement.objects.filter(
        participant=participant, task_profile=task_profile, status__in=OPEN_STATUSES
    ).exists():
        raise ValidationError({"task_profile": _duplicate_message()})
    if match_decision is None:
        match_decision = decision_record(
            participant=participant,
            task_profile=task_profile,
            decision="proposed",
            note=note,
            by=by,
        )
    elif (match_decision.participant_id, match_decision.task_profile_id) != (
        participant.pk,
        task_profile.pk,
    ):
        raise ValidationError({"match_decision": _("The decision is about another pair.")})
    placement = Placement(
        participant=participant,
        task_profile=task_profile,
        match_decision=match_decision,
        kind=kind,
        subsidy_type=subsidy_type,
        planned_start=planned_start,
        planned_end=planned_end,
        hours_per_week=hours_per_week,
        schedule=schedule,
        supervisor=supervisor,
        goals_short=goals_short,
        goals_long=goals_long,
        guide=participant.guide or by,
    )
    try:
        placement.full_clean()
    except ValidationError as exc:
        # A proposal committed since the check above shows up here as the unique constraint's
        # form-wide error; it is the same duplicate, on the same field.
        (constraint,) = (
            c for c in Placement._meta.constraints if c.name == "placement_one_open_per_pair"
        )
        duplicate = str(constraint.get_violation_error_message())
        if any(m == duplicate for m in getattr(exc, "message_dict", {}).get(NON_FIELD_ERRORS, [])):
            raise ValidationError({"task_profile": _duplicate_message()}) from exc
        raise
    try:
        # The partial unique index catches what the check above cannot: two requests at once.
        with transaction.atomic():
            placement.save()
    except IntegrityError as exc:
        raise ValidationError({"task_profile": _duplicate_message()}) from exc
    if agreed_adaptations is not None:
        placement.agreed_adaptations.set(agreed_adaptations)
    PlacementTransition.objects.create(
        placement=placement,
        from_status="",
        to_status=PlacementStatus.PROPOSED,
        from_phase="",
        to_phase=placement.phase,
        by=by,
        reason=note,
    )
    from placements.regional import notify_host

    notify_host(placement)
    return placement


@transaction.atomic
def placement_agree(*, placement: Placement, by: User) -> Placement:
    """The employer and participant agree: the placement takes a slot."""
    placement = _locked(placement)
    ensure_can_edit(by, placement.participant)
    _require(placement, "agree", _("Only a proposed placement can be agreed."))
    from placements.regional import awaiting_host

    if awaiting_host(placement):
        raise ValidationError(
            {"status": _("The profile's unit has not accepted the proposal yet.")}
        )
    _take_slot(placement.task_profile)
    placement.slot_held = True
    _record(placement, to_status=PlacementStatus.AGREED, by=by)
    placement.save()
    return placement


@transaction.atomic
def placement_start(
    *, placement: Placement, by: User, started_on: dt.date | None = None
) -> Placement:
    placement = _locked(placement)
    ensure_can_edit(by, placement.participant)
    _require(placement, "start", _("Only an agreed placement can be started."))
    started_on = started_on or timezone.localdate()
    rules.check_dates("start", placement, started_on=started_on)
    _record(placement, to_status=PlacementStatus.ONGOING, by=by)
    placement.started_on = started_on
    placement.full_clean()
    placement.save()
    if placement.kind == PlacementKind.EMPLOYMENT and placement.phase == PlacementPhase.FINNA:
        _enter_fa(placement, by, _("Started an adapted job"))
    _schedule_followups(
        placement, started_on, placement.planned_end or rules.keep_phase_end(started_on)
    )
    return placement


@transaction.atomic
def placement_end(*, placement: Placement, by: User, ended_on: dt.date, reason: str) -> Placement:
    """End (or cancel) a placement; the slot is freed. An employment that ends within three
    months of hiring sends the participant back to matching (finna), visibly."""
    placement = _locked(placement)
    ensure_can_edit(by, placement.participant)
    _require(
        placement,
        "end",
        _("Only an agreed or ongoing placement can be ended; a proposal is withdrawn."),
    )
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the placement ends.")})
    rules.check_dates("end", placement, ended_on=ended_on)
    _record(placement, to_status=PlacementStatus.ENDED, by=by, reason=reason)
    placement.ended_on, placement.end_reason = ended_on, reason
    _release_slot(placement)
    # Nothing stays planned on an ended placement: every planned follow-up (also one already due
    # and never recorded) is cancelled, with the reason, so no guide's list keeps it.
    _cancel_planned(
        placement,
        _("The placement ended on %(d)s: %(r)s") % {"d": ended_on.isoformat(), "r": reason.strip()},
    )
    participant = placement.participant
    in_job = placement.kind == PlacementKind.EMPLOYMENT and placement.phase in (
        PlacementPhase.FA,
        PlacementPhase.BEHALLA,
    )
    if in_job and (
        placement.phase == PlacementPhase.FA or rules.ended_early(placement.hired_on, ended_on)
    ):
        placement.ended_early = placement.hired_on is not None
        participant.refresh_from_db()
        if participant.phase in (Phase.FA, Phase.BEHALLA):
            participant_set_phase(
                participant=participant,
                phase=Phase.FINNA,
                by=by,
                reason=_("Employment ended early: back to matching (%(r)s)") % {"r": reason},
                on=ended_on,
            )
            from matching.services.recompute import schedule_refresh

            schedule_refresh(participant_id=participant.pk)
    placement.full_clean()
    placement.save()
    return placement


@transaction.atomic
def placement_withdraw(
    *, placement: Placement, by: User, reason: str, note: str = "", on: dt.date | None = None
) -> Placement:
    """Withdraw a proposal that was never agreed, with a structured reason (kept for statistics:
    why proposals fall through). It holds no slot, so nothing is released."""
    placement = _locked(placement)
    ensure_can_edit(by, placement.participant)
    _require(placement, "withdraw", _("Only a proposal can be withdrawn."))
    if reason not in WithdrawReason.values:
        raise ValidationError({"reason": _("Choose why the proposal is withdrawn.")})
    if reason == WithdrawReason.OTHER and not (note or "").strip():
        raise ValidationError({"note": _("Describe the reason.")})
    _record(placement, to_status=PlacementStatus.ENDED, by=by, reason=note)
    placement.withdraw_reason = reason
    placement.ended_on = on or timezone.localdate()
    placement.end_reason = (note or "")[:300]
    placement.full_clean()
    placement.save()
    return placement


def agreed_adaptations_from_codes(codes) -> list[Adaptation]:
    return list(Adaptation.objects.filter(code__in=codes))
