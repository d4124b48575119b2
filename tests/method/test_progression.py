"""Progression: figures from a dataset with hand-computed answers (API, page, export), the rules
of the answers (the guide never overwrites the participant's), the due list, the answering page
by link, and per-role access to every page."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from core.models import Municipality
from matching.choices import Rater
from matching.models import ProgressionAnswer, ProgressionIndicator, ProgressionMeasurement
from matching.participants.services import progression
from matching.participants.services.consent_links import personal_link_issue, personal_link_revoke
from matching.participants.services.progression_link import participant_for_token
from placements.reporting import progression as ps
from placements.reporting import statistics as st
from tests.factories.matching import ParticipantFactory

pytestmark = pytest.mark.django_db
PERIOD = {"start": "2026-01-01", "end": "2026-06-30"}


def only(*keys):
    ProgressionIndicator.objects.exclude(key__in=keys).update(active=False)
    return [ProgressionIndicator.objects.get(key=k) for k in keys]


def measure(participant, day, a, b, rater=Rater.PARTICIPANT, kind="interval"):
    ind_a, ind_b = (
        ProgressionIndicator.objects.get(key="tro-pa-mig-sjalv"),
        (ProgressionIndicator.objects.get(key="initiativ")),
    )
    m = ProgressionMeasurement.objects.create(participant=participant, kind=kind, taken_on=day)
    for ind, value in ((ind_a, a), (ind_b, b)):
        ProgressionAnswer.objects.create(
            measurement=m, indicator=ind, rater=rater, value=value, source="link"
        )
    return m


@pytest.fixture
def dataset(unit, guide):
    """Two indicators in use: A (tro på mig själv) and B (initiativ). In the period
    2026-01-01 – 2026-06-30:
    W1 (woman, Kalmar) A 4→7, B 6→6; W2 (woman, Kalmar) A 5→(4)→6, B 5→(5)→8;
    M1 (man, Nybro) A 8, B 3, no second (a later one after the period is ignored);
    M2 (man, Nybro) A 6→5, B 6→4. X started before the period; W3 has only a guide rating.
    Indicator A: start 23/4 = 5.75 → 5.8; latest (7+6+5)/3 = 6.0; change 3/3 = 1.0; improved 2/3.
    Indicator B: start 20/4 = 5.0; latest 18/3 = 6.0; change 1/3 → 0.3; improved 1/3.
    Index by gender: women start 5.0, latest 6.75 → 6.8, change 1.75 → 1.8, 2 of 2 followed up
    and improved; men start 5.75 → 5.8, 1 of 2 followed up, latest 4.5, change -1.5, 0 improved.
    Total: start 21.5/4 = 5.375 → 5.4; 3 of 4 followed (75 %); latest 6.0; change 2/3 → 0.7;
    improved 2 of 3 (67 %)."""
    only("tro-pa-mig-sjalv", "initiativ")
    kalmar = Municipality.objects.get(code="0880")
    nybro = Municipality.objects.get(code="0881")

    def person(gender, municipality):
        return ParticipantFactory(
            unit=unit,
            guide=guide,
            gender=gender,
            municipality=municipality,
            enrolled_on=dt.date(2025, 11, 1),
        )

    w1, w2, w3, x = (person("kvinna", kalmar) for _ in range(4))
    m1, m2 = (person("man", nybro) for _ in range(2))
    measure(w1, dt.date(2026, 1, 10), 4, 6, kind="start")
    measure(w1, dt.date(2026, 4, 10), 7, 6)
    measure(w2, dt.date(2026, 2, 1), 5, 5, kind="start")
    measure(w2, dt.date(2026, 5, 1), 4, 5)
    measure(w2, dt.date(2026, 6, 20), 6, 8)
    measure(m1, dt.date(2026, 3, 1), 8, 3, kind="start")
    measure(m1, dt.date(2026, 7, 5), 10, 10)
    measure(m2, dt.date(2026, 1, 15), 6, 6, kind="start")
    measure(m2, dt.date(2026, 4, 15), 5, 4)
    measure(x, dt.date(2025, 12, 1), 1, 1, kind="start")
    measure(x, dt.date(2026, 3, 1), 9, 9)
    measure(w3, dt.date(2026, 3, 1), 9, 9, rater=Rater.GUIDE)
    return {"w1": w1, "m1": m1}


EXPECTED_INDICATORS = {
    "tro-pa-mig-sjalv": ["5.8", "4", "6.0", "3", "1.0", "67 %", "3"],
    "initiativ": ["5.0", "4", "6.0", "3", "0.3", "33 %", "3"],
}
EXPECTED_GENDER = {
    "kvinna": ["2", "5.0", "2", "100 %", "6.8", "1.8", "100 %"],
    "man": ["2", "5.8", "1", "50 %", "4.5", "-1.5", "0 %"],
    "annat": ["0", "–", "0", "–", "–", "–", "–"],
    "total": ["4", "5.4", "3", "75 %", "6.0", "0.7", "67 %"],
}


def rows(table):
    return {r.key: [st.cell_text(c) for c in r.cells] for r in table.rows}


def test_the_figures(dataset, unit, manager):
    scope, errors = st.parse_filters(manager, PERIOD)
    assert not errors
    report = ps.build_progression_report(scope)
    indicators = rows(report.table("progression_indicators"))
    assert indicators == EXPECTED_INDICATORS
    gender = rows(report.table("progression_by_gender"))
    for key, expected in EXPECTED_GENDER.items():
        assert gender[key] == expected, key
    municipality = rows(report.table("progression_by_municipality"))
    assert municipality["0880"] == EXPECTED_GENDER["kvinna"]
    assert municipality["0881"] == EXPECTED_GENDER["man"]


def test_the_api_page_and_exports_agree(dataset, manager, api, client):
    data = api(manager).get("/api/v1/progression/statistics/", PERIOD).json()
    tables = {t["key"]: t for t in data["sections"][0]["tables"]}
    api_rows = {
        r["key"]: [c["text"] for c in r["cells"]] for r in tables["progression_by_gender"]["rows"]
    }
    assert api_rows["total"] == EXPECTED_GENDER["total"]
    first = tables["progression_indicators"]["rows"][0]
    assert first["cells"][0]["value"] == 5.8 and first["cells"][1]["value"] == 4
    client.force_login(manager)
    html = client.get(reverse("portal:progression_statistics"), PERIOD).content.decode()
    assert "5.8" in html and "67 %" in html and "Tro på mig själv" in html
    body = client.get(reverse("portal:progression_statistics_export", args=["csv"]), PERIOD)
    lines = list(csv.reader(io.StringIO(body.content.decode("utf-8-sig")), delimiter=";"))
    assert ["Tro på mig själv", *EXPECTED_INDICATORS["tro-pa-mig-sjalv"]] in lines
    assert ["Män", *EXPECTED_GENDER["man"]] in lines
    xlsx = client.get(reverse("portal:progression_statistics_export", args=["xlsx"]), PERIOD)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    got = {r[0]: r[1:8] for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert got["Initiativförmåga"] == (5.0, 4, 6.0, 3, 0.3, 33, 3)


def test_a_guide_rating_never_overwrites_the_participant(unit, guide, colleague_guide):
    ind_a, ind_b = only("tro-pa-mig-sjalv", "initiativ")
    p = ParticipantFactory(unit=unit, guide=guide)
    m = progression.measurement_open(participant=p, by=None, kind="start")
    progression.participant_answers_record(measurement=m, values={ind_a.pk: 3, ind_b.pk: 4})
    progression.guide_rating_record(measurement=m, values={ind_a.pk: 8}, by=guide)
    progression.guide_rating_record(measurement=m, values={ind_a.pk: 7}, by=guide)
    assert [(i.key, own, g) for i, own, g in progression.side_by_side(m)] == [
        ("tro-pa-mig-sjalv", 3, 7),
        ("initiativ", 4, None),
    ]
    with pytest.raises(ValidationError) as exc:
        progression.participant_answers_record(
            measurement=m, values={ind_a.pk: 9, ind_b.pk: 9}, by=guide
        )
    assert "measurement" in exc.value.message_dict
    from core.exceptions import Forbidden

    with pytest.raises(Forbidden):
        progression.guide_rating_record(measurement=m, values={ind_a.pk: 1}, by=colleague_guide)
    with pytest.raises(ValidationError):
        progression.guide_rating_record(measurement=m, values={ind_a.pk: 11}, by=guide)
    assert ProgressionAnswer.objects.filter(measurement=m, rater=Rater.PARTICIPANT).count() == 2


def test_measurements_are_due_at_start_interval_and_exit(unit, guide):
    ind_a, ind_b = only("tro-pa-mig-sjalv", "initiativ")
    p = ParticipantFactory(unit=unit, guide=guide, enrolled_on=dt.date(2026, 1, 5))
    today = dt.date(2026, 1, 20)
    assert progression.due_for(p, today).kind == "start"
    m = progression.measurement_open(
        participant=p, by=guide, kind="start", taken_on=dt.date(2026, 1, 6)
    )
    progression.participant_answers_record(
        measurement=m, values={ind_a.pk: 5, ind_b.pk: 5}, by=guide
    )
    p.refresh_from_db()
    assert progression.due_for(p, today) is None
    due = progression.due_for(p, dt.date(2026, 4, 1))
    assert (due.kind, due.due_on) == ("interval", dt.date(2026, 4, 6))
    with time_machine.travel(dt.datetime(2026, 4, 7, 12), tick=False):
        assert [d.participant for d in progression.due_measurements(guide)] == [p]


def test_the_due_list_gives_what_due_for_gives_each_participant_and_reads_no_answers(
    unit, guide, colleague_guide
):
    """The guide's list (read in three queries) and one participant's ``due_for`` agree for
    every case of the rule: no start yet, start done and nothing due, an interval due, a guide's
    rating alone (not answered), exited without and with an exit measurement, and another
    guide's participant left out. The list builds no measurement or answer objects, so it costs
    the same however many ratings the participants have."""
    from unittest import mock

    from matching.participants.services.participants import participant_set_phase

    only("tro-pa-mig-sjalv", "initiativ")
    enrolled = dt.date(2026, 1, 5)
    people = {
        name: ParticipantFactory(unit=unit, guide=guide, enrolled_on=enrolled)
        for name in ("new", "fresh", "interval", "guide_only", "exited", "exited_done")
    }
    theirs = ParticipantFactory(unit=unit, guide=colleague_guide, enrolled_on=enrolled)
    for name in ("fresh", "exited", "exited_done"):
        measure(people[name], dt.date(2026, 3, 20), 5, 5, kind="start")
    measure(people["interval"], dt.date(2026, 1, 6), 5, 5, kind="start")
    measure(people["guide_only"], dt.date(2026, 1, 6), 5, 5, rater=Rater.GUIDE, kind="start")
    measure(theirs, dt.date(2026, 1, 6), 5, 5, kind="start")
    with time_machine.travel(dt.datetime(2026, 4, 2, 12), tick=False):
        for name in ("exited", "exited_done"):
            participant_set_phase(participant=people[name], by=guide, phase="exited", reason="x")
        measure(people["exited_done"], dt.date(2026, 4, 2), 6, 6, kind="exit")
        built = []
        original = ProgressionAnswer.from_db.__func__, ProgressionMeasurement.from_db.__func__

        def counting(index):
            return classmethod(lambda cls, *a: built.append(cls) or original[index](cls, *a))

        with (
            mock.patch.object(ProgressionAnswer, "from_db", counting(0)),
            mock.patch.object(ProgressionMeasurement, "from_db", counting(1)),
        ):
            listed = progression.due_measurements(guide)
        assert built == []
        expected = []
        for p in people.values():
            p.refresh_from_db()
            if due := progression.due_for(p):
                expected.append(due)
    got = {(d.participant.pk, d.kind, d.due_on) for d in listed}
    assert got == {(d.participant.pk, d.kind, d.due_on) for d in expected}
    assert got == {
        (people["new"].pk, "start", enrolled),
        (people["guide_only"].pk, "start", enrolled),
        (people["interval"].pk, "interval", dt.date(2026, 4, 6)),
        (people["exited"].pk, "exit", dt.date(2026, 4, 2)),
    }


def test_participant_answers_through_the_link(unit, guide, client):
    ind_a, ind_b = only("tro-pa-mig-sjalv", "initiativ")
    p = ParticipantFactory(unit=unit, guide=guide)
    token = personal_link_issue(participant=p, by=guide, channel="print").token
    assert participant_for_token(token) == p and participant_for_token("x" + token) is None
    response = client.get(reverse("portal:progression_open", args=[token]))
    assert response.status_code == 302 and token not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "Jag tror på mig själv." in page and "Initiativ" not in page
    assert "portal/progression.js" in page and "data-read-aloud" in page and "<script>" not in page
    answer = reverse("portal:progression_answer")
    assert client.post(answer, {"step": 1, "value": "11"}).status_code == 400
    client.post(answer, {"step": 1, "value": "3"})
    client.post(answer, {"step": 2, "value": "8"})
    done = client.post(answer, {"step": 3})
    assert done.status_code == 200 and "Tack" in done.content.decode()
    m = ProgressionMeasurement.objects.get(participant=p)
    assert [(i.key, own) for i, own, _g in progression.side_by_side(m)] == [
        ("tro-pa-mig-sjalv", 3),
        ("initiativ", 8),
    ]
    assert client.get(answer).status_code == 404  # the session ends with the answers


def test_a_bad_link_shows_a_plain_page(client):
    response = client.get(reverse("portal:progression_open", args=["nope"]))
    assert response.status_code == 404 and "Länken fungerar inte" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "detail", "due", "stats"),
    [
        ("coordinator", 200, 403, 403),
        ("guide", 200, 200, 200),
        ("colleague_guide", 200, 200, 200),
        ("foreign_guide", 404, 200, 200),
        ("manager", 200, 200, 200),
        ("admin_user", 200, 200, 200),
        ("employer_user", 403, 403, 403),
    ],
)
def test_progression_pages_per_role(dataset, request, client, who, detail, due, stats):
    user = request.getfixturevalue(who)
    client.force_login(user)
    w1 = dataset["w1"]
    page = client.get(reverse("portal:participant_progression", args=[w1.pk]))
    assert page.status_code == detail
    m = w1.progression_measurements.first()
    assert client.get(reverse("portal:progression_measurement", args=[m.pk])).status_code == detail
    if detail == 200:
        html = page.content.decode()
        # only the assigned guide and admins get the forms
        assert ("Öppna en mätning" in html) == (who in ("guide", "admin_user"))
    assert client.get(reverse("portal:progression_due")).status_code == due
    assert client.get(reverse("portal:progression_statistics"), PERIOD).status_code == stats


def test_guide_on_the_measurement_page(dataset, guide, colleague_guide, client):
    m = dataset["w1"].progression_measurements.first()
    url = reverse("portal:progression_measurement", args=[m.pk])
    ind = ProgressionIndicator.objects.get(key="tro-pa-mig-sjalv")
    client.force_login(colleague_guide)
    assert client.post(url, {"rater": "guide", f"indicator_{ind.pk}": "2"}).status_code == 403
    client.force_login(guide)
    assert client.post(url, {"rater": "guide", f"indicator_{ind.pk}": "2"}).status_code == 302
    page = client.get(url).content.decode()
    assert 'data-indicator="tro-pa-mig-sjalv"' in page
    row = page.split('data-indicator="tro-pa-mig-sjalv"')[1].split("</tr>")[0]
    assert '<td class="own">4</td>' in row and '<td class="guide">2</td>' in row
    refused = client.post(url, {"rater": "participant", f"indicator_{ind.pk}": "9"})
    assert refused.status_code == 400 and 'role="alert"' in refused.content.decode()


def test_api_measurements(dataset, guide, coordinator, api):
    w1 = dataset["w1"]
    ind = ProgressionIndicator.objects.get(key="initiativ")
    listed = api(coordinator).get("/api/v1/progression/measurements/", {"participant": w1.pk})
    assert listed.status_code == 200 and len(listed.json()) == 2
    created = api(guide).post(
        "/api/v1/progression/measurements/",
        {"participant": w1.pk, "kind": "interval"},
        format="json",
    )
    assert created.status_code == 201
    mid = created.json()["id"]
    assert (
        api(coordinator)
        .post(
            f"/api/v1/progression/measurements/{mid}/",
            {"rater": "guide", "values": {ind.pk: 5}},
            format="json",
        )
        .status_code
        == 403
    )
    bad = api(guide).post(
        f"/api/v1/progression/measurements/{mid}/",
        {"rater": "guide", "values": {ind.pk: 0}},
        format="json",
    )
    assert bad.status_code == 400
    ok = api(guide).post(
        f"/api/v1/progression/measurements/{mid}/",
        {"rater": "guide", "values": {ind.pk: 5}},
        format="json",
    )
    assert ok.status_code == 200
    assert [a["guide"] for a in ok.json()["answers"] if a["indicator"] == ind.pk] == [5]


def test_due_measurements_are_on_the_guides_follow_up_list(unit, guide, colleague_guide, client):
    only("tro-pa-mig-sjalv", "initiativ")
    mine = ParticipantFactory(unit=unit, guide=guide, enrolled_on=dt.date(2026, 1, 5))
    theirs = ParticipantFactory(unit=unit, guide=colleague_guide, enrolled_on=dt.date(2026, 1, 5))
    client.force_login(guide)
    html = client.get(reverse("portal:followups")).content.decode()
    assert "Mätningar av stegförflyttning att göra" in html
    assert mine.code in html and theirs.code not in html and "Vid inskrivning" in html


def test_an_exit_makes_an_exit_measurement_due(unit, guide):
    from matching.participants.services.participants import participant_set_phase

    ind_a, ind_b = only("tro-pa-mig-sjalv", "initiativ")
    p = ParticipantFactory(unit=unit, guide=guide, enrolled_on=dt.date(2026, 1, 5))
    m = progression.measurement_open(participant=p, by=guide, kind="start")
    progression.participant_answers_record(
        measurement=m, values={ind_a.pk: 5, ind_b.pk: 5}, by=guide
    )
    participant_set_phase(participant=p, by=guide, phase="exited", reason="Avslut")
    p.refresh_from_db()
    assert progression.due_for(p).kind == "exit"
    m = progression.measurement_open(participant=p, by=guide, kind="exit")
    progression.participant_answers_record(
        measurement=m, values={ind_a.pk: 6, ind_b.pk: 6}, by=guide
    )
    assert progression.due_for(p) is None


def test_own_page_leads_to_the_questions_and_revoking_the_link_ends_it(unit, guide, client):
    only("tro-pa-mig-sjalv", "initiativ")
    p = ParticipantFactory(unit=unit, guide=guide)
    token = personal_link_issue(participant=p, by=guide, channel="print").token
    own = client.get(reverse("portal:own_open", args=[token]), follow=True).content.decode()
    assert reverse("portal:progression_answer") in own
    assert (
        "Jag tror på mig själv."
        in client.get(reverse("portal:progression_answer")).content.decode()
    )
    personal_link_revoke(participant=p, by=guide)
    assert client.get(reverse("portal:progression_answer")).status_code == 404
    assert participant_for_token(token) is None


def test_shared_exports_suppress_cells_under_five_persons(dataset, manager, client, api):
    """The statistics' rule: the men's cells (1–2 persons) become "<5" when shared, page and
    API."""
    client.force_login(manager)
    shared = {**PERIOD, "share": "1"}
    body = client.get(reverse("portal:progression_statistics_export", args=["csv"]), shared)
    lines = list(csv.reader(io.StringIO(body.content.decode("utf-8-sig")), delimiter=";"))
    # Improved: 0 of 1 is about no one, so it shows (the rule suppresses 1–4 persons).
    assert ["Män", *["<5"] * 6, "0 %"] in lines
    assert "delning" in body["Content-Disposition"]
    api_body = api(manager).get(
        "/api/v1/progression/statistics/export/", {**shared, "file": "xlsx", "share": "ja"}
    )
    sheet = load_workbook(io.BytesIO(api_body.content)).active
    got = {r[0]: r[1:8] for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert got["Män"] == ("<5",) * 6 + (0,)


def test_the_progression_report_matches_the_schema(dataset, manager, api):
    """A mean such as the men's latest index, 4.5, is a number: the schema said integer and
    schemathesis refused the answer (issue 20)."""
    from tests.security.test_permission_matrix import schema_violation
    from tests.security.test_schemathesis import SCHEMA

    path = "/api/v1/progression/statistics/?start=2026-01-01&end=2026-06-30"
    response = api(manager).get(path)
    assert response.status_code == 200
    values = [
        c["value"]
        for s in response.json()["sections"]
        for t in s["tables"]
        for r in t["rows"]
        for c in r["cells"]
    ]
    assert 4.5 in values
    op = SCHEMA["/api/v1/progression/statistics/"]["GET"]
    assert schema_violation(op, path, response) == ""
