"""Statistics-shaped reports (statistics, progression, fidelity) as CSV and XLSX: the same tables
and the same cell texts as the page, written by the one writer (``core.tabular``), with the
filters in the file name and the title row and, when shared, the statistics' one suppression
rule (``Cell.suppressed``) applied to every cell."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _

from core.models import Municipality, Unit, User
from core.tabular import Export, Filter, Sheet, Styled, export_response
from placements.projects.models import Project
from placements.reporting.statistics import SUPPRESS_BELOW, Cell, Report, Scope


def share_requested(data) -> bool:
    """Whether a query string asks for the version for sharing outside the unit (pages and API)."""
    return str(data.get("share") or "").lower() in ("1", "true", "on", "yes", "ja")


def share_filter() -> Filter:
    return Filter(
        _("For sharing"),
        _("cells under %(n)s persons suppressed") % {"n": SUPPRESS_BELOW},
        file_part="delning",
    )


def scope_filters(scope: Scope, share: bool, period: Filter | None = None) -> list[Filter]:
    """The filters a report was made with, in the order a reader wants them."""
    filters = [period or Filter(_("Period"), f"{scope.start} – {scope.end}")]
    if scope.unit_ids is not None and len(scope.unit_ids) == 1:
        unit = Unit.objects.filter(pk=scope.unit_ids[0]).values_list("name", flat=True).first()
        if unit:
            filters.append(Filter(_("Unit"), unit))
    if scope.project_id:
        project = Project.objects.filter(pk=scope.project_id).values_list("name", flat=True)
        name = project.first()
        if name:
            filters.append(Filter(_("Project"), name))
    if scope.municipality_code:
        name = (
            Municipality.objects.filter(code=scope.municipality_code)
            .values_list("name", flat=True)
            .first()
        )
        filters.append(Filter(_("Municipality"), name or scope.municipality_code))
    if scope.guide_id:
        guide = User.objects.filter(pk=scope.guide_id).first()
        if guide is not None:
            filters.append(Filter(_("Guide"), guide.get_full_name() or guide.get_username()))
    if share:
        filters.append(share_filter())
    return filters


def _value(cell: Cell, share: bool):
    if cell.suppressed(share):
        return f"<{SUPPRESS_BELOW}"
    if cell.value is None:
        return "–"
    if cell.kind == "percent":
        return Styled(cell.value, number_format='0" %"', text=f"{cell.value} %")
    return cell.value


def report_export(
    report: Report,
    share: bool,
    *,
    name: str = "brygga-statistik",
    title: str | None = None,
    period: Filter | None = None,
) -> Export:
    """One sheet per section; per table: its title, its header, its rows, its note."""
    sheets = []
    for section in report.sections:
        sheet = Sheet(section.title, widths={"A": 45})
        for i, table in enumerate(section.tables):
            if i:
                sheet.append([])
            sheet.append([Styled(table.title, bold=True)])
            sheet.append(["", *table.columns])
            for row in table.rows:
                sheet.append([row.label, *(_value(c, share) for c in row.cells)])
            if table.note:
                sheet.append([table.note])
        sheets.append(sheet)
    return Export(
        name=name,
        title=title or _("Results"),
        filters=scope_filters(report.scope, share, period),
        sheets=sheets,
    )


def report_response(
    report: Report,
    kind: str,
    share: bool,
    *,
    name: str = "brygga-statistik",
    title: str | None = None,
    period: Filter | None = None,
) -> HttpResponse:
    return export_response(
        report_export(report, share, name=name, title=title, period=period), kind
    )
