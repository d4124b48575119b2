"""Spreadsheets in and out: the one bounded reader of every upload and the one writer (per
format) of every download.

Reading (issues 13, 20): an upload is refused before it is parsed when it is larger than
``TABULAR_MAX_BYTES`` or, for XLSX, when the zip's members unpack to more than
``TABULAR_MAX_UNCOMPRESSED_BYTES`` (a 150 KB file can hold a 150-million-character cell).
:func:`check_upload` does these checks on the uploaded file, so forms and serializers refuse
with a field message; :func:`read_table` repeats them and then streams the rows (XLSX read-only,
CSV line by line), refusing a cell longer than ``TABULAR_MAX_CELL_CHARS``, a CSV line longer than
``TABULAR_MAX_LINE_CHARS`` and more rows than allowed. Every problem is a ``ValueError`` with a
message for the person who uploaded the file, never a crash.

Writing (issues 19, 20): :class:`Export` names what the file holds and the filters it was made
with; :func:`write_csv`, :func:`write_xlsx` and :func:`export_response` put those filters in the
file name and in a title row, and write any text that starts with ``=``, ``+``, ``-``, ``@``, tab
or CR so that no spreadsheet runs it as a formula (OWASP "CSV injection"): in CSV with a leading
``'``, in XLSX as a typed string cell with Excel's quote prefix. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _

BLANK_ROWS_PER_ROW = 10  # a sheet of empty rows is not a spreadsheet


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_bytes() -> int:
    return _limit("TABULAR_MAX_BYTES", 5 * 1024 * 1024)


def max_uncompressed() -> int:
    return _limit("TABULAR_MAX_UNCOMPRESSED_BYTES", 30 * 1024 * 1024)


def max_cell_chars() -> int:
    return _limit("TABULAR_MAX_CELL_CHARS", 10_000)


def max_line_chars() -> int:
    return _limit("TABULAR_MAX_LINE_CHARS", 100_000)


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g}"


def is_xlsx(filename: str) -> bool:
    return filename.lower().endswith((".xlsx", ".xlsm"))


# --- reading ------------------------------------------------------------------------------------


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


def _check_zip(source) -> None:
    """Refuse an XLSX whose members unpack to more than the bound, reading only the zip's
    directory. ``zipfile`` stops every member at its declared size (and fails its CRC check
    beyond), so the declared sizes bound what parsing can ever unpack."""
    try:
        with zipfile.ZipFile(source) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ValueError(_("The file is not a readable XLSX workbook.")) from exc
    if unpacked > max_uncompressed():
        raise ValueError(
            _(
                "The workbook unpacks to more than %(mb)s MB; it cannot be a list of this kind. "
                "Save it again without images or hidden sheets, or split it."
            )
            % {"mb": _megabytes(max_uncompressed())}
        )


def _check_size(size: int) -> None:
    if size > max_bytes():
        raise ValueError(_("The file is larger than %(mb)s MB.") % {"mb": _megabytes(max_bytes())})


def is_json(filename: str) -> bool:
    return filename.lower().endswith(".json")


def check_upload(upload, *, allow_json: bool = False) -> None:
    """The checks that need no parsing, on an uploaded file (forms and serializers call this so
    the refusal is a field error): the file type, its size and, for XLSX, its unpacked size.
    ``allow_json`` also takes a .json file (ads in JobTech's format). Raises ``ValueError``;
    leaves the file at its start."""
    name = upload.name or ""
    if allow_json and is_json(name):
        _check_size(upload.size)
        return
    if not is_xlsx(name) and not name.lower().endswith(".csv"):
        if allow_json:
            raise ValueError(_("Upload a .csv, .xlsx or .json file."))
        raise ValueError(_("Upload a .csv or .xlsx file."))
    _check_size(upload.size)
    if is_xlsx(name):
        upload.seek(0)
        try:
            _check_zip(upload)
        finally:
            upload.seek(0)


def _too_long_cell(row: int, column: int) -> ValueError:
    return ValueError(
        _("Row %(row)s, column %(col)s: a cell is too long (more than %(n)s characters).")
        % {"row": row, "col": column, "n": max_cell_chars()}
    )


def _bounded(rows: Iterable[list[str]]) -> Iterator[list[str]]:
    limit = max_cell_chars()
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if len(value) > limit:
                raise _too_long_cell(number, column)
        yield row


def _limited(rows: Iterable[list[str]], max_rows: int) -> list[list[str]]:
    """The non-empty rows, refusing as soon as there are more than ``max_rows`` data rows."""
    kept: list[list[str]] = []
    for seen, row in enumerate(_bounded(rows), start=1):
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

    _check_zip(io.BytesIO(content))
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


def _lines(text: str) -> Iterator[str]:
    """The physical lines of a CSV text, refusing one longer than the bound before the csv
    module splits it into cells."""
    limit = max_line_chars()
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if len(line) > limit:
            raise ValueError(
                _("Line %(row)s is too long (more than %(n)s characters).")
                % {"row": number, "n": limit}
            )
        yield line


def _csv_rows(content: bytes, max_rows: int) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(_("CSV files must be UTF-8 encoded.")) from exc
    first = next((line for line in _lines(text) if line.strip()), "")
    delimiter = max(";,\t", key=first.count)  # Swedish Excel writes ';', others ','
    try:
        return _limited(
            ([c.strip() for c in row] for row in csv.reader(_lines(text), delimiter=delimiter)),
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
    Swedish headers of a template) to ``columns``; missing required and unknown columns are one
    file error that names them all."""
    rows, _names = read_table_named(
        content, filename, columns=columns, required=required, max_rows=max_rows, aliases=aliases
    )
    return rows


def _header_key(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


def _suggest_column(header: str, candidates: Sequence[str]) -> list[str]:
    from rapidfuzz import fuzz, process

    hits = process.extract(
        _header_key(header), list(candidates), scorer=fuzz.WRatio, limit=3, score_cutoff=80
    )
    return list(dict.fromkeys(hit[0] for hit in hits))


def read_table_named(
    content: bytes,
    filename: str,
    *,
    columns: Sequence[str],
    required: Sequence[str],
    max_rows: int,
    aliases: dict[str, str] | None = None,
) -> tuple[list[dict[str, str]], dict[str, str]]:
    """:func:`read_table`, and the header of each column as the file writes it (``{column:
    header}``), so a report can name a column the way the person who made the file knows it.
    Aliases match with case, spaces, ``_`` and ``-`` ignored (``Kommun kod`` = ``kommunkod``)."""
    _check_size(len(content))
    if is_xlsx(filename):
        values = _xlsx_rows(content, len(columns) + 1 + len(aliases or {}), max_rows)
    else:
        values = _csv_rows(content, max_rows)
    if not values:
        raise ValueError(_("The file is empty."))
    lookup = {_header_key(c): c for c in columns}
    for alias, column in (aliases or {}).items():
        lookup.setdefault(_header_key(alias), column)
    written = [h.strip() for h in values[0]]
    header = [lookup.get(_header_key(h), _header_key(h)) if h else "" for h in written]
    missing = [c for c in required if c not in header]
    unknown = [w for w, h in zip(written, header, strict=True) if h and h not in columns]
    problems = []
    if missing:
        problems.append(_("Missing columns: %(cols)s.") % {"cols": ", ".join(missing)})
    for column in unknown:
        guesses = _suggest_column(column, list(lookup))
        if guesses:
            problems.append(
                _("Unknown column “%(col)s” — did you mean %(guess)s?")
                % {"col": column, "guess": _(" or ").join(f"“{g}”" for g in guesses)}
            )
        else:
            problems.append(_("Unknown column “%(col)s”.") % {"col": column})
    if problems:
        raise ValueError(" ".join(problems))
    names = {h: w for w, h in zip(written, header, strict=True) if h}
    rows = [
        dict(zip(header, row + [""] * (len(header) - len(row)), strict=False)) for row in values[1:]
    ]
    return rows, names


def read_json(content: bytes, *, max_rows: int) -> object:
    """An uploaded JSON document, bounded like the tables: the byte size before parsing, the
    number of records after (a list, or an object with a ``hits`` list as JobTech's API answers)."""
    import json

    _check_size(len(content))
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ValueError(_("The file is not readable JSON.")) from exc
    records = data.get("hits") if isinstance(data, dict) else data
    if not isinstance(records, list):
        raise ValueError(_("The JSON file must hold a list of ads or an object with “hits”."))
    if not records:
        raise ValueError(_("The file is empty."))
    if len(records) > max_rows:
        raise ValueError(_("At most %(n)s rows per file.") % {"n": max_rows})
    return records


def read_json_records(content: bytes, *, max_rows: int, max_bytes: int | None = None) -> list:
    """A JSON upload of records in either shape JobTech publishes: one document (a list, or an
    object with ``hits``) or JSON lines (one record per line, as in the historical-ads files).
    Bounded like ``read_json``; ``max_bytes`` lets an operator's command read a larger file."""
    import json

    if max_bytes is None:
        _check_size(len(content))
    elif len(content) > max_bytes:
        raise ValueError(_("The file is larger than %(mb)s MB.") % {"mb": _megabytes(max_bytes)})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(_("The file is not readable JSON.")) from exc
    if text.lstrip()[:1] == "[" or (text.lstrip()[:1] == "{" and '"hits"' in text[:2000]):
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            data = None
        if data is not None:
            records = data.get("hits") if isinstance(data, dict) else data
            if not isinstance(records, list):
                raise ValueError(
                    _("The JSON file must hold a list of ads or an object with “hits”.")
                )
            if len(records) > max_rows:
                raise ValueError(_("At most %(n)s rows per file.") % {"n": max_rows})
            if not records:
                raise ValueError(_("The file is empty."))
            return records
    records = []
    for number, line in enumerate(_lines(text), start=1):
        if not line.strip():
            continue
        if len(records) >= max_rows:
            raise ValueError(_("At most %(n)s rows per file.") % {"n": max_rows})
        try:
            records.append(json.loads(line))
        except (ValueError, RecursionError) as exc:
            raise ValueError(_("Line %(n)s is not readable JSON.") % {"n": number}) from exc
    if not records:
        raise ValueError(_("The file is empty."))
    return records


# --- writing ------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_TYPE}


def is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def escape_text(text: str) -> str:
    """A text for CSV that no spreadsheet reads as a formula: a leading ``'`` before ``=``, ``+``,
    ``-``, ``@``, tab or CR (OWASP)."""
    return "'" + text if is_formula_like(text) else text


@dataclass(frozen=True)
class Styled:
    """A cell with presentation: ``number_format`` for XLSX (e.g. ``'0" %"'``), ``text`` for CSV
    (by default the value itself), ``bold`` for titles."""

    value: object
    number_format: str = ""
    text: str | None = None
    bold: bool = False


@dataclass(frozen=True)
class Filter:
    """One filter an export was made with: shown as "label: value" in the title row; ``file_part``
    (by default the value, slugified) goes into the file name."""

    label: str
    value: str
    file_part: str | None = None

    @property
    def part(self) -> str:
        return slugify(self.file_part if self.file_part is not None else self.value)


@dataclass
class Sheet:
    """A sheet of the XLSX file; in CSV the sheets follow one another."""

    name: str
    rows: list[list] = field(default_factory=list)
    widths: dict[str, float] = field(default_factory=dict)

    def append(self, row: Iterable) -> None:
        self.rows.append(list(row))


@dataclass
class Export:
    """A downloadable file: ``name`` is the start of its file name (e.g. ``brygga-statistik``),
    ``title`` what it holds; ``filters`` are named in the file name and in the title row.
    ``title_row`` is False only for files a program reads by position (SCB's monthly file, the
    import templates our own reader reads header first); their filters are in the file name."""

    name: str
    title: str
    filters: list[Filter]
    sheets: list[Sheet]
    title_row: bool = True
    bom: bool = True

    def filename(self, kind: str) -> str:
        parts = [slugify(self.name), *(f.part for f in self.filters)]
        return "_".join(p for p in parts if p) + f".{kind}"

    def title_text(self) -> str:
        return " · ".join([self.title, *(f"{f.label}: {f.value}" for f in self.filters)])


def _csv_value(value) -> str | int | float | Decimal:
    if isinstance(value, Styled):
        if value.text is not None:
            # Our own rendering of a number ("-3 %") is not a formula; any other text is escaped.
            return value.text if is_number(value.value) else escape_text(value.text)
        value = value.value
    if value is None:
        return ""
    if is_number(value):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return escape_text(str(value))


def write_csv(export: Export) -> bytes:
    """UTF-8 (with a BOM for Excel), semicolons (Swedish Excel), CRLF; the title row, a blank
    row, then every sheet's rows."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    if export.title_row:
        writer.writerow([_csv_value(export.title_text())])
    for i, sheet in enumerate(export.sheets):
        if export.title_row or i:
            writer.writerow([])
        writer.writerows([_csv_value(v) for v in row] for row in sheet.rows)
    return (("\ufeff" if export.bom else "") + out.getvalue()).encode("utf-8")


def _xlsx_cell(sheet, row: int, column: int, value) -> None:
    from openpyxl.styles import Font

    styled = value if isinstance(value, Styled) else None
    if styled is not None:
        value = styled.value
    if isinstance(value, dt.datetime):
        value = value.date()
    if value is not None and not is_number(value) and not isinstance(value, dt.date):
        value = str(value)
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        # Never a formula: openpyxl would make "=…" one. A typed string with Excel's quote
        # prefix stays text even when someone edits the cell.
        cell.data_type = "s"
        if is_formula_like(value):
            cell.quotePrefix = True
    if styled is not None:
        if styled.number_format:
            cell.number_format = styled.number_format
        if styled.bold:
            cell.font = Font(bold=True)


def write_xlsx(export: Export) -> bytes:
    """One sheet per :class:`Sheet`, each starting with the title row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for spec in export.sheets or [Sheet(export.title)]:
        sheet = book.create_sheet(spec.name[:31] or "Sheet")
        offset = 0
        if export.title_row:
            _xlsx_cell(sheet, 1, 1, export.title_text())
            sheet.cell(row=1, column=1).font = Font(bold=True)
            offset = 2
        for r, row in enumerate(spec.rows, start=1 + offset):
            for c, value in enumerate(row, start=1):
                if value is not None and value != "":
                    _xlsx_cell(sheet, r, c, value)
        for column, width in spec.widths.items():
            sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write(export: Export, kind: str) -> bytes:
    if kind == "csv":
        return write_csv(export)
    if kind == "xlsx":
        return write_xlsx(export)
    raise ValueError(kind)


def export_response(export: Export, kind: str) -> HttpResponse:
    """The file as a download named for its filters."""
    response = HttpResponse(write(export, kind), content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = content_disposition_header(True, export.filename(kind))
    return response
