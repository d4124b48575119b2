"""The coordinator's "Vem kontaktar jag nu?" (Whom to approach next, issue 25): the week's ranked
list of employers with reasons, one click to log a call, one to add an employer from the ads; and
the upload of historical job ads (the hiring signal) with a dry-run summary."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.choices import Role
from core.roles import role_of
from employers.models import Employer
from employers.services.hiring import historical_ads_import
from placements.outreach.scoring import COMPONENTS
from placements.outreach.services import (
    outreach_call_log,
    outreach_employer_add,
    outreach_list_show,
)
from portal.access import role_required
from portal.outreach_forms import AddToRegisterForm, HistoricalAdsForm, LogCallForm
from portal.views.common import run_service

COMPONENT_LABELS = {
    "demand": gettext_lazy("Demand from waiting participants"),
    "hiring": gettext_lazy("Hiring signal (job ads)"),
    "history": gettext_lazy("Earlier placements with the unit"),
    "not_recent": gettext_lazy("Time since the last contact"),
    "not_in_play": gettext_lazy("Not already in play"),
}


@role_required(Role.COORDINATOR, Role.MANAGER, Role.ADMIN)
def outreach_list(request):
    listing = run_service(request, None, outreach_list_show, by=request.user)
    weights = []
    if listing is not None:
        weights = [
            {"label": COMPONENT_LABELS[k], "share": 100.0 * listing.weights.weights[k]}
            for k in COMPONENTS
        ]
    return render(
        request,
        "portal/coordinator/outreach.html",
        {
            "listing": listing,
            "weights": weights,
            "components": [COMPONENT_LABELS[k] for k in COMPONENTS],
            "can_act": role_of(request.user) in (Role.COORDINATOR, Role.ADMIN),
        },
    )


@require_POST
@role_required(Role.COORDINATOR, Role.ADMIN)
def outreach_log_call(request, pk: int):
    employer = get_object_or_404(Employer.objects.visible_to(request.user), pk=pk)
    form = LogCallForm(request.POST)
    notes = form.cleaned_data.get("notes", "") if form.is_valid() else ""
    if run_service(
        request, None, outreach_call_log, by=request.user, employer=employer, notes=notes
    ):
        messages.success(
            request, _("The call to %(name)s is in the contact log.") % {"name": employer.name}
        )
    return redirect("portal:outreach")


@require_POST
@role_required(Role.COORDINATOR, Role.ADMIN)
def outreach_add_to_register(request):
    form = AddToRegisterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the organisation number."))
        return redirect("portal:outreach")
    employer = run_service(
        request, None, outreach_employer_add, by=request.user, orgnr=form.cleaned_data["orgnr"]
    )
    if employer is not None:
        messages.success(
            request, _("%(name)s was added to the register.") % {"name": employer.name}
        )
    return redirect("portal:outreach")


@role_required(Role.COORDINATOR, Role.ADMIN)
def historical_ads_upload(request):
    form = HistoricalAdsForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        result = run_service(
            request,
            form,
            historical_ads_import,
            by=request.user,
            content=form.cleaned_data["file"].read(),
            dry_run=form.cleaned_data["dry_run"],
        )
        if result is not None:
            report = result.as_dict()
            if not result.file_errors and not result.dry_run:
                messages.success(
                    request,
                    _("%(n)s job ads were imported.") % {"n": result.created},
                )
    return render(
        request, "portal/coordinator/historical_ads.html", {"form": form, "report": report}
    )
