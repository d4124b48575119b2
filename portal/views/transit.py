"""The administrator's public-transport page (issue 24): check a GTFS zip (a dry run that lists
what it holds and what is wrong), store it for one unit or for every unit, and see each unit's
travel-time run."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.choices import Role
from core.models import Unit
from matching.transit.feeds import (
    TransitFeedRefused,
    feed_report,
    problem_texts,
    transit_feed_check,
    transit_feed_for_unit,
    transit_feed_path,
    transit_feed_report,
    transit_feed_store,
)
from matching.transit.matrix import transit_matrix_status
from matching.transit.refresh import schedule_transit_refresh_for_units
from portal.access import role_required
from portal.transit_forms import TransitFeedForm


def _units(user) -> list[Unit]:
    """The units this administrator serves: their own and the others of its region."""
    unit = user.unit
    if unit is None:
        return []
    if unit.region_id is None:
        return [unit]
    return list(Unit.objects.filter(region_id=unit.region_id).order_by("name"))


def _stored_feeds(units: list[Unit]) -> list[dict]:
    rows = []
    for unit_id, name in [(None, _("Shared by every unit"))] + [(u.pk, u.name) for u in units]:
        path = transit_feed_path(unit_id=unit_id)
        if path.is_file():
            report = transit_feed_report(path=path) or {}
            rows.append({"name": name, "report": report, "problems": problem_texts(report)})
    return rows


@role_required(Role.ADMIN)
def transit_feed(request):
    units = _units(request.user)
    checked = None
    form = TransitFeedForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        unit = form.cleaned_data["unit"]
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / (Path(upload.name).name or "feed.zip")
            with source.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                if form.cleaned_data["dry_run"]:
                    report = feed_report(transit_feed_check(source=source))
                    checked = {"report": report, "problems": problem_texts(report)}
                else:
                    transit_feed_store(source=source, unit_id=unit.pk if unit else None)
                    targets = [unit.pk] if unit else [u.pk for u in units]
                    schedule_transit_refresh_for_units(targets)
                    messages.success(
                        request,
                        _("The timetable is stored. Travel times are being computed."),
                    )
                    return redirect("portal:transit_feed")
            except TransitFeedRefused as error:
                form.add_error("file", _("The file cannot be used: %(why)s") % {"why": error})
    status = [
        {
            "unit": unit,
            "has_feed": transit_feed_for_unit(unit_id=unit.pk) is not None,
            "matrix": transit_matrix_status(unit.pk),
        }
        for unit in units
    ]
    return render(
        request,
        "portal/admin/transit.html",
        {"form": form, "checked": checked, "feeds": _stored_feeds(units), "status": status},
    )


@role_required(Role.ADMIN)
@require_POST
def transit_refresh(request):
    queued = schedule_transit_refresh_for_units([u.pk for u in _units(request.user)])
    if queued:
        messages.success(
            request, _("Travel times are being computed for %(n)s units.") % {"n": queued}
        )
    else:
        messages.info(request, _("No unit has a timetable yet."))
    return redirect("portal:transit_feed")
