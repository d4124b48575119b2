"""The manager's "Lärda vikter" page (issue 25): run a fit, see the proposal beside today's weights
with its figures and fairness report, accept or reject it, roll back the last accepted one."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.choices import Role
from matching.engine import COMPONENTS
from matching.models import MatchWeights, MatchWeightsVersion, ProposalStatus, WeightProposal
from matching.services.learning import (
    current_weights,
    match_weights_rollback,
    weight_proposal_accept,
    weight_proposal_reject,
)
from placements.api.learning import proposals_for
from placements.learning import weight_proposal_create
from portal.access import role_required
from portal.views.common import run_service

REASONS = {
    "too_little_data": gettext_lazy(
        "Too few placements with a known outcome (or too few of one kind) to learn from."
    ),
    "no_better_than_today": gettext_lazy(
        "On the later period the fitted weights do not rank better than today's."
    ),
    "not_significant": gettext_lazy(
        "The outcomes do not differ enough from what today's weights already explain."
    ),
    "no_signal": gettext_lazy("No component is linked to placements that last."),
}
GROUPS = {
    "gender": gettext_lazy("Gap between women and men"),
    "18-24": gettext_lazy("Aged 18–24"),
    "25-29": gettext_lazy("Aged 25–29"),
    "30-49": gettext_lazy("Aged 30–49"),
    "50+": gettext_lazy("Aged 50 or over"),
}


def _label(name: str) -> str:
    return str(MatchWeights._meta.get_field(name).verbose_name).capitalize()


def _rows(proposal: WeightProposal | None, today: dict[str, float]) -> list[dict]:
    total = sum(today.values()) or 1.0
    rows = []
    for name in COMPONENTS:
        rows.append(
            {
                "label": _label(name),
                "today": 100.0 * today[name] / total,
                "proposed": 100.0 * proposal.proposed[name]
                if proposal and proposal.proposed
                else None,
            }
        )
    return rows


@role_required(Role.MANAGER, Role.ADMIN)
def learned_weights(request):
    unit = request.user.unit
    proposals = list(
        proposals_for(request.user).filter(unit=unit).select_related("created_by")[:10]
    )
    latest = proposals[0] if proposals else None
    fairness = latest.fairness if latest else {}
    age_rows = []
    if fairness:
        for key, label in GROUPS.items():
            if key != "gender":
                age_rows.append(
                    {
                        "label": label,
                        "before": fairness["before"]["ages"][key],
                        "after": fairness["after"]["ages"][key],
                    }
                )
    context = {
        "latest": latest,
        "proposals": proposals,
        "rows": _rows(latest, current_weights(unit)),
        "reasons": [REASONS.get(code, code) for code in (latest.reasons if latest else [])],
        "fairness": fairness,
        "age_rows": age_rows,
        "flags": [
            {**flag, "label": GROUPS.get(flag["group"], flag["group"])}
            for flag in fairness.get("flags", [])
        ],
        "can_rollback": WeightProposal.objects.filter(
            unit=unit, status=ProposalStatus.ACCEPTED
        ).exists(),
        "versions": MatchWeightsVersion.objects.filter(unit=unit)
        .select_related("by")
        .order_by("-number")[:10],
    }
    return render(request, "portal/manager/learned_weights.html", context)


@require_POST
@role_required(Role.MANAGER, Role.ADMIN)
def learned_weights_fit(request):
    done = run_service(
        request, None, weight_proposal_create, by=request.user, unit=request.user.unit
    )
    if done is not None:
        messages.success(request, _("The weights were fitted to the unit's outcomes."))
    return redirect("portal:learned_weights")


@require_POST
@role_required(Role.MANAGER, Role.ADMIN)
def learned_weights_accept(request, pk: int):
    proposal = get_object_or_404(proposals_for(request.user), pk=pk)
    if run_service(request, None, weight_proposal_accept, by=request.user, proposal=proposal):
        messages.success(request, _("The proposed weights are now the unit's weights."))
    return redirect("portal:learned_weights")


@require_POST
@role_required(Role.MANAGER, Role.ADMIN)
def learned_weights_reject(request, pk: int):
    proposal = get_object_or_404(proposals_for(request.user), pk=pk)
    if run_service(request, None, weight_proposal_reject, by=request.user, proposal=proposal):
        messages.success(request, _("The proposal was rejected; the weights are unchanged."))
    return redirect("portal:learned_weights")


@require_POST
@role_required(Role.MANAGER, Role.ADMIN)
def learned_weights_rollback(request):
    if run_service(request, None, match_weights_rollback, by=request.user, unit=request.user.unit):
        messages.success(request, _("The weights were rolled back to the previous version."))
    return redirect("portal:learned_weights")
