"""Method pages (issue 15): Supported Employment fidelity, the SUS list and participant
progression. Figures come from ``placements.fidelity``, ``placements.sus`` and
``matching.progression``; writes go through their services."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from core.choices import Role
from core.models import Unit, User
from core.roles import role_of
from placements import fidelity as fd
from placements.api.method import fidelity_export_response
from portal.access import role_required


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
