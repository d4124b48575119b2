"""Reading an uploaded spreadsheet (CSV or XLSX) into rows: one reader for every import.

Both formats are streamed (issue 13): XLSX in read-only mode with the sheet's declared dimension
ignored and only the known columns read, CSV through the csv module at its default field limit.
Reading stops as soon as the file has more data rows than allowed, so neither a file's declared
size nor its real one can make us allocate; every problem is a ``ValueError`` with a message for
the person who uploaded the file, never a crash.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
BLANK_ROWS_PER_ROW = 10  # a sheet of empty rows is not a spreadsheet


def cell_text(value) -> str:
    """A spreadsheet cell as the text a person typed: dates as ISO dates, whole numbers without
    a decimal point."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _limited(rows: Iterable[list[str]], max_rows: int) -> list[list[str]]:
    """The non-empty rows, refusing as soon as there are more than ``max_rows`` data rows."""
    kept: list[list[str]] = []
    for seen, row in enumerate(rows, start=1):
        if any(row):
            kept.append(row)
            if len(kept) - 1 > max_rows:
                raise ValueError(_("At most %(n)s rows per file.") % {"n": max_rows})
        elif seen > BLANK_ROWS_PER_ROW * max_rows:
            raise ValueError(_("At most %(n)s rows per file.") % {"n": max_rows})
    return kept


def _trimmed(row: list[str]) -> list[str]:
    while row and not row[-1]:
        row.pop()
    return row


def _xlsx_rows(content: bytes, width: int, max_rows: int) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        # The declared dimension (e.g. A1:XFD1048576) would pad every row and the sheet.
        sheet.reset_dimensions()
        return _limited(
            (
                _trimmed([cell_text(v) for v in row])
                for row in sheet.iter_rows(values_only=True, max_col=width)
            ),
            max_rows,
        )
    except ValueError:
        raise
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is a file error
        raise ValueError(_("The file is not a readable XLSX workbook.")) from exc


def _csv_rows(content: bytes, max_rows: int) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(_("CSV files must be UTF-8 encoded.")) from exc
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=first.count)  # Swedish Excel writes ';', others ','
    try:
        return _limited(
            (
                [c.strip() for c in row]
                for row in csv.reader(io.StringIO(text), delimiter=delimiter)
            ),
            max_rows,
        )
    except csv.Error as exc:
        raise ValueError(
            _("The CSV file cannot be read (a field is too long or quoting is broken).")
        ) from exc


def read_table(
    content: bytes,
    filename: str,
    *,
    columns: Sequence[str],
    required: Sequence[str],
    max_rows: int,
    aliases: dict[str, str] | None = None,
) -> list[dict[str, str]]:
    """The data rows of an uploaded CSV (UTF-8, BOM ok; ``;``, ``,`` or tab) or XLSX file as
    dicts keyed by column. Headers are matched case-insensitively, through ``aliases`` (e.g. the
    Swedish headers of a template) to ``columns``; a missing required or an unknown column is a
    file error."""
    if len(content) > MAX_BYTES:
        raise ValueError(_("The file is larger than 5 MB."))
    if filename.lower().endswith((".xlsx", ".xlsm")):
        values = _xlsx_rows(content, len(columns) + 1, max_rows)
    else:
        values = _csv_rows(content, max_rows)
    if not values:
        raise ValueError(_("The file is empty."))
    aliases = aliases or {}
    header = [aliases.get(h.strip().lower(), h.strip().lower()) for h in values[0]]
    missing = [c for c in required if c not in header]
    if missing:
        raise ValueError(_("Missing columns: %(cols)s.") % {"cols": ", ".join(missing)})
    unknown = [h for h in header if h and h not in columns]
    if unknown:
        raise ValueError(_("Unknown columns: %(cols)s.") % {"cols": ", ".join(unknown)})
    return [
        dict(zip(header, row + [""] * (len(header) - len(row)), strict=False)) for row in values[1:]
    ]
