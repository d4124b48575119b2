"""Regions and units (administrators; regional administrators for their region's units), and the
relation summary of a shared employer that every unit of the region sees."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import services as core_services
from core.choices import Role
from core.roles import role_of
from employers.models import Employer
from employers.selectors import relation_summary
from portal.access import STAFF, role_required
from portal.region_forms import RegionForm, UnitForm
from portal.views.common import run_service

REGION_READERS = (*STAFF, Role.REGIONAL_ADMIN)
UNIT_WRITERS = (Role.ADMIN, Role.REGIONAL_ADMIN)


@role_required(*REGION_READERS)
def region_list(request):
    regions = core_services.regions_visible_to(request.user).prefetch_related(
        "units__municipalities"
    )
    role = role_of(request.user)
    return render(
        request,
        "portal/regions/region_list.html",
        {
            "regions": regions,
            "can_edit_regions": role == Role.ADMIN,
            "can_edit_units": role in UNIT_WRITERS,
        },
    )


@role_required(Role.ADMIN)
def region_form(request, pk=None):
    region = (
        get_object_or_404(core_services.regions_visible_to(request.user), pk=pk) if pk else None
    )
    initial = {"name": region.name, "county": region.county_id} if region else None
    form = RegionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if region is None:
            saved = run_service(
                request, form, core_services.region_create, by=request.user, **form.cleaned_data
            )
        else:
            saved = run_service(
                request,
                form,
                core_services.region_update,
                region=region,
                by=request.user,
                **form.cleaned_data,
            )
        if saved is not None:
            messages.success(request, _("The region was saved."))
            return redirect("portal:regions")
    return render(request, "portal/regions/form.html", {"form": form, "object": region})


@role_required(*UNIT_WRITERS)
def unit_form(request, pk=None):
    units = core_services.units_visible_to(request.user)
    unit = get_object_or_404(units, pk=pk) if pk else None
    initial = None
    if unit is not None:
        initial = {
            "name": unit.name,
            "region": unit.region_id,
            "municipalities": list(unit.municipalities.values_list("pk", flat=True)),
            "email": unit.email,
            "phone": unit.phone,
            "address": unit.address,
        }
    form = UnitForm(
        request.POST or None,
        initial=initial,
        regions=core_services.regions_visible_to(request.user),
    )
    if request.method == "POST" and form.is_valid():
        if unit is None:
            saved = run_service(
                request, form, core_services.unit_create, by=request.user, **form.cleaned_data
            )
        else:
            saved = run_service(
                request,
                form,
                core_services.unit_update,
                unit=unit,
                by=request.user,
                **form.cleaned_data,
            )
        if saved is not None:
            messages.success(request, _("The unit was saved."))
            return redirect("portal:regions")
    return render(request, "portal/regions/form.html", {"form": form, "object": unit})


@role_required(*REGION_READERS)
def employer_relation(request, pk):
    """The relation summary: lead, last contact by unit and date, open profiles and open
    placements by unit — counts, never participants or the other units' log entries."""
    employer = get_object_or_404(
        Employer.objects.visible_to(request.user).select_related("unit", "owner"), pk=pk
    )
    summary = relation_summary(employer)
    return render(
        request,
        "portal/regions/employer_relation.html",
        {
            "employer": employer,
            "summary": summary,
            "others": summary.others(request.user.unit_id),
        },
    )


@role_required(Role.COORDINATOR, Role.GUIDE, Role.MANAGER)  # matching.regional.REGIONAL_READERS
def regional_participants(request):
    """Participants of the region's other units open for regional matching who consented to
    sharing with this unit: code and matching data only (identity once a placement here is
    agreed and the consent covers it)."""
    from matching.regional import regional_list

    rows = regional_list(request.user)
    from matching.participants.services.audit import audit_participants_read

    audit_participants_read(
        ids=[r["id"] for r in rows], user=request.user, request=request, what="page regional list"
    )
    return render(request, "portal/regions/regional_participants.html", {"rows": rows})


@require_POST
@role_required(Role.GUIDE, Role.ADMIN)
def participant_regional_toggle(request, pk):
    """The guide opens or closes a participant for regional matching (needs consent)."""
    from matching.models import Participant
    from matching.regional import participant_regional_set

    participant = get_object_or_404(Participant.objects.visible_to(request.user), pk=pk)
    want_open = request.POST.get("open") == "1"
    if run_service(
        request,
        None,
        participant_regional_set,
        participant=participant,
        by=request.user,
        open=want_open,
    ):
        messages.success(
            request,
            _("The participant is open for regional matching.")
            if want_open
            else _("The participant is no longer open for regional matching."),
        )
    return redirect("portal:participant_detail", pk=participant.pk)


@role_required(Role.COORDINATOR, Role.ADMIN)
def host_requests(request):
    """Proposals from other units for this unit's regional profiles, to accept or decline
    (participant code only)."""
    from placements.regional import host_pending_for, placement_host_answer

    if request.method == "POST":
        placement = next(
            (
                p
                for p in host_pending_for(request.user)
                if str(p.pk) == request.POST.get("placement")
            ),
            None,
        )
        if placement is None:
            raise Http404
        accept = request.POST.get("answer") == "accept"
        if run_service(
            request,
            None,
            placement_host_answer,
            placement=placement,
            by=request.user,
            accept=accept,
        ):
            messages.success(
                request,
                _("The proposal was accepted.") if accept else _("The proposal was declined."),
            )
        return redirect("portal:host_requests")
    return render(
        request,
        "portal/regions/host_requests.html",
        {"pending": host_pending_for(request.user)},
    )
