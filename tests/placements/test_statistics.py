"""The statistics selectors against a dataset whose answers were computed by hand
(tests/factories/statistics.py says who is in it)."""

import datetime as dt
import re

import pytest
import time_machine

from placements.reporting import statistics as st
from tests.factories.statistics import END, START, TODAY, build_statistics_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset(unit, guide, colleague_guide, manager):
    with time_machine.travel(dt.datetime(2026, 12, 31, 12), tick=False):
        yield build_statistics_dataset(
            unit=unit, guide=guide, colleague_guide=colleague_guide, by=manager
        )


@pytest.fixture
def report(dataset, unit):
    with time_machine.travel(dt.datetime(2026, 12, 31, 12), tick=False):
        scope = st.Scope(start=START, end=END, unit_ids=(unit.pk,), sections=st.ALL_SECTIONS)
        return st.build_report(scope)


def texts(report, table, row, share=False):
    t = report.table(table)
    found = next(r for r in t.rows if r.key == row)
    return [st.cell_text(c, share) for c in found.cells]


def test_today_is_after_the_period():
    assert START < END < TODAY


def test_participants_add_up_as_labelled(report):
    assert texts(report, "participants", "in_period") == ["59", "56", "1", "2", "118"]
    assert texts(report, "participants", "enrolled") == ["5", "4", "1", "0", "10"]
    assert texts(report, "participants", "active_at_end") == ["34", "32", "0", "2", "68"]
    assert texts(report, "participants", "exited") == ["25", "24", "1", "0", "50"]


def test_by_age_target_group_and_municipality(report):
    assert texts(report, "by_age", "under_25") == ["4", "0", "1", "0", "5"]
    assert texts(report, "by_age", "25_29") == ["2", "0", "0", "0", "2"]
    assert texts(report, "by_age", "30_54") == ["53", "53", "0", "0", "106"]
    assert texts(report, "by_age", "55_plus") == ["0", "3", "0", "0", "3"]
    assert texts(report, "by_age", "unknown") == ["0", "0", "0", "2", "2"]
    assert texts(report, "by_target_group", "newly_arrived") == ["8", "0", "0", "0", "8"]
    # the three long-term unemployed women who left before the period are not counted
    assert texts(report, "by_target_group", "long_term_unemployed") == ["0", "14", "0", "0", "14"]
    assert texts(report, "by_target_group", "reduced_work_capacity") == ["0", "0", "0", "2", "2"]
    assert texts(report, "by_target_group", "returning_from_sick_leave") == [
        "0",
        "1",
        "0",
        "0",
        "1",
    ]
    assert texts(report, "by_municipality", "0880") == ["38", "31", "1", "0", "70"]
    assert texts(report, "by_municipality", "0881") == ["13", "16", "0", "0", "29"]
    assert texts(report, "by_municipality", "0882") == ["8", "9", "0", "2", "19"]
    assert texts(report, "by_municipality", "total") == ["59", "56", "1", "2", "118"]


def test_outcomes_by_gender_are_shares_of_exits_rounded_once(report):
    t = "outcomes_by_gender"
    # columns: women n, %, men n, %, other n, %, unknown n, %, total n, %
    assert texts(report, t, "work_unsubsidised") == [
        "9",
        "36 %",
        "7",
        "29 %",
        "1",
        "100 %",
        "0",
        "–",
        "17",
        "34 %",
    ]
    assert texts(report, t, "work_subsidised") == [
        "3",
        "12 %",
        "5",
        "21 %",
        "0",
        "0 %",
        "0",
        "–",
        "8",
        "16 %",
    ]
    assert texts(report, t, "studies") == [
        "4",
        "16 %",
        "2",
        "8 %",
        "0",
        "0 %",
        "0",
        "–",
        "6",
        "12 %",
    ]
    assert texts(report, t, "practice_programme") == [
        "4",
        "16 %",
        "1",
        "4 %",
        "0",
        "0 %",
        "0",
        "–",
        "5",
        "10 %",
    ]
    assert texts(report, t, "job_seeking") == [
        "4",
        "16 %",
        "6",
        "25 %",
        "0",
        "0 %",
        "0",
        "–",
        "10",
        "20 %",
    ]
    # 3 of 24 = 12.5 % → 13 % (half up, not to even)
    assert texts(report, t, "other") == ["1", "4 %", "3", "13 %", "0", "0 %", "0", "–", "4", "8 %"]
    assert texts(report, t, "work_or_studies") == [
        "16",
        "64 %",
        "14",
        "58 %",
        "1",
        "100 %",
        "0",
        "–",
        "31",
        "62 %",
    ]
    assert texts(report, t, "exits") == [
        "25",
        "100 %",
        "24",
        "100 %",
        "1",
        "100 %",
        "0",
        "–",
        "50",
        "100 %",
    ]


def test_outcomes_by_municipality(report):
    t = "outcomes_by_municipality"
    # Kalmar, Nybro, Oskarshamn, total
    assert texts(report, t, "work_unsubsidised") == [
        "11",
        "33 %",
        "2",
        "18 %",
        "4",
        "67 %",
        "17",
        "34 %",
    ]
    assert texts(report, t, "work_subsidised") == [
        "5",
        "15 %",
        "3",
        "27 %",
        "0",
        "0 %",
        "8",
        "16 %",
    ]
    assert texts(report, t, "practice_programme") == [
        "4",
        "12 %",
        "0",
        "0 %",
        "1",
        "17 %",
        "5",
        "10 %",
    ]
    assert texts(report, t, "work_or_studies") == [
        "19",
        "58 %",
        "7",
        "64 %",
        "5",
        "83 %",
        "31",
        "62 %",
    ]
    assert texts(report, t, "exits") == ["33", "100 %", "11", "100 %", "6", "100 %", "50", "100 %"]


def test_the_method(report):
    # medians: women 101,101,101,131,131,131 → 116; men 31×4,111,111,112,112 → 71; all 14 → 106
    assert texts(report, "time_to", "first_practice") == ["116", "71", "–", "–", "106"]
    assert texts(report, "time_to", "first_practice_persons") == ["6", "8", "0", "0", "14"]
    assert texts(report, "time_to", "employment") == ["151", "161", "–", "–", "151"]
    assert texts(report, "retention", "due") == ["6", "4", "0", "0", "10"]
    assert texts(report, "retention", "held") == ["4", "4", "0", "0", "8"]
    assert texts(report, "retention", "share") == ["67 %", "100 %", "–", "–", "80 %"]
    assert texts(report, "funnel", "fa") == ["6", "8", "0", "0", "14"]
    assert texts(report, "funnel", "behalla") == ["6", "4", "0", "0", "10"]
    assert texts(report, "funnel", "exit_work") == ["12", "12", "1", "0", "25"]
    assert texts(report, "funnel", "returns") == ["1", "0", "0", "0", "1"]


def test_followups_per_guide_and_month(report, guide, colleague_guide):
    # planned, on time, late, missed, not yet due, on time %
    assert texts(report, "followups_by_guide", f"guide-{guide.pk}") == [
        "9",
        "6",
        "2",
        "1",
        "0",
        "67 %",
    ]
    assert texts(report, "followups_by_guide", f"guide-{colleague_guide.pk}") == [
        "5",
        "2",
        "0",
        "2",
        "1",
        "50 %",
    ]
    assert texts(report, "followups_by_guide", "unit") == ["14", "8", "2", "3", "1", "62 %"]
    assert texts(report, "followups_by_month", "2026-01") == ["3", "3", "0", "0", "0", "100 %"]
    assert texts(report, "followups_by_month", "2026-03") == ["2", "0", "2", "0", "0", "0 %"]
    assert texts(report, "followups_by_month", "2026-06") == ["3", "0", "0", "2", "1", "0 %"]
    assert len(report.table("followups_by_month").rows) == 6


def test_employers(report):
    assert texts(report, "employers", "active") == ["2"]
    assert texts(report, "employers", "new_contacts") == ["1"]
    assert texts(report, "employers", "study_visits") == ["1"]
    assert texts(report, "employers", "open_slots") == ["18"]
    assert texts(report, "placements_by_industry", "G") == ["6", "4", "0", "0", "10"]
    assert texts(report, "placements_by_industry", "H") == ["6", "8", "0", "0", "14"]
    assert texts(report, "placements_by_industry", "total") == ["12", "12", "0", "0", "24"]


def test_validations(report):
    assert texts(report, "ocn_by_module", "M1") == [
        "5",
        "3",
        "0",
        "0",
        "8",
        "3",
        "0",
        "0",
        "0",
        "3",
    ]
    assert texts(report, "ocn_by_module", "M2") == [
        "0",
        "3",
        "0",
        "0",
        "3",
        "0",
        "0",
        "0",
        "0",
        "0",
    ]
    assert texts(report, "ocn_by_module", "total") == [
        "5",
        "6",
        "0",
        "0",
        "11",
        "3",
        "0",
        "0",
        "0",
        "3",
    ]
    assert texts(report, "kga", "assessments") == ["3", "1", "0", "0", "4"]
    assert texts(report, "kga", "persons") == ["2", "1", "0", "0", "3"]


def test_esf_indicators(report):
    assert texts(report, "esf", "leavers") == ["25", "24", "1", "0", "50", "100 %"]
    assert texts(report, "esf", "employment") == ["12", "12", "1", "0", "25", "50 %"]
    assert texts(report, "esf", "education") == ["4", "2", "0", "0", "6", "12 %"]
    assert texts(report, "esf", "job_searching") == ["4", "6", "0", "0", "10", "20 %"]
    assert texts(report, "esf", "qualification") == ["3", "0", "0", "0", "3", "6 %"]
    assert texts(report, "esf", "six_months_due") == ["25", "24", "1", "0", "50", "100 %"]
    assert texts(report, "esf", "six_months_recorded") == ["6", "4", "0", "0", "10", "20 %"]
    assert texts(report, "esf", "six_months_employed") == ["5", "2", "0", "0", "7", "14 %"]


def test_sharing_suppresses_cells_under_five_persons(report):
    assert texts(report, "by_municipality", "0880", share=True) == ["38", "31", "<5", "0", "70"]
    assert texts(report, "by_municipality", "0882", share=True) == ["8", "9", "0", "<5", "19"]
    # a share whose numerator is under five persons is suppressed too
    assert texts(report, "outcomes_by_gender", "studies", share=True)[:4] == [
        "<5",
        "<5",
        "<5",
        "<5",
    ]
    # counts that are not about persons are never suppressed
    assert texts(report, "employers", "new_contacts", share=True) == ["1"]


def test_municipality_filter(dataset, unit):
    scope = st.Scope(
        start=START,
        end=END,
        unit_ids=(unit.pk,),
        municipality_code="0881",
        sections=("participants",),
    )
    report = st.build_report(scope)
    assert texts(report, "participants", "in_period") == ["13", "16", "0", "0", "29"]


def test_other_units_see_nothing(dataset, other_unit):
    scope = st.Scope(start=START, end=END, unit_ids=(other_unit.pk,), sections=st.ALL_SECTIONS)
    report = st.build_report(scope)
    assert texts(report, "participants", "in_period") == ["0", "0", "0", "0", "0"]
    assert texts(report, "employers", "active") == ["0"]


def test_percent_rounds_half_up_once():
    assert st.percent(1, 8) == 13  # 12.5
    assert st.percent(1, 3) == 33
    assert st.percent(2, 3) == 67
    assert st.percent(0, 0) is None


# --- the same numbers through the API, the page and both exports ------------------------------

FROZEN = dt.datetime(2026, 12, 31, 12)
QUERY = {"start": "2026-01-01", "end": "2026-06-30"}


def _api_row(data, table, row):
    for section in data["sections"]:
        for t in section["tables"]:
            if t["key"] == table:
                return [c["text"] for r in t["rows"] if r["key"] == row for c in r["cells"]]
    raise KeyError(table)


@time_machine.travel(FROZEN, tick=False)
def test_api_gives_the_same_numbers(dataset, manager, api):
    response = api(manager).get("/api/v1/statistics/", QUERY)
    assert response.status_code == 200
    data = response.json()
    assert _api_row(data, "participants", "in_period") == ["59", "56", "1", "2", "118"]
    assert _api_row(data, "outcomes_by_gender", "other")[2:4] == ["3", "13 %"]
    assert _api_row(data, "esf", "employment") == ["12", "12", "1", "0", "25", "50 %"]
    shared = api(manager).get("/api/v1/statistics/", {**QUERY, "share": "1"}).json()
    assert _api_row(shared, "by_municipality", "0880") == ["38", "31", "<5", "0", "70"]
    # a suppressed value is not given as a number either
    cells = next(
        r["cells"]
        for s in shared["sections"]
        for t in s["tables"]
        if t["key"] == "by_municipality"
        for r in t["rows"]
        if r["key"] == "0880"
    )
    assert cells[2]["value"] is None


def test_api_rejects_bad_filters_with_field_errors(manager, api):
    response = api(manager).get("/api/v1/statistics/", {"start": "2026-13-01", "end": "x"})
    assert response.status_code == 400
    assert set(response.json()) >= {"start", "end"}
    response = api(manager).get("/api/v1/statistics/", {"start": "2026-06-01", "end": "2026-01-01"})
    assert response.status_code == 400 and "end" in response.json()
    response = api(manager).get("/api/v1/statistics/", {"municipality": "9999"})
    assert response.status_code == 400 and "municipality" in response.json()


@time_machine.travel(FROZEN, tick=False)
def test_page_shows_the_same_numbers_with_charts(dataset, manager, client):
    client.force_login(manager)
    html = client.get("/statistik/", QUERY).content.decode()
    assert (
        '<tr data-row="in_period"><th scope="row">Deltagare under perioden</th><td>59</td><td>56</td><td>1</td><td>2</td><td>118</td></tr>'
        in html
    )
    assert "<td>3</td><td>13 %</td>" in html
    assert html.count("<svg") == 4  # municipality bars, industry bars, funnel, punctuality line
    assert "<script" not in html.split("</head>")[1] and "style=" not in html
    visible = re.sub(r"<[^>]+>", " ", html)  # what a person reads: no raw codes
    assert "work_unsubsidised" not in visible and "uppgift_saknas" not in visible
    assert "Arbete utan stöd" in visible and "Icke-binära/annat" in visible
    shared = client.get("/statistik/", {**QUERY, "share": "1"}).content.decode()
    assert "<td>38</td><td>31</td><td>&lt;5</td><td>0</td><td>70</td>" in shared
    printable = client.get("/statistik/rapport/", QUERY).content.decode()
    assert "<td>59</td><td>56</td><td>1</td><td>2</td><td>118</td>" in printable


@time_machine.travel(FROZEN, tick=False)
def test_csv_and_xlsx_have_exactly_the_page_numbers(dataset, manager, client):
    import csv
    import io

    from openpyxl import load_workbook

    client.force_login(manager)
    body = client.get("/statistik/export/csv/", QUERY).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert ["Deltagare under perioden", "59", "56", "1", "2", "118"] in rows
    assert ["Avslutade deltagare", "25", "24", "1", "0", "50", "100 %"] in rows
    assert ["Annat", "1", "4 %", "3", "13 %", "0", "0 %", "0", "–", "4", "8 %"] in rows
    shared = client.get("/statistik/export/csv/", {**QUERY, "share": "1"}).content.decode()
    assert "Kalmar;38;31;<5;0;70" in shared
    book = load_workbook(io.BytesIO(client.get("/statistik/export/xlsx/", QUERY).content))
    values = [list(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
    assert ["Deltagare under perioden", 59, 56, 1, 2, 118] in [r[:6] for r in values]
    other = next(r for r in values if r[0] == "Annat" and r[3] == 3)
    assert other[4] == 13  # 12.5 % → 13, the same as the page
