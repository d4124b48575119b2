"""Results pages for managers (coordinators and guides see their own parts): statistics with
charts, exports, the print report and the SCB file. Every figure comes from
``placements.reporting.statistics``."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choice_cache import cached_choices
from core.choices import Role
from core.exceptions import Forbidden
from core.models import Municipality, Unit
from core.roles import role_of
from core.tabular import Export, Sheet
from core.tabular import export_response as export_file
from employers.models import ImportJob
from matching.models import Participant
from matching.participants.services.audit import client_address
from placements.choices import SixMonthSituation
from placements.importing_history import (
    COLUMNS,
    IMPORTERS,
    history_import_job_start,
    template_rows,
)
from placements.models import Exit, Project
from placements.reporting import statistics as st
from placements.reporting.api.statistics import export_response
from placements.reporting.exports import share_requested
from portal import charts
from portal.access import role_required
from portal.views.common import import_job_page, run_service


def _share(request) -> bool:
    return share_requested(request.GET)


def _filter_context(request, scope, errors):
    user = request.user
    if role_of(user) == "admin":
        units = Unit.objects.all()
        municipalities = Municipality.objects.filter(
            Q(units__isnull=False) | Q(participants__isnull=False)
        )
    else:
        units = Unit.objects.none()
        municipalities = Municipality.objects.filter(
            Q(units=user.unit_id) | Q(participants__unit_id=user.unit_id)
        )
    today = timezone.localdate()
    presets = [
        (_("This year"), dt.date(today.year, 1, 1), today),
        (_("Last year"), dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)),
        (_("This month"), today.replace(day=1), today),
        (
            _("Last month"),
            st.add_months(today.replace(day=1), -1),
            today.replace(day=1) - dt.timedelta(days=1),
        ),
    ]
    default_start, default_end = st.default_period()
    return {
        "projects": _project_choices(user),
        "scope": scope,
        "start_value": request.GET.get("start") or default_start.isoformat(),
        "end_value": request.GET.get("end") or default_end.isoformat(),
        "errors": errors,
        "values": request.GET,
        "units": units,
        "municipalities": municipalities.distinct().order_by("name"),
        "presets": presets,
        "share": _share(request),
    }


def _project_choices(user) -> list[dict]:
    """The filter's projects (``pk``, ``name``), from the shared cache per role and unit: dropped
    when a project changes (portal/apps.py)."""
    role = role_of(user)

    def build():
        projects = Project.objects.visible_to(user)
        if role != "admin":
            projects = projects.filter(unit_id=user.unit_id)
        return projects.order_by("name").values("pk", "name")

    scope = "admin" if role == "admin" else f"{role}:{user.unit_id}"
    return cached_choices("statistics-projects", scope, build)


def _charts(report: st.Report, share: bool) -> dict:
    genders = st.gender_labels()
    out = {}
    keys = {t.key for s in report.sections for t in s.tables}
    if "by_municipality" in keys:
        out["by_municipality"] = charts.stacked_bars(
            report.table("by_municipality"), share, genders
        )
    if "placements_by_industry" in keys:
        out["placements_by_industry"] = charts.stacked_bars(
            report.table("placements_by_industry"), share, genders
        )
    if "funnel" in keys:
        out["funnel"] = charts.funnel(report.table("funnel"), share)
    if "followups_by_month" in keys:
        out["followups_by_month"] = charts.line(report.table("followups_by_month"), share)
    return out


@role_required(*st.STATS_ROLES)
def statistics(request):
    scope, errors = st.parse_filters(request.user, request.GET)
    context = _filter_context(request, scope, errors)
    if scope is not None:
        report = st.build_report(scope)
        context["report"] = report
        context["charts"] = _charts(report, context["share"])
        context["query"] = request.GET.urlencode()
    return render(request, "portal/manager/statistics.html", context, status=400 if errors else 200)


@role_required(*st.STATS_ROLES)
def statistics_export(request, kind):
    scope, errors = st.parse_filters(request.user, request.GET)
    if errors or kind not in ("csv", "xlsx"):
        context = _filter_context(request, scope, errors)
        return render(request, "portal/manager/statistics.html", context, status=400)
    return export_response(st.build_report(scope), kind, _share(request))


@role_required(*st.STATS_ROLES)
def statistics_print(request):
    scope, errors = st.parse_filters(request.user, request.GET)
    context = _filter_context(request, scope, errors)
    if scope is not None:
        report = st.build_report(scope)
        context["report"] = report
        context["charts"] = _charts(report, context["share"])
        context["unit_name"] = request.user.unit.name if request.user.unit_id else ""
        if scope.project_id:
            context["project_name"] = Project.objects.get(pk=scope.project_id).name
    return render(request, "portal/manager/print.html", context, status=400 if errors else 200)


@role_required(*st.SCB_ROLES)
def scb_export(request):
    """A form for the month, then the file (each download audit-logged)."""
    raw = request.GET.get("month", "")
    error = ""
    if raw:
        try:
            year, month = raw.split("-")
            first = dt.date(int(year), int(month), 1)
        except ValueError:
            error = _("Enter a month as YYYY-MM.")
        else:
            try:
                export = st.scb_export(
                    by=request.user, month=first, remote_addr=client_address(request)
                )
            except Forbidden as exc:
                raise PermissionDenied from exc
            return export_file(export, "csv")
    default = st.add_months(timezone.localdate().replace(day=1), -1)
    return render(
        request,
        "portal/manager/scb.html",
        {"error": error, "month": raw or f"{default:%Y-%m}"},
        status=400 if error else 200,
    )


# --- history import (same job machinery and page pattern as the employer import) --------------


@role_required(*IMPORTERS)
def history_import(request):
    from portal.forms import ImportForm

    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = run_service(
            request,
            form,
            history_import_job_start,
            by=request.user,
            filename=upload.name,
            content=upload.read(),
            dry_run=form.cleaned_data["dry_run"],
        )
        if job is not None:
            return redirect("portal:history_import_job", pk=job.pk)
    jobs = ImportJob.objects.filter(
        unit_id=request.user.unit_id, kind=ImportJob.Kind.PARTICIPANT_HISTORY
    )[:10]
    return render(
        request,
        "portal/manager/history_import.html",
        {"form": form, "jobs": jobs, "columns": ", ".join(COLUMNS)},
    )


@role_required(*IMPORTERS)
def history_import_job(request, pk):
    job = get_object_or_404(
        ImportJob.objects.filter(
            unit_id=request.user.unit_id, kind=ImportJob.Kind.PARTICIPANT_HISTORY
        ),
        pk=pk,
    )
    return import_job_page(
        request,
        job,
        start=history_import_job_start,
        url_name="portal:history_import_job",
        template="portal/manager/history_import_job.html",
        partial="portal/manager/partials/history_job.html",
    )


@role_required(*IMPORTERS)
def history_template(request, kind):
    """The import template, CSV or XLSX, with the columns and two example rows."""
    if kind not in ("csv", "xlsx"):
        raise Http404
    # Our own reader takes the first row as the header: no title row in a template.
    export = Export(
        "deltagarhistorik-mall",
        _("Participant history"),
        [],
        [Sheet(_("Participant history"), template_rows())],
        title_row=False,
    )
    return export_file(export, kind)


# --- six-month follow-up after exit (ESF+ longer-term result) ----------------------------------

SIX_MONTH_ROLES = (Role.GUIDE, Role.MANAGER, Role.ADMIN)


@role_required(*SIX_MONTH_ROLES)
def six_month_followups(request):
    """Exits whose six months have passed: record where the participant is now. The same service
    as ``POST /api/v1/exit-follow-ups/``."""
    from placements.services.exits import exit_followup_record

    exits = Exit.objects.filter(
        participant__in=Participant.objects.visible_to(request.user)
    ).select_related("participant", "six_month_followup")
    if role_of(request.user) == Role.GUIDE:
        exits = exits.filter(participant__guide=request.user)
    today = timezone.localdate()
    form = SixMonthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        exit_row = get_object_or_404(exits, pk=form.cleaned_data["exit"])
        saved = run_service(
            request,
            form,
            exit_followup_record,
            exit_row=exit_row,
            by=request.user,
            checked_on=form.cleaned_data["checked_on"],
            situation=form.cleaned_data["situation"],
        )
        if saved is not None:
            messages.success(request, _("The six-month follow-up is recorded."))
            return redirect("portal:six_month_followups")
    due = [e for e in exits.order_by("exited_on", "pk") if st.add_months(e.exited_on, 6) <= today]
    return render(
        request,
        "portal/manager/six_months.html",
        {
            "todo": [e for e in due if not hasattr(e, "six_month_followup")],
            "done": [e for e in due if hasattr(e, "six_month_followup")][-20:],
            "form": form,
            "situations": SixMonthSituation.choices,
            "today": today,
        },
        status=400 if form.errors else 200,
    )


class SixMonthForm(forms.Form):
    exit = forms.IntegerField(widget=forms.HiddenInput)
    checked_on = forms.DateField(
        label=_("Checked on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    situation = forms.ChoiceField(
        label=_("Situation six months after"), choices=SixMonthSituation.choices
    )
