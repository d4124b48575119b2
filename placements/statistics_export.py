"""CSV and XLSX of a statistics report: the same tables and the same cell texts as the page."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from placements.statistics import Report, cell_text


def report_title(report: Report, share: bool) -> str:
    scope = report.scope
    title = _("Results %(start)s – %(end)s") % {"start": scope.start, "end": scope.end}
    if share:
        title += " · " + _("for sharing (cells under 5 persons suppressed)")
    return title


def to_csv(report: Report, share: bool = False) -> str:
    """One block per table: title, header, rows, blank line. Semicolons for Swedish Excel."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([report_title(report, share)])
    for section in report.sections:
        for table in section.tables:
            writer.writerow([])
            writer.writerow([table.title])
            writer.writerow(["", *table.columns])
            for row in table.rows:
                writer.writerow([row.label, *(cell_text(c, share) for c in row.cells)])
    return "\ufeff" + out.getvalue()


def to_xlsx(report: Report, share: bool = False) -> bytes:
    """One sheet per section. Numbers are numbers (percent cells as whole percent with a " %"
    format); suppressed cells are the text "<5"."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for section in report.sections:
        sheet = book.create_sheet(section.title[:31])
        sheet.append([report_title(report, share)])
        sheet["A1"].font = Font(bold=True)
        for table in section.tables:
            sheet.append([])
            sheet.append([table.title])
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
            sheet.append(["", *table.columns])
            for row in table.rows:
                values = []
                for c in row.cells:
                    if c.suppressed(share):
                        values.append("<5")
                    elif c.value is None:
                        values.append("–")
                    else:
                        values.append(c.value)
                sheet.append([row.label, *values])
                for i, c in enumerate(row.cells, start=2):
                    if c.kind == "percent" and not c.suppressed(share) and c.value is not None:
                        sheet.cell(row=sheet.max_row, column=i).number_format = '0" %"'
            if table.note:
                sheet.append([table.note])
        sheet.column_dimensions["A"].width = 45
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
