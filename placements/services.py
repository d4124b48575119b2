"""Writes of placements and follow-ups: the phase rules, slots that are never overbooked, follow-up
schedules, reminders and the employer's confirmation."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import Role
from core.exceptions import DomainError, Forbidden, InvalidTransition, SlotUnavailable
from core.models import Adaptation, User
from core.roles import role_of
from employers.choices import ProfileStatus
from employers.models import ContactPerson, EmployerMembership, TaskProfile
from employers.services.profiles import task_profile_transition
from matching.choices import Phase
from matching.models import MatchDecision, Participant
from matching.services.participants import ensure_can_edit, participant_set_phase
from placements import rules
from placements.choices import (
    OPEN_STATUSES,
    STATUS_TRANSITIONS,
    FollowUpStatus,
    FollowUpWith,
    PlacementKind,
    PlacementPhase,
    PlacementStatus,
    SubsidyType,
    WithdrawReason,
)
from placements.models import (
    Exit,
    FollowUp,
    Placement,
    PlacementTransition,
    PracticeEvaluation,
    PracticeExtension,
    ReminderSent,
)


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


def _check_supervisor(supervisor: ContactPerson | None, profile: TaskProfile) -> None:
    if supervisor is not None and supervisor.employer_id != profile.employer_id:
        raise ValidationError(
            {"supervisor": _("The supervisor must be a contact person of the employer.")}
        )


# --- slots --------------------------------------------------------------------------------------


def _take_slot(profile: TaskProfile) -> None:
    """Take one slot with a single conditional UPDATE: two guides agreeing the last slot at the same
    moment cannot both succeed, on any database."""
    taken = TaskProfile.objects.filter(
        pk=profile.pk, status=ProfileStatus.OPEN, slots_taken__lt=F("slots_total")
    ).update(slots_taken=F("slots_taken") + 1, updated_at=timezone.now())
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
    placement.slot_held = False
    profile = TaskProfile.objects.get(pk=placement.task_profile_id)
    if profile.status == ProfileStatus.FILLED and profile.slots_taken < profile.slots_total:
        task_profile_transition(profile=profile, to_status=ProfileStatus.OPEN, by=None)


# --- placements ---------------------------------------------------------------------------------


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


# --- follow-ups ---------------------------------------------------------------------------------


@transaction.atomic
def followup_create(
    *, placement: Placement, by: User, planned_on: dt.date, with_whom: str = FollowUpWith.BOTH
) -> FollowUp:
    ensure_can_edit(by, placement.participant)
    if placement.status == PlacementStatus.ENDED:
        raise InvalidTransition(_("The placement has ended."))
    rules.check_dates("followup_plan", placement, planned_on=planned_on)
    row = FollowUp(placement=placement, planned_on=planned_on, with_whom=with_whom)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def followup_record(
    *,
    followup: FollowUp,
    by: User,
    done_on: dt.date,
    with_whom: str | None = None,
    rating_tasks: int | None = None,
    rating_social: int | None = None,
    rating_attendance: int | None = None,
    notes: str = "",
    next_actions: str = "",
) -> FollowUp:
    followup = (
        FollowUp.objects.select_for_update()
        .select_related("placement__participant")
        .get(pk=followup.pk)
    )
    ensure_can_edit(by, followup.placement.participant)
    if not rules.followup_allows(followup, "record"):
        raise InvalidTransition(_("This follow-up was rescheduled or cancelled."))
    rules.check_dates("followup_record", followup.placement, done_on=done_on)
    if (
        rating_tasks is None
        and rating_social is None
        and rating_attendance is None
        and not (notes or "").strip()
    ):
        # An untouched form must not become a “done” follow-up with made-up ratings.
        raise ValidationError(
            _("Record how it went: give at least one rating (1–5) or write a note.")
        )
    followup.status, followup.done_on, followup.done_by = FollowUpStatus.DONE, done_on, by
    followup.with_whom = with_whom or followup.with_whom
    followup.rating_tasks, followup.rating_social, followup.rating_attendance = (
        rating_tasks,
        rating_social,
        rating_attendance,
    )
    followup.notes, followup.next_actions = notes, next_actions
    followup.full_clean()
    followup.save()
    return followup


@transaction.atomic
def followup_reschedule(
    *, followup: FollowUp, by: User, planned_on: dt.date, reason: str = ""
) -> FollowUp:
    """Move a planned follow-up, with a reason; the old one stays (rescheduled, with who, when and
    why) and the new one links to it, so the history of moves is kept."""
    followup = (
        FollowUp.objects.select_for_update()
        .select_related("placement__participant")
        .get(pk=followup.pk)
    )
    ensure_can_edit(by, followup.placement.participant)
    if not rules.followup_allows(followup, "reschedule"):
        raise InvalidTransition(_("Only a planned follow-up can be rescheduled."))
    if planned_on == followup.planned_on:
        raise ValidationError({"planned_on": _("Choose another date.")})
    rules.check_dates("followup_plan", followup.placement, planned_on=planned_on)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the follow-up is moved.")})
    followup.status = FollowUpStatus.RESCHEDULED
    followup.reschedule_reason = reason.strip()[:300]
    followup.rescheduled_by, followup.rescheduled_at = by, timezone.now()
    followup.save()
    new = FollowUp(
        placement=followup.placement,
        planned_on=planned_on,
        with_whom=followup.with_whom,
        rescheduled_from=followup,
    )
    new.full_clean()
    new.save()
    return new


class NoPortalUser(DomainError):
    """The employer has nobody in the portal, so nobody there could confirm."""

    default_message = "The employer has no user in the portal, so nobody there can confirm."


def employer_has_portal_user(employer_id: int) -> bool:
    """Can anyone at the employer confirm in the portal (an active employer user)?"""
    return EmployerMembership.objects.filter(employer_id=employer_id, user__is_active=True).exists()


@transaction.atomic
def followup_request_confirmation(*, followup: FollowUp, by: User) -> FollowUp:
    """Ask the employer's supervisor to confirm the follow-up; the employer portal then lists it
    with a confirm button. Refused when the employer has no portal user: the request would wait
    for ever."""
    followup = (
        FollowUp.objects.select_for_update()
        .select_related("placement__participant", "placement__task_profile__employer")
        .get(pk=followup.pk)
    )
    ensure_can_edit(by, followup.placement.participant)
    if not rules.followup_allows(followup, "request_confirmation"):
        raise InvalidTransition(
            _("This follow-up is already confirmed, already asked for, or no longer planned.")
        )
    employer = followup.placement.task_profile.employer
    if not employer_has_portal_user(employer.pk):
        raise NoPortalUser(
            _(
                "%(e)s has no user in the employer portal, so nobody there can confirm. Ask the "
                "coordinator to invite the supervisor, or note the confirmation in the follow-up."
            )
            % {"e": employer.name}
        )
    followup.confirmation_requested_at, followup.confirmation_requested_by = timezone.now(), by
    followup.save(update_fields=["confirmation_requested_at", "confirmation_requested_by"])
    return followup


@transaction.atomic
def followup_confirm_by_employer(*, followup: FollowUp, by: User) -> FollowUp:
    """The employer's supervisor confirms a follow-up (date and that it takes/took place)."""
    followup = (
        FollowUp.objects.select_for_update()
        .select_related("placement__task_profile")
        .get(pk=followup.pk)
    )
    if (
        role_of(by) != Role.EMPLOYER
        or not EmployerMembership.objects.filter(
            user=by, employer_id=followup.placement.task_profile.employer_id
        ).exists()
    ):
        raise Forbidden(_("Only the employer's own users can confirm."))
    if followup.confirmed_at is not None:
        raise InvalidTransition(_("Already confirmed."))
    if not rules.followup_allows(followup, "confirm"):
        raise InvalidTransition(_("This follow-up was rescheduled or cancelled."))
    followup.confirmed_by, followup.confirmed_at = by, timezone.now()
    followup.save(update_fields=["confirmed_by", "confirmed_at"])
    return followup


def send_followup_reminders(*, today: dt.date | None = None) -> int:
    """E-mail each guide their follow-ups due today and overdue; at most once a day per follow-up."""
    today = today or timezone.localdate()
    due = (
        FollowUp.objects.filter(
            status=FollowUpStatus.PLANNED,
            planned_on__lte=today,
            placement__status__in=[PlacementStatus.AGREED, PlacementStatus.ONGOING],
        )
        .exclude(reminders__sent_on=today)
        .exclude(placement__imported=True)  # imported history is never reminded
        .select_related(
            "placement__guide", "placement__participant", "placement__task_profile__employer"
        )
        .order_by("planned_on", "pk")
    )
    by_guide: dict[User, list[FollowUp]] = defaultdict(list)
    for followup in due:
        if followup.placement.guide.email:
            by_guide[followup.placement.guide].append(followup)
    sent = 0
    for guide, followups in by_guide.items():
        lines = [
            f"- {f.planned_on:%Y-%m-%d} {'(' + _('overdue') + ') ' if f.planned_on < today else ''}{f.placement.participant.code}, "
            f"{f.placement.task_profile.employer.name}: {f.placement.task_profile.title}"
            for f in followups
        ]
        with transaction.atomic():
            created = [ReminderSent(followup=f, sent_on=today, to=guide.email) for f in followups]
            ReminderSent.objects.bulk_create(created, ignore_conflicts=True)
            send_mail(
                subject=_("Brygga: %(n)s follow-ups to do") % {"n": len(followups)},
                message=_("Follow-ups due today or overdue:") + "\n" + "\n".join(lines) + "\n",
                from_email=None,
                recipient_list=[guide.email],
            )
        sent += 1
    return sent


def agreed_adaptations_from_codes(codes) -> list[Adaptation]:
    return list(Adaptation.objects.filter(code__in=codes))


# --- ESF+ six months after exit -----------------------------------------------------------------


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
