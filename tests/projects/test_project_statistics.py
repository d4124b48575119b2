"""Two projects of one unit over shared municipalities report separately, each reproducing the
hand-built expectation of tests/factories/projects.py in the API, the pages and the exports."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from placements.reporting import statistics as st
from tests.factories.projects import END, START, build_project_dataset

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 31, 12, tzinfo=dt.UTC)

A_EXPECTED = {
    ("participants", "in_period"): ["2", "2", "0", "0", "4"],
    ("participants", "enrolled"): ["0", "1", "0", "0", "1"],
    ("participants", "active_at_end"): ["0", "0", "0", "0", "0"],
    ("participants", "exited"): ["0", "1", "0", "0", "1"],
    ("participants", "left_project"): ["2", "1", "0", "0", "3"],
    ("by_municipality", "0880"): ["1", "1", "0", "0", "2"],
    ("by_municipality", "0881"): ["1", "1", "0", "0", "2"],
    ("started_work_or_studies", "in_period"): ["2", "2", "0", "0", "4"],
    ("started_work_or_studies", "started"): ["1", "1", "0", "0", "2"],
    ("started_work_or_studies", "share"): ["50 %", "50 %", "–", "–", "50 %"],
}
B_EXPECTED = {
    ("participants", "in_period"): ["2", "3", "0", "0", "5"],
    ("participants", "enrolled"): ["2", "3", "0", "0", "5"],
    ("participants", "active_at_end"): ["1", "2", "0", "0", "3"],
    ("participants", "exited"): ["1", "1", "0", "0", "2"],
    ("participants", "left_project"): ["0", "0", "0", "0", "0"],
    ("by_municipality", "0880"): ["2", "1", "0", "0", "3"],
    ("by_municipality", "0881"): ["0", "2", "0", "0", "2"],
    ("started_work_or_studies", "in_period"): ["2", "3", "0", "0", "5"],
    ("started_work_or_studies", "started"): ["1", "2", "0", "0", "3"],
    ("started_work_or_studies", "share"): ["50 %", "67 %", "–", "–", "60 %"],
}


@pytest.fixture
def data(unit, guide, manager):
    with time_machine.travel(NOW, tick=False):
        yield build_project_dataset(unit=unit, guide=guide, by=manager)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _query(project):
    return {"start": START.isoformat(), "end": END.isoformat(), "project": project.pk}


def _api_rows(body) -> dict:
    return {
        (t["key"], r["key"]): [c["text"] for c in r["cells"]]
        for s in body["sections"]
        for t in s["tables"]
        for r in t["rows"]
    }


@pytest.mark.parametrize("which", ["a", "b"])
def test_each_project_reproduces_its_hand_built_figures_in_the_api(
    data, frozen, api, manager, which
):
    expected = A_EXPECTED if which == "a" else B_EXPECTED
    response = api(manager).get("/api/v1/statistics/", _query(data[which]))
    assert response.status_code == 200, response.content
    assert response.json()["filters"]["project"] == data[which].pk
    rows = _api_rows(response.json())
    for key, cells in expected.items():
        assert rows[key] == cells, key


def test_the_unit_report_without_a_project_counts_everyone_and_no_project_rows(data, frozen, unit):
    report = st.build_report(
        st.Scope(start=START, end=END, unit_ids=(unit.pk,), sections=st.ALL_SECTIONS)
    )
    keys = {t.key for s in report.sections for t in s.tables}
    assert "started_work_or_studies" not in keys
    in_period = next(r for r in report.table("participants").rows if r.key == "in_period")
    # a1, a2, a4, a5, b1–b4 and p0 (a3 too: the programme's enrolment knows no project end)
    assert [st.cell_text(c) for c in in_period.cells] == ["6", "4", "0", "0", "10"]


def test_a_project_that_ended_counts_nobody_in_later_periods(data, frozen, unit):
    scope = st.Scope(
        start=dt.date(2026, 7, 1),
        end=dt.date(2026, 12, 31),
        unit_ids=(unit.pk,),
        sections=("participants",),
        project_id=data["a"].pk,
    )
    row = next(r for r in st.build_report(scope).table("participants").rows if r.key == "in_period")
    assert [st.cell_text(c) for c in row.cells] == ["0", "0", "0", "0", "0"]


@pytest.mark.parametrize("which", ["a", "b"])
def test_the_page_shows_the_same_figures_and_links_the_persons(data, frozen, manager, which):
    client = Client()
    client.force_login(manager)
    response = client.get("/statistik/", _query(data[which]))
    assert response.status_code == 200
    report = response.context["report"]
    for (table, row), cells in (A_EXPECTED if which == "a" else B_EXPECTED).items():
        found = next(r for r in report.table(table).rows if r.key == row)
        assert [st.cell_text(c) for c in found.cells] == cells
    html = response.content.decode()
    assert "Började arbeta eller studera under projektet" in html
    assert 'id="started-persons"' in html
    assert f'<option value="{data[which].pk}" selected>{data[which].name}</option>' in html


def test_the_csv_export_names_the_project_in_file_name_and_title_row(data, frozen, manager):
    client = Client()
    client.force_login(manager)
    response = client.get("/statistik/export/csv/", _query(data["b"]))
    assert response.status_code == 200
    assert "nasta-steg" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert "Projekt: Nästa Steg" in rows[0][0]
    started = next(r for r in rows if r and r[0] == "Andel som började arbeta eller studera")
    assert started[1:6] == ["50 %", "67 %", "–", "–", "60 %"]


def test_the_xlsx_export_from_the_api_names_the_project(data, frozen, api, manager):
    response = api(manager).get("/api/v1/statistics/export/", {**_query(data["a"]), "file": "xlsx"})
    assert response.status_code == 200
    assert "vagen-in" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert "Projekt: Vägen In" in book.worksheets[0]["A1"].value
    values = [[c.value for c in row] for sheet in book for row in sheet.iter_rows() if row[0].value]
    left = next(v for v in values if v[0] == "Lämnade projektet under perioden utan avslut")
    assert left[1:6] == [2, 1, 0, 0, 3]


def test_the_persons_behind_the_started_share(data, frozen, api, manager):
    people = data["people"]
    response = api(manager).get("/api/v1/statistics/started/", _query(data["b"]))
    assert response.status_code == 200
    got = [(r["participant"], r["kind"], r["started_on"]) for r in response.json()]
    assert got == [
        (people["b4"].pk, "work", "2026-03-03"),
        (people["b2"].pk, "studies", "2026-04-30"),
        (people["a4"].pk, "studies", "2026-05-01"),
    ]
    response = api(manager).get("/api/v1/statistics/started/", _query(data["a"]))
    assert [r["participant"] for r in response.json()] == [people["a2"].pk, people["a1"].pk]
    client = Client()
    client.force_login(manager)
    page = client.get("/statistik/borjade/", _query(data["a"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert people["a1"].code in html and people["a2"].code in html
    assert people["b4"].code not in html
    assert "Anställning" in html and "Studier" in html


def test_the_started_list_needs_a_project(data, frozen, api, manager):
    response = api(manager).get("/api/v1/statistics/started/", {"start": "2026-01-01"})
    assert response.status_code == 400
    assert "project" in response.json()


def test_another_units_project_is_an_unknown_filter(data, frozen, api, foreign_guide):
    for url in ("/api/v1/statistics/", "/api/v1/statistics/started/"):
        response = api(foreign_guide).get(url, _query(data["a"]))
        assert response.status_code == 400
        assert "project" in response.json()


def test_a_guide_sees_only_their_own_participants_in_the_project(
    data, frozen, api, colleague_guide
):
    response = api(colleague_guide).get("/api/v1/statistics/", _query(data["b"]))
    rows = _api_rows(response.json())
    assert rows[("participants", "in_period")] == ["0", "0", "0", "0", "0"]
    response = api(colleague_guide).get("/api/v1/statistics/started/", _query(data["b"]))
    assert response.json() == []


def test_the_overview_and_the_print_report_follow_the_project(data, frozen, manager):
    client = Client()
    client.force_login(manager)
    response = client.get("/oversikt/", _query(data["a"]))
    assert response.status_code == 200
    rows = {r.key: [st.cell_text(c) for c in r.cells] for r in response.context["summary"].rows}
    assert rows["in_period"] == A_EXPECTED[("participants", "in_period")]
    assert rows["left_project"] == A_EXPECTED[("participants", "left_project")]
    html = response.content.decode()
    assert f'<option value="{data["a"].pk}" selected>Vägen In</option>' in html
    printed = client.get("/statistik/rapport/", _query(data["b"]))
    assert printed.status_code == 200
    assert "Projekt Nästa Steg" in printed.content.decode()
