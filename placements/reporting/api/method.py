"""Method endpoints (issue 15): Supported Employment fidelity from the records, the SUS list and
participant progression. Every figure comes from ``placements.reporting.fidelity``, ``placements.reporting.sus`` and
``matching.progression`` — the pages and exports call the same functions."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.tabular import CONTENT_TYPES, Filter, export_response
from matching.participants.services.audit import client_address
from placements.reporting import fidelity as fd
from placements.reporting import progression as ps
from placements.reporting import sus
from placements.reporting.api.statistics import (
    FILTERS,
    ReportSerializer,
    _share,
    parse_month,
)
from placements.reporting.api.statistics import _scope as _stats_scope
from placements.reporting.exports import report_response

FIDELITY_FILTERS = [
    OpenApiParameter("quarter", OpenApiTypes.STR, description="YYYY-Qn (default this quarter)"),
    OpenApiParameter("unit", OpenApiTypes.INT, description="Unit id (administrators)."),
    OpenApiParameter(
        "guide", OpenApiTypes.INT, description="One guide (managers, admins; guides get their own)."
    ),
]


def _fidelity_scope(request) -> fd.FidelityScope:
    scope, errors = fd.parse_fidelity_filters(request.user, request.query_params)
    if errors:
        raise ValidationError(errors)
    return scope


class FidelityView(APIView):
    """Fidelity item values and 1–5 anchor scores for the unit and each guide in a quarter, with
    the records behind each figure and the scores of the three quarters before. Guides get their
    own figures only."""

    read_roles = fd.FIDELITY_ROLES

    @extend_schema(
        parameters=FIDELITY_FILTERS, responses=OpenApiTypes.OBJECT, operation_id="fidelity"
    )
    def get(self, request):
        scope = _fidelity_scope(request)
        history = fd.trend(scope)  # the scope's quarter last
        data = history[-1].as_dict()
        data["trend"] = [
            {"quarter": r.scope.quarter, "scores": {k: r.unit.items[k].score for k in fd.ITEMS}}
            for r in history
        ]
        return Response(data)


class FidelityExportView(APIView):
    """The fidelity figures as CSV or XLSX (``file=csv`` or ``file=xlsx``)."""

    read_roles = fd.FIDELITY_ROLES

    @extend_schema(
        parameters=[
            *FIDELITY_FILTERS,
            OpenApiParameter(
                "share", OpenApiTypes.BOOL, description="For sharing: cells under 5 persons hidden."
            ),
            OpenApiParameter("file", OpenApiTypes.STR, enum=["csv", "xlsx"], required=True),
        ],
        responses={(200, "text/csv"): OpenApiTypes.BINARY},
        operation_id="fidelity_export",
    )
    def get(self, request):
        kind = request.query_params.get("file")
        if kind not in ("csv", "xlsx"):
            raise ValidationError({"file": ["Choose csv or xlsx."]})
        scope = _fidelity_scope(request)
        return fidelity_export_response(scope, kind, _share(request))


def fidelity_export_response(scope: fd.FidelityScope, kind: str, share: bool):
    """The fidelity tables as a file; when shared, cells about fewer than 5 persons are
    suppressed by the statistics' rule."""
    history = fd.trend(scope)
    return report_response(
        fd.as_report(history[-1], history),
        kind,
        share,
        name="brygga-trohet",
        title=_("Fidelity"),
        period=Filter(_("Quarter"), scope.quarter),
    )


def progression_export_response(scope, kind: str, share: bool):
    return report_response(
        ps.build_progression_report(scope),
        kind,
        share,
        name="brygga-stegforflyttning",
        title=_("Progression"),
    )


class ProgressionStatisticsView(APIView):
    """Progression (self-rated 1–10): averages at start and latest, change, share improved and
    follow-up rates by indicator, gender and municipality, with the persons behind each figure.
    Same filters as the statistics."""

    read_roles = ps.PROGRESSION_ROLES

    @extend_schema(
        parameters=FILTERS, responses=ReportSerializer, operation_id="progression_report"
    )
    def get(self, request):
        scope = _stats_scope(request)
        return Response(ps.build_progression_report(scope).as_dict(_share(request)))


class ProgressionExportView(APIView):
    """The progression figures as CSV or XLSX (``file=csv`` or ``file=xlsx``)."""

    read_roles = ps.PROGRESSION_ROLES

    @extend_schema(
        parameters=[
            *FILTERS,
            OpenApiParameter("file", OpenApiTypes.STR, enum=["csv", "xlsx"], required=True),
        ],
        responses={(200, "text/csv"): OpenApiTypes.BINARY},
        operation_id="progression_export",
    )
    def get(self, request):
        kind = request.query_params.get("file")
        if kind not in ("csv", "xlsx"):
            raise ValidationError({"file": ["Choose csv or xlsx."]})
        return progression_export_response(_stats_scope(request), kind, _share(request))


class SusListView(APIView):
    """The month's SUS list (participants who started or ended an insats, with SUS's fields), as
    JSON, or as a file with ``file=csv|xlsx``. Managers and administrators only; every call is
    audit-logged."""

    read_roles = sus.SUS_ROLES

    @extend_schema(
        parameters=[
            OpenApiParameter("month", OpenApiTypes.STR, required=True, description="YYYY-MM"),
            OpenApiParameter("file", OpenApiTypes.STR, enum=["csv", "xlsx"], required=False),
        ],
        responses=OpenApiTypes.OBJECT,
        operation_id="sus_list",
    )
    def get(self, request):
        month = parse_month(request.query_params.get("month"))
        kind = request.query_params.get("file")
        address = client_address(request)
        if kind:
            if kind not in CONTENT_TYPES:
                raise ValidationError({"file": ["Choose csv or xlsx."]})
            export = sus.sus_export(by=request.user, month=month, kind=kind, remote_addr=address)
            return export_response(export, kind)
        rows = sus.sus_view(by=request.user, month=month, remote_addr=address)
        keys = [
            "code",
            "personnummer",
            "name",
            "start_date",
            "end_date",
            "employment_before",
            "income_before",
            "education_level",
            "employment_after",
            "income_after",
            "exit_reason",
            "written_consent",
        ]
        return Response(
            {
                "month": f"{month:%Y-%m}",
                "columns": sus.columns(),
                "rows": [
                    {
                        **dict(zip(keys, r.cells(), strict=True)),
                        "codes": {
                            "employment_before": r.employment_before,
                            "income_before": r.income_before,
                            "education_level": r.education_level,
                            "employment_after": r.employment_after,
                            "income_after": r.income_after,
                            "exit_reason": r.exit_reason,
                        },
                        "written_consent": r.written_consent,
                    }
                    for r in rows
                ],
            }
        )
