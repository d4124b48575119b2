"""The placement page: the placement, every step it can take now (asked of ``placements.rules``,
the table the services enforce), the history with who and when, and its follow-ups. Employer users
see their own placements only, and the participant only as far as consent goes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.choices import Role
from core.roles import role_of
from matching.choices import Phase
from matching.participants.services.audit import audit_participant_read
from matching.participants.services.participants import can_edit
from placements import rules
from placements.choices import (
    FollowUpStatus,
    PlacementPhase,
    PlacementStatus,
    WithdrawReason,
)
from placements.models import Exit, FollowUp, Placement
from placements.selectors import exit_context
from placements.services.exits import participant_exit
from placements.services.followups import (
    employer_has_portal_user,
    followup_create,
    followup_record,
    followup_request_confirmation,
    followup_reschedule,
)
from placements.services.phases import (
    placement_hire,
    placement_to_employment,
    practice_evaluate,
    practice_extend,
)
from placements.services.placements import (
    placement_agree,
    placement_end,
    placement_start,
    placement_withdraw,
)
from placements.visibility import employer_followup_view, employer_may_see_plan, employer_view
from portal import placement_forms as f
from portal.access import STAFF, role_required
from portal.views.common import run_service


@dataclass(frozen=True)
class Step:
    """One button on the placement page: its form, the service it calls and how to call it."""

    label: Any
    form: type
    call: Any
    button: Any
    help: Any = ""


STEPS: dict[str, Step] = {
    "agree": Step(
        gettext_lazy("Agree (takes a slot)"),
        f.AgreeForm,
        lambda p, by, d: placement_agree(placement=p, by=by),
        gettext_lazy("Agree"),
        gettext_lazy("The employer and the participant have agreed; one slot is taken."),
    ),
    "withdraw": Step(
        gettext_lazy("Withdraw the proposal"),
        f.WithdrawForm,
        lambda p, by, d: placement_withdraw(placement=p, by=by, **d),
        gettext_lazy("Withdraw proposal"),
    ),
    "start": Step(
        gettext_lazy("Start the placement"),
        f.StartForm,
        lambda p, by, d: placement_start(placement=p, by=by, **d),
        gettext_lazy("Start the placement"),
        gettext_lazy("Follow-ups are planned from the start date."),
    ),
    "evaluate": Step(
        gettext_lazy("Practice evaluation"),
        f.EvaluateForm,
        lambda p, by, d: practice_evaluate(placement=p, by=by, **d),
        gettext_lazy("Save the evaluation"),
    ),
    "extend": Step(
        gettext_lazy("Extend the practice"),
        f.ExtendForm,
        lambda p, by, d: practice_extend(placement=p, by=by, **d),
        gettext_lazy("Extend"),
    ),
    "to_employment": Step(
        gettext_lazy("Employment (få)"),
        f.EmploymentForm,
        lambda p, by, d: placement_to_employment(placement=p, by=by, **d),
        gettext_lazy("Make it an employment"),
        gettext_lazy("The practice becomes an adapted job at the same employer."),
    ),
    "hire": Step(
        gettext_lazy("Hire (behålla)"),
        f.HireForm,
        lambda p, by, d: placement_hire(placement=p, by=by, **d),
        gettext_lazy("Record the hiring"),
        gettext_lazy("Follow-ups continue until three months after hiring."),
    ),
    "end": Step(
        gettext_lazy("End the placement"),
        f.EndForm,
        lambda p, by, d: placement_end(placement=p, by=by, **d),
        gettext_lazy("End"),
        gettext_lazy(
            "An employment that ends within three months of hiring sends the participant back to "
            "matching (finna)."
        ),
    ),
    "exit": Step(
        gettext_lazy("Exit from the programme"),
        f.ExitForm,
        lambda p, by, d: participant_exit(participant=p.participant, by=by, **d),
        gettext_lazy("Record the exit"),
        gettext_lazy("The participant leaves the programme; open placements end."),
    ),
}


def _steps_for(placement: Placement, user) -> list[str]:
    if not can_edit(user, placement.participant):
        return []
    names = rules.allowed_actions(placement)
    if placement.participant.phase != Phase.EXITED:
        names.append("exit")
    return names


def _subject(placement: Placement, name: str):
    """What a step's date rules are about: the participant's placements for the exit, else the
    placement itself."""
    return exit_context(placement.participant) if name == "exit" else placement


# The date each step's form suggests: today moved into what ``rules.DATE_RULES`` allows, so the
# page never suggests a date the service would refuse (e.g. a hiring before the start).
DATE_FIELDS = {
    "start": "started_on",
    "evaluate": "evaluated_on",
    "extend": "new_end",
    "hire": "hired_on",
    "end": "ended_on",
    "exit": "exited_on",
}


def _initial(placement: Placement, name: str, subject=None) -> dict:
    if name in DATE_FIELDS:
        field = DATE_FIELDS[name]
        subject = subject if subject is not None else _subject(placement, name)
        return {field: rules.default_date(name, field, subject)}
    if name == "to_employment":
        return {"hours_per_week": placement.hours_per_week, "subsidy_type": placement.subsidy_type}
    return {}


def _placement(request, pk) -> Placement:
    return get_object_or_404(
        Placement.objects.visible_to(request.user).select_related(
            "participant__guide", "task_profile__employer", "task_profile__site", "supervisor"
        ),
        pk=pk,
    )


def _who(user) -> str:
    return (user.get_full_name() or user.username) if user else _("the system")


def _transition_text(t, placement: Placement) -> str:
    if not t.from_status:
        return _("Proposed")
    if t.to_status != t.from_status:
        if t.to_status == PlacementStatus.AGREED:
            return _("Agreed (slot taken)")
        if t.to_status == PlacementStatus.ONGOING:
            return _("Started")
        if t.to_status == PlacementStatus.ENDED and t.from_status == PlacementStatus.PROPOSED:
            reason = placement.withdraw_reason
            label = WithdrawReason(reason).label if reason in WithdrawReason.values else ""
            return _("Proposal withdrawn: %(r)s") % {"r": label} if label else _("Withdrawn")
        if t.to_status == PlacementStatus.ENDED:
            return _("Ended")
    if t.to_phase != t.from_phase:
        if t.to_phase == PlacementPhase.FA:
            return _("Employment: phase få")
        if t.to_phase == PlacementPhase.BEHALLA:
            return _("Hired: phase behålla")
    return _("Changed")


def _history(
    placement: Placement, *, followups: list, evaluations: list, extensions: list, exits: list
) -> list[dict]:
    """Every step with who and when, oldest first. The related rows come fetched once for the
    whole page (issue 22)."""
    tz = timezone.get_current_timezone()
    events = [
        {
            "at": t.at,
            "what": _transition_text(t, placement),
            "by": _who(t.by),
            "detail": t.reason,
        }
        for t in placement.transitions.select_related("by")
    ]
    for e in evaluations:
        events.append(
            {
                "at": timezone.make_aware(dt.datetime.combine(e.evaluated_on, dt.time(12)), tz),
                "what": _("Practice evaluation (%(n)s of 5)") % {"n": e.rating},
                "by": _who(e.by),
                "detail": e.progress,
            }
        )
    for x in extensions:
        events.append(
            {
                "at": x.at,
                "what": _("Extended to %(d)s") % {"d": x.new_end.strftime("%Y-%m-%d")},
                "by": _who(x.by),
                "detail": x.reason,
            }
        )
    for fu in followups:
        if fu.status == FollowUpStatus.RESCHEDULED and fu.rescheduled_at:
            events.append(
                {
                    "at": fu.rescheduled_at,
                    "what": _("Follow-up of %(d)s moved")
                    % {"d": fu.planned_on.strftime("%Y-%m-%d")},
                    "by": _who(fu.rescheduled_by),
                    "detail": fu.reschedule_reason,
                }
            )
        if fu.status == FollowUpStatus.DONE:
            events.append(
                {
                    "at": timezone.make_aware(dt.datetime.combine(fu.done_on, dt.time(12)), tz),
                    "what": _("Follow-up done (planned %(d)s)")
                    % {"d": fu.planned_on.strftime("%Y-%m-%d")},
                    "by": _who(fu.done_by),
                    "detail": fu.notes,
                }
            )
        if fu.confirmation_requested_at is not None:
            events.append(
                {
                    "at": fu.confirmation_requested_at,
                    "what": _("The supervisor was asked to confirm the follow-up of %(d)s")
                    % {"d": fu.planned_on.strftime("%Y-%m-%d")},
                    "by": _who(fu.confirmation_requested_by),
                    "detail": "",
                }
            )
        if fu.confirmed_at is not None:
            events.append(
                {
                    "at": fu.confirmed_at,
                    "what": _("Follow-up of %(d)s confirmed by the employer")
                    % {"d": fu.planned_on.strftime("%Y-%m-%d")},
                    "by": _who(fu.confirmed_by),
                    "detail": "",
                }
            )
    for ex in exits:
        if ex.placement_id == placement.pk:
            events.append(
                {
                    "at": ex.recorded_at,
                    "what": _("Exit from the programme: %(o)s") % {"o": ex.get_outcome_display()},
                    "by": _who(ex.by),
                    "detail": ex.note,
                }
            )
    return sorted(events, key=lambda e: e["at"])


def _render_staff(
    request,
    placement: Placement,
    bound: dict | None = None,
    status: int = 200,
    followup_form=None,
):
    bound = bound or {}
    names = _steps_for(placement, request.user)
    subjects = {name: _subject(placement, name) for name in {"exit"} & set(names)}
    steps = [
        {
            "name": name,
            "step": STEPS[name],
            "form": bound.get(name)
            or STEPS[name].form(
                prefix=name,
                initial=_initial(placement, name, subjects.get(name)),
                subject=subjects.get(name, placement),
            ),
            "open": name in bound,
        }
        for name in names
    ]
    # Each kind of related row once for the whole page (issue 22): the lists, the history.
    followups = list(
        placement.followups.select_related(
            "done_by", "confirmed_by", "rescheduled_by", "confirmation_requested_by"
        ).order_by("planned_on", "pk")
    )
    evaluations = list(placement.evaluations.select_related("by"))
    extensions = list(placement.extensions.select_related("by"))
    exits = list(Exit.objects.filter(participant=placement.participant).select_related("by"))
    editable = can_edit(request.user, placement.participant)
    confirmable = employer_has_portal_user(placement.task_profile.employer_id)
    # A step that is not (or no longer) possible has no form on the page: show why it was refused.
    refused = [
        str(msg)
        for name, form in bound.items()
        if name not in names
        for msgs in form.errors.values()
        for msg in msgs
    ]
    context = {
        "pl": placement,
        "p": placement.participant,
        "steps": steps,
        "refused": refused,
        "can_edit": editable,
        "employer_can_confirm": confirmable,
        "history": _history(
            placement,
            followups=followups,
            evaluations=evaluations,
            extensions=extensions,
            exits=exits,
        ),
        "planned": [
            {
                "f": fu,
                "record": editable and rules.followup_allows(fu, "record"),
                "reschedule": editable and rules.followup_allows(fu, "reschedule"),
                "ask": editable and rules.followup_allows(fu, "request_confirmation"),
            }
            for fu in followups
            if fu.status == FollowUpStatus.PLANNED
        ],
        "done": [fu for fu in followups if fu.status == FollowUpStatus.DONE],
        "followup_form": (
            followup_form
            or f.FollowUpCreateForm(
                prefix="followup",
                initial={
                    "planned_on": rules.default_date("followup_plan", "planned_on", placement)
                },
            )
        )
        if editable and placement.status != PlacementStatus.ENDED
        else None,
        "moved": [fu for fu in followups if fu.status == FollowUpStatus.RESCHEDULED],
        "exit": exits[0] if exits else None,
        "free_slots": placement.task_profile.slots_total - placement.task_profile.slots_taken,
        "adaptations": placement.agreed_adaptations.all(),
        "evaluations": evaluations,
        "extensions": extensions,
    }
    return render(request, "portal/placement/detail.html", context, status=status)


def _render_employer(request, placement: Placement):
    followups = placement.followups.filter(
        status__in=[FollowUpStatus.PLANNED, FollowUpStatus.DONE]
    ).order_by("planned_on", "pk")
    plan = employer_may_see_plan(placement)
    context = {
        "pl": placement,
        "person": employer_view(placement),
        "plan": plan,
        "adaptations": placement.agreed_adaptations.all(),
        "followups": [
            {
                "f": fu,
                "confirm": rules.followup_allows(fu, "confirm"),
                "content": employer_followup_view(fu, plan=plan),
            }
            for fu in followups
        ],
    }
    return render(request, "portal/placement/employer_detail.html", context)


@role_required(*STAFF, Role.EMPLOYER)
def placement_detail(request, pk):
    placement = _placement(request, pk)
    if role_of(request.user) == Role.EMPLOYER:
        return _render_employer(request, placement)
    audit_participant_read(
        participant=placement.participant, user=request.user, request=request, what="placement"
    )
    return _render_staff(request, placement)


@require_POST
@role_required(Role.GUIDE, Role.ADMIN)
def placement_step(request, pk, step):
    """Run one step (agree, start, …) through its service; a refusal re-shows the page with the
    error next to the step's fields."""
    placement = _placement(request, pk)
    if step not in STEPS:
        raise Http404
    if not can_edit(request.user, placement.participant):
        return render(request, "403.html", status=403)
    form = STEPS[step].form(request.POST, prefix=step, subject=_subject(placement, step))
    if form.is_valid():
        done = run_service(
            request,
            form,
            lambda **kw: STEPS[step].call(placement, request.user, form.cleaned_data) or True,
        )
        if done:
            messages.success(request, _("Saved: %(s)s.") % {"s": STEPS[step].label})
            return redirect("portal:placement_detail", pk=placement.pk)
    placement.refresh_from_db()
    return _render_staff(request, placement, bound={step: form}, status=400)


# --- follow-ups ----------------------------------------------------------------------------------


def _followup(request, pk) -> FollowUp:
    return get_object_or_404(
        FollowUp.objects.visible_to(request.user).select_related(
            "placement__participant", "placement__task_profile__employer"
        ),
        pk=pk,
    )


@role_required(Role.GUIDE, Role.ADMIN)
def followup_record_view(request, pk):
    followup = _followup(request, pk)
    if not can_edit(request.user, followup.placement.participant):
        return render(request, "403.html", status=403)
    form = f.FollowUpRecordForm(
        request.POST or None,
        initial={
            "done_on": rules.default_date("followup_record", "done_on", followup.placement),
            "with_whom": followup.with_whom,
        },
        subject=followup.placement,
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            form,
            followup_record,
            followup=followup,
            by=request.user,
            **form.cleaned_data,
        )
    ):
        messages.success(request, _("The follow-up was recorded."))
        return redirect("portal:placement_detail", pk=followup.placement_id)
    return render(
        request,
        "portal/guide/followup_record.html",
        {"form": form, "f": followup, "scale": f.RATING_SCALE, "scale_help": f.RATING_HELP},
        status=400 if form.errors else 200,
    )


@role_required(Role.GUIDE, Role.ADMIN)
def followup_reschedule_view(request, pk):
    followup = _followup(request, pk)
    if not can_edit(request.user, followup.placement.participant):
        return render(request, "403.html", status=403)
    form = f.FollowUpRescheduleForm(request.POST or None, subject=followup.placement)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            form,
            followup_reschedule,
            followup=followup,
            by=request.user,
            **form.cleaned_data,
        )
    ):
        messages.success(request, _("The follow-up was moved."))
        return redirect("portal:placement_detail", pk=followup.placement_id)
    return render(
        request,
        "portal/guide/followup_reschedule.html",
        {"form": form, "f": followup},
        status=400 if form.errors else 200,
    )


@require_POST
@role_required(Role.GUIDE, Role.ADMIN)
def followup_create_view(request, pk):
    """Plan one more follow-up than the schedule gave (from the placement page)."""
    placement = _placement(request, pk)
    if not can_edit(request.user, placement.participant):
        return render(request, "403.html", status=403)
    form = f.FollowUpCreateForm(request.POST, prefix="followup", subject=placement)
    if form.is_valid() and run_service(
        request,
        form,
        followup_create,
        placement=placement,
        by=request.user,
        **form.cleaned_data,
    ):
        messages.success(request, _("The follow-up was planned."))
        return redirect("portal:placement_detail", pk=placement.pk)
    return _render_staff(request, placement, followup_form=form, status=400)


@require_POST
@role_required(Role.GUIDE, Role.ADMIN)
def followup_request_confirmation_view(request, pk):
    followup = _followup(request, pk)
    if not can_edit(request.user, followup.placement.participant):
        return render(request, "403.html", status=403)
    if run_service(
        request,
        None,
        followup_request_confirmation,
        followup=followup,
        by=request.user,
    ):
        messages.success(request, _("The employer is asked to confirm the follow-up."))
    return redirect("portal:placement_detail", pk=followup.placement_id)
