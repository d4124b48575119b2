"""The access-log review for administrators (issue 13): who read participants' data, how much,
in a period; unusual volumes highlighted; the same as CSV for the systematic log follow-up."""

from __future__ import annotations

import csv
import datetime as dt

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from core.choices import Role
from matching.services.audit import participant_reads_by_user
from portal.access import role_required


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
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="access-log-{start}-{end}.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [
                _("User"),
                _("Reads"),
                _("Participants"),
                _("First read"),
                _("Last read"),
                _("Unusual"),
            ]
        )
        for row in rows:
            writer.writerow(
                [
                    row["actor__username"] or "-",
                    row["reads"],
                    row["participants"],
                    row["first"].isoformat(),
                    row["last"].isoformat(),
                    _("yes") if row["unusual"] else "",
                ]
            )
        return response
    return render(
        request,
        "portal/security/access_log.html",
        {"rows": rows, "start": start, "end": end},
    )
