"""Statistics, ESF and SCB endpoints. The figures come from ``placements.reporting.statistics`` only."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.choices import Role
from core.tabular import export_response as export_file
from employers.api.serializers import ImportInputSerializer
from matching.models import Participant
from matching.participants.services.audit import client_address
from placements.choices import SixMonthSituation
from placements.importing_history import import_history
from placements.models import Exit
from placements.reporting import statistics as st
from placements.reporting.exports import report_response, share_requested
from placements.services.exits import exit_followup_record

FILTERS = [
    OpenApiParameter(
        "start", OpenApiTypes.DATE, description="First day of the period (default 1 January)."
    ),
    OpenApiParameter(
        "end", OpenApiTypes.DATE, description="Last day of the period (default today)."
    ),
    OpenApiParameter(
        "unit", OpenApiTypes.INT, description="Unit id (administrators; others get their own unit)."
    ),
    OpenApiParameter("municipality", OpenApiTypes.STR, description="Municipality code, e.g. 0880."),
    OpenApiParameter(
        "project",
        OpenApiTypes.INT,
        description="Project id: only its enrolments, each counted inside its own dates.",
    ),
    OpenApiParameter(
        "share",
        OpenApiTypes.BOOL,
        description="For sharing outside the unit: cells with 1–4 persons become “<5”.",
    ),
]


class CellSerializer(serializers.Serializer):
    # A number, not an integer: counts and percents are whole, but means (days, a progression
    # score such as 4.5) have decimals (issue 20).
    value = serializers.FloatField(
        allow_null=True, help_text="null when suppressed or empty; means may have decimals"
    )
    kind = serializers.CharField(help_text="count, percent, days or number")
    text = serializers.CharField(help_text="exactly as on the page and in the exports")


class RowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    cells = CellSerializer(many=True)


class TableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    note = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = RowSerializer(many=True)


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    tables = TableSerializer(many=True)


class ScopeSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    units = serializers.ListField(child=serializers.IntegerField(), allow_null=True)
    municipality = serializers.CharField(allow_null=True)
    guide = serializers.IntegerField(allow_null=True)
    project = serializers.IntegerField(allow_null=True)


class ReportSerializer(serializers.Serializer):
    filters = ScopeSerializer()
    shared = serializers.BooleanField()
    sections = SectionSerializer(many=True)


def _share(request) -> bool:
    return share_requested(request.query_params)


def _scope(request) -> st.Scope:
    scope, errors = st.parse_filters(request.user, request.query_params)
    if errors:
        raise ValidationError(errors)
    return scope


class StatisticsView(APIView):
    """Every reported figure for a period, unit and municipality, by gender. Managers and
    administrators get every section; guides their own participants' figures; coordinators the
    employer figures."""

    read_roles = st.STATS_ROLES

    @extend_schema(parameters=FILTERS, responses=ReportSerializer, operation_id="statistics_report")
    def get(self, request):
        share = _share(request)
        return Response(st.build_report(_scope(request)).as_dict(share))


class StatisticsExportView(APIView):
    """The same report as CSV or XLSX (``file=csv`` or ``file=xlsx``)."""

    read_roles = st.STATS_ROLES

    @extend_schema(
        parameters=[
            *FILTERS,
            OpenApiParameter("file", OpenApiTypes.STR, enum=["csv", "xlsx"], required=True),
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiTypes.BINARY,
        },
        operation_id="statistics_export",
    )
    def get(self, request):
        kind = request.query_params.get("file")
        if kind not in ("csv", "xlsx"):
            raise ValidationError({"file": ["Choose csv or xlsx."]})
        share = _share(request)
        report = st.build_report(_scope(request))
        return export_response(report, kind, share)


def export_response(report: st.Report, kind: str, share: bool) -> HttpResponse:
    return report_response(report, kind, share)


def parse_month(raw: str | None) -> dt.date:
    try:
        year, month = (raw or "").split("-")
        return dt.date(int(year), int(month), 1)
    except ValueError as exc:
        raise ValidationError({"month": ["Enter a month as YYYY-MM."]}) from exc


class ScbExportView(APIView):
    """SCB's monthly participant file (personnummer; start date; end date) for participants who
    started or ended in the month. Managers and administrators only; every export is audit-logged."""

    read_roles = st.SCB_ROLES

    @extend_schema(
        parameters=[
            OpenApiParameter("month", OpenApiTypes.STR, required=True, description="YYYY-MM")
        ],
        responses={(200, "text/csv"): OpenApiTypes.BINARY},
        operation_id="statistics_scb_export",
    )
    def get(self, request):
        month = parse_month(request.query_params.get("month"))
        export = st.scb_export(by=request.user, month=month, remote_addr=client_address(request))
        return export_file(export, "csv")


class ExitFollowUpInputSerializer(serializers.Serializer):
    exit = serializers.IntegerField()
    checked_on = serializers.DateField()
    situation = serializers.ChoiceField(choices=SixMonthSituation.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ExitFollowUpSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    exit = serializers.IntegerField(source="exit_id")
    checked_on = serializers.DateField()
    situation = serializers.CharField()
    situation_display = serializers.CharField(source="get_situation_display")
    note = serializers.CharField()


class ExitFollowUpView(APIView):
    """Record the participant's situation six months after an exit (ESF+ longer-term result)."""

    read_roles = (Role.GUIDE, Role.MANAGER, Role.ADMIN)
    write_roles = (Role.GUIDE, Role.MANAGER, Role.ADMIN)

    @extend_schema(
        request=ExitFollowUpInputSerializer,
        responses={201: ExitFollowUpSerializer, 400: OpenApiResponse(description="field errors")},
        operation_id="exit_six_month_followup_record",
    )
    def post(self, request):
        data = ExitFollowUpInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        exit_row = get_object_or_404(
            Exit.objects.filter(participant__in=Participant.objects.visible_to(request.user)),
            pk=v.pop("exit"),
        )
        row = exit_followup_record(exit_row=exit_row, by=request.user, **v)
        return Response(ExitFollowUpSerializer(row).data, status=status.HTTP_201_CREATED)


class HistoryImportView(APIView):
    """Import participants with their history (CSV/XLSX). ``dry_run`` (default true) reports every
    row's errors and writes nothing; a file with any error imports nothing. Managers and
    administrators of a unit; the same importer as the page's background job."""

    read_roles = ()
    write_roles = (Role.MANAGER, Role.ADMIN)
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ImportInputSerializer},
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        operation_id="participant_history_import",
    )
    def post(self, request):
        data = ImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        report = import_history(
            content=upload.read(),
            filename=upload.name,
            by=request.user,
            dry_run=data.validated_data["dry_run"],
        )
        return Response(
            report.as_dict(),
            status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST,
        )
