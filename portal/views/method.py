"""Method pages (issue 15): Supported Employment fidelity, the SUS list and participant
progression. Figures come from ``placements.fidelity``, ``placements.sus`` and
``matching.progression``; writes go through their services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import Role
from core.models import Unit, User
from core.roles import role_of
from matching.choices import ConsentScope
from matching.models import Participant
from matching.services.audit import client_address
from matching.services.participants import SUS_FIELDS, can_edit, participant_update
from placements import fidelity as fd
from placements import statistics as st
from placements import sus
from placements.api.method import fidelity_export_response
from portal.access import STAFF, role_required
from portal.method_forms import SusFieldsForm
from portal.views.common import run_service


def _fidelity_context(request, scope, errors) -> dict:
    role = role_of(request.user)
    guides = User.objects.none()
    if role in (Role.MANAGER, Role.ADMIN):
        guides = User.objects.filter(groups__name=Role.GUIDE, is_active=True)
        if role != Role.ADMIN:
            guides = guides.filter(unit_id=request.user.unit_id)
    return {
        "scope": scope,
        "errors": errors,
        "values": request.GET,
        "guides": guides.order_by("first_name", "last_name"),
        "units": Unit.objects.all() if role == Role.ADMIN else Unit.objects.none(),
        "review_items": fd.REVIEW_ITEMS,
        "items": fd.ITEMS,
    }


@role_required(*fd.FIDELITY_ROLES)
def fidelity(request):
    scope, errors = fd.parse_fidelity_filters(request.user, request.GET)
    context = _fidelity_context(request, scope, errors)
    if scope is not None:
        history = fd.trend(scope)
        report = history[-1]
        context.update(
            report=report,
            parts=[report.unit, *([] if scope.guide_id else report.guides)],
            trend=[
                (fd.ITEM_LABELS[k], [(h.scope.quarter, h.unit.items[k].score) for h in history])
                for k in fd.ITEMS
            ],
            quarters=[h.scope.quarter for h in history],
            query=request.GET.urlencode(),
        )
    return render(request, "portal/method/fidelity.html", context, status=400 if errors else 200)


@role_required(*fd.FIDELITY_ROLES)
def fidelity_export(request, kind):
    if kind not in ("csv", "xlsx"):
        raise Http404
    scope, errors = fd.parse_fidelity_filters(request.user, request.GET)
    if errors:
        context = _fidelity_context(request, scope, errors)
        return render(request, "portal/method/fidelity.html", context, status=400)
    return fidelity_export_response(scope, kind)


# --- SUS ----------------------------------------------------------------------------------------


def _month(raw: str):
    try:
        year, month = raw.split("-")
        return dt.date(int(year), int(month), 1)
    except ValueError:
        return None


@role_required(*sus.SUS_ROLES)
def sus_list(request):
    """The month's SUS list (viewing is audit-logged like a download)."""
    raw = (
        request.GET.get("month")
        or f"{st.add_months(timezone.localdate().replace(day=1), -1):%Y-%m}"
    )
    month = _month(raw)
    if month is None:
        return render(
            request,
            "portal/method/sus.html",
            {"error": _("Enter a month as YYYY-MM."), "month": raw},
            status=400,
        )
    rows = sus.sus_view(by=request.user, month=month, remote_addr=client_address(request))
    return render(
        request,
        "portal/method/sus.html",
        {"rows": rows, "columns": sus.columns(), "month": f"{month:%Y-%m}"},
    )


@role_required(*sus.SUS_ROLES)
def sus_download(request, kind):
    month = _month(request.GET.get("month", ""))
    if kind not in ("csv", "xlsx"):
        raise Http404
    if month is None:
        return render(
            request,
            "portal/method/sus.html",
            {"error": _("Enter a month as YYYY-MM."), "month": request.GET.get("month", "")},
            status=400,
        )
    body = sus.sus_export(
        by=request.user, month=month, kind=kind, remote_addr=client_address(request)
    )
    response = HttpResponse(body, content_type=SUS_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="sus-{month:%Y-%m}.{kind}"'
    return response


SUS_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@role_required(*STAFF)
def participant_sus(request, pk):
    """The participant's SUS fields: the assigned guide and admins change them (the service
    decides); other staff of the unit read them."""
    participant = get_object_or_404(Participant.objects.visible_to(request.user), pk=pk)
    editable = can_edit(request.user, participant)
    initial = {f: getattr(participant, f) for f in SUS_FIELDS}
    form = SusFieldsForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid() and run_service(
            request,
            form,
            participant_update,
            participant=participant,
            by=request.user,
            **form.cleaned_data,
        ):
            messages.success(request, _("The SUS details were saved."))
            return redirect("portal:participant_detail", pk=participant.pk)
    consents = [c for c in participant.consents.all() if ConsentScope.SUS in c.scopes]
    return render(
        request,
        "portal/method/participant_sus.html",
        {
            "participant": participant,
            "form": form,
            "editable": editable,
            "sus_consents": consents,
        },
        status=400 if form.errors else 200,
    )
