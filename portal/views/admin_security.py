"""The access-log review for administrators (issue 13): who read participants' data, how much,
in a period; unusual volumes highlighted; the same as CSV for the systematic log follow-up."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.choices import Role
from core.retention import RetentionRun, retention_overview, retention_setting
from core.tabular import Export, Filter, Sheet, export_response
from matching.choices import Phase
from matching.models import Participant
from matching.participants.extract.document import extract_json, extract_xlsx
from matching.participants.extract.sections import participant_extract
from matching.participants.retention import participant_anonymise
from matching.participants.services.audit import audit_participant_read, participant_reads_by_user
from portal.access import role_required
from portal.security_forms import AnonymiseForm
from portal.views.common import run_service


def _period(request) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    start = parse_date(request.GET.get("from") or "") or today - dt.timedelta(days=30)
    end = parse_date(request.GET.get("to") or "") or today
    if end < start:
        start, end = end, start
    return start, end


@role_required(Role.ADMIN)
def access_log(request):
    start, end = _period(request)
    zone = timezone.get_current_timezone()
    rows = participant_reads_by_user(
        start=dt.datetime.combine(start, dt.time.min, tzinfo=zone),
        end=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
        unusual_at=settings.ACCESS_LOG_UNUSUAL_PARTICIPANTS,
    )
    if request.GET.get("format") == "csv":
        sheet = Sheet(
            _("Access log"),
            [
                [
                    _("User"),
                    _("Reads"),
                    _("Participants"),
                    _("First read"),
                    _("Last read"),
                    _("Unusual"),
                ]
            ],
        )
        for row in rows:
            sheet.append(
                [
                    row["actor__username"] or row["actor_name"],
                    row["reads"],
                    row["participants"],
                    row["first"].isoformat(),
                    row["last"].isoformat(),
                    _("yes") if row["unusual"] else "",
                ]
            )
        export = Export(
            "access-log", _("Access log"), [Filter(_("Period"), f"{start} – {end}")], [sheet]
        )
        return export_response(export, "csv")
    return render(
        request,
        "portal/security/access_log.html",
        {"rows": rows, "start": start, "end": end},
    )


def _is_active(participant: Participant) -> bool:
    return participant.phase != Phase.EXITED


EXTRACT_FORMATS = ("html", "json", "xlsx")


@role_required(Role.ADMIN)
def participant_data_export(request, pk, form=None, status=200):
    """The register extract (art. 15): everything held on one participant as a printable page,
    an XLSX workbook (``?format=xlsx``, one sheet per section) or JSON (``?format=json``), all
    from ``matching.participants.extract.participant_extract``; the page carries the anonymisation form (the
    erase view shows it again with its errors)."""
    participant = get_object_or_404(Participant.objects.visible_to(request.user), pk=pk)
    kind = request.GET.get("format") or "html"
    if kind not in EXTRACT_FORMATS:
        return HttpResponseBadRequest(_("Unknown format: choose html, json or xlsx."))
    audit_participant_read(
        participant=participant, user=request.user, request=request, what="export"
    )
    extract = participant_extract(participant)
    filename = f"registerutdrag-{participant.code}"
    if kind == "json":
        response = JsonResponse(
            extract_json(extract), json_dumps_params={"ensure_ascii": False, "indent": 1}
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
        return response
    if kind == "xlsx":
        response = HttpResponse(
            extract_xlsx(extract),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    return render(
        request,
        "portal/security/participant_export.html",
        {
            "extract": extract,
            "participant": participant,
            "active": _is_active(participant),
            "form": form or AnonymiseForm(active=_is_active(participant)),
        },
        status=status,
    )


@require_POST
@role_required(Role.ADMIN)
def participant_erase(request, pk):
    """Anonymise one participant on request (art. 17); statistics counts stay. A participant who
    has not exited needs the confirmation; errors come back on the page with a 400."""
    participant = get_object_or_404(Participant.objects.visible_to(request.user), pk=pk)
    form = AnonymiseForm(request.POST, active=_is_active(participant))
    if form.is_valid() and run_service(
        request,
        form,
        participant_anonymise,
        participant=participant,
        by=request.user,
        reason=form.cleaned_data["reason"],
        confirm_active=form.cleaned_data.get("confirm_active", False),
    ):
        messages.success(request, _("The participant was anonymised."))
        return redirect("portal:retention")
    return participant_data_export(request, pk, form=form, status=400)


@role_required(Role.ADMIN)
def retention(request):
    """The retention rules per kind of record with their periods, what is due and on the notice
    list per kind, and the last runs of the job."""
    overview = retention_overview()
    return render(
        request,
        "portal/security/retention.html",
        {
            "overview": overview,
            "has_notice": any(row["upcoming_count"] for row in overview),
            "notice_days": retention_setting("notice_days"),
            "runs": RetentionRun.objects.all()[:10],
        },
    )
