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
        (b"name;shoe_size\nFirma;42\n", "lista.csv", "Unknown columns: shoe_size"),
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
