"""The guide's decisions on matches and phase changes, and the administrators' matching weights,
on the same services as the API (matching.services.decisions / participants / weights)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.choices import Role
from employers.models import TaskProfile
from matching.models import DecisionKind, MatchWeights, Participant
from matching.participants.services.participants import (
    PHASE_TRANSITIONS,
    can_edit,
    participant_set_phase,
)
from matching.services.decisions import decision_record
from matching.services.weights import FIELDS as WEIGHT_FIELDS
from matching.services.weights import weights_update
from portal.access import STAFF, role_required
from portal.matching_forms import DeclineForm, PhaseForm, WeightsForm
from portal.views.common import run_service


def _editable_participant(request, pk) -> Participant:
    participant = get_object_or_404(Participant.objects.visible_to(request.user), pk=pk)
    if not can_edit(request.user, participant):
        raise PermissionDenied
    return participant


@role_required(*STAFF)
@require_POST
def match_decline(request, pk):
    """ "Not suitable", with a structured reason: kept with the score it had."""
    participant = _editable_participant(request, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        profile = get_object_or_404(
            TaskProfile.objects.visible_to(request.user), pk=form.cleaned_data["task_profile"]
        )
        done = run_service(
            request,
            None,
            decision_record,
            participant=participant,
            task_profile=profile,
            decision=DecisionKind.NOT_SUITABLE,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
        if done is not None:
            messages.success(
                request, _("“%(t)s” was marked as not suitable.") % {"t": profile.title}
            )
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
    return redirect(reverse("portal:participant_detail", args=[participant.pk]) + "#matches")


@role_required(*STAFF)
def participant_phase(request, pk):
    participant = _editable_participant(request, pk)
    allowed = PHASE_TRANSITIONS.get(participant.phase, set())
    form = PhaseForm(request.POST or None, allowed=allowed)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            form,
            participant_set_phase,
            participant=participant,
            phase=form.cleaned_data["phase"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
        if done is not None:
            messages.success(request, _("The phase was changed."))
            return redirect("portal:participant_detail", pk=participant.pk)
    return render(request, "portal/guide/participant_phase.html", {"p": participant, "form": form})


@role_required(Role.ADMIN)
def match_weights(request):
    row = MatchWeights.objects.filter(unit_id=request.user.unit_id).first() or MatchWeights(
        unit_id=request.user.unit_id
    )
    initial = {name: getattr(row, name) for name in WEIGHT_FIELDS}
    form = WeightsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            form,
            weights_update,
            unit=request.user.unit,
            by=request.user,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(request, _("The matching weights were saved."))
            return redirect("portal:match_weights")
    return render(request, "portal/admin/match_weights.html", {"form": form, "row": row})
