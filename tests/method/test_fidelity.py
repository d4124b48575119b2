"""Fidelity items from a dataset whose answers were computed by hand (quarter 2026-Q2:
1 April – 30 June, 91 days = 13 weeks), in the selector, the API, the page and the exports."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from employers.models import Interaction
from placements.models import Exit
from placements.reporting import fidelity as fd
from tests.factories.employers import EmployerFactory, SiteFactory, TaskProfileFactory
from tests.factories.matching import ParticipantFactory
from tests.factories.placements import PlacementFactory

pytestmark = pytest.mark.django_db
Q = "2026-Q2"


def contact(employer, by, day, *participants):
    i = Interaction.objects.create(employer=employer, by=by, kind="call", occurred_on=day)
    i.participants.set(participants)
    return i


@pytest.fixture
def world(unit, guide, colleague_guide, coordinator, manager):
    """gustav: 22 active participants (caseload 22 → 4) and one who left in May; greta: 2.
    Unit caseload 24 / 2 guides = 12.0 → 5.
    First employer contacts in Q2: P1 after 10 days, P2 after 70 → mean 40.0 → 4. Greta's P3
    had hers in Q1 (not counted).
    Contacts naming a participant in Q2: 26, all for gustav's → 26 / 13 weeks = 2.0 → 2; unit
    26 / 2 guides / 13 = 1.0 → 1. A generic contact naming nobody does not count.
    Jobs (hired in Q2), all gustav's: 4, one with wage subsidy → competitive 75 % → 3; at 3
    employers → 75 % → 4; 2 job titles → 50 % → 1."""
    e1, e2, e3 = (EmployerFactory(unit=unit, name=n) for n in ("Alfa AB", "Beta AB", "Gamma AB"))
    mine = [
        ParticipantFactory(unit=unit, guide=guide, enrolled_on=dt.date(2026, 1, 10))
        for _ in range(22)
    ]
    p1, p2 = mine[0], mine[1]
    p1.enrolled_on = dt.date(2026, 4, 1)
    p1.save()
    p2.enrolled_on = dt.date(2026, 3, 1)
    p2.save()
    left = ParticipantFactory(unit=unit, guide=guide, enrolled_on=dt.date(2026, 1, 10))
    Exit.objects.create(
        participant=left, exited_on=dt.date(2026, 5, 1), outcome="job_seeking", by=guide
    )
    hers = [
        ParticipantFactory(unit=unit, guide=colleague_guide, enrolled_on=dt.date(2026, 1, 1))
        for _ in range(2)
    ]
    contact(e1, coordinator, dt.date(2026, 1, 20), hers[0])
    contact(e1, coordinator, dt.date(2026, 4, 11), p1)
    contact(e2, coordinator, dt.date(2026, 5, 10), p2)
    for i in range(24):
        contact(e3, coordinator, dt.date(2026, 4, 12) + dt.timedelta(days=i), p1)
    contact(e3, coordinator, dt.date(2026, 5, 5))  # generic, names nobody
    profiles = [
        TaskProfileFactory(employer=e, site=SiteFactory(employer=e), title=t)
        for e, t in ((e1, "Lager"), (e1, "Lager"), (e2, "Kök"), (e3, "Kök"))
    ]
    for n, (profile, subsidy) in enumerate(
        zip(profiles, ["none", "none", "lonestod", "none"], strict=True)
    ):
        PlacementFactory(
            participant=mine[2 + n],
            task_profile=profile,
            kind="employment",
            subsidy_type=subsidy,
            status="ongoing",
            phase="behalla",
            planned_start=dt.date(2026, 4, 1),
            started_on=dt.date(2026, 4, 1),
            hired_on=dt.date(2026, 5, 1),
        )
    return {"p1": p1, "p2": p2, "hers": hers, "left": left}


def figures(part):
    return {k: (part.items[k].value, part.items[k].score, part.items[k].n) for k in fd.ITEMS}


def test_scores_on_the_anchors():
    assert [fd.score("caseload", v) for v in (20, 21, 25, 26, 30, 31, 40, 41)] == [
        5,
        4,
        4,
        3,
        3,
        2,
        2,
        1,
    ]
    assert [fd.score("days_to_contact", v) for v in (30, 31, 60, 61, 150, 151, 270, 271)] == [
        5,
        4,
        4,
        3,
        3,
        2,
        2,
        1,
    ]
    assert [fd.score("contacts_per_week", v) for v in (6, 5.9, 5, 4, 3.9, 2, 1.9)] == [
        5,
        4,
        4,
        3,
        2,
        2,
        1,
    ]
    assert [fd.score("competitive", v) for v in (95, 94, 85, 75, 65, 64)] == [5, 4, 4, 3, 2, 1]
    assert fd.score("caseload", None) is None


def test_anchors_are_configurable(settings):
    settings.FIDELITY_ANCHORS = {"caseload": {"bands": [(10, 5), (15, 3)]}}
    assert fd.score("caseload", 12) == 3
    assert fd.score("caseload", 16) == 1


def test_the_unit_and_each_guide_in_the_quarter(world, unit, guide, colleague_guide):
    report = fd.build_fidelity(fd.FidelityScope(Q, (unit.pk,)))
    assert report.start == dt.date(2026, 4, 1) and report.end == dt.date(2026, 6, 30)
    unit_figures = figures(report.unit)
    assert unit_figures["caseload"] == (12.0, 5, 24)
    assert unit_figures["days_to_contact"] == (40.0, 4, 2)
    assert unit_figures["contacts_per_week"] == (1.0, 1, 26)
    assert unit_figures["competitive"] == (75, 3, 4)
    assert unit_figures["employers"] == (75, 4, 4)
    assert unit_figures["job_types"] == (50, 1, 4)
    by_guide = {g.pk: figures(g) for g in report.guides}
    assert by_guide[guide.pk]["caseload"] == (22.0, 4, 22)
    assert by_guide[guide.pk]["days_to_contact"] == (40.0, 4, 2)
    assert by_guide[guide.pk]["contacts_per_week"] == (2.0, 2, 26)
    assert by_guide[colleague_guide.pk]["caseload"] == (2.0, 5, 2)
    assert by_guide[colleague_guide.pk]["days_to_contact"] == (None, None, 0)
    assert by_guide[colleague_guide.pk]["contacts_per_week"] == (0.0, 1, 0)
    assert by_guide[colleague_guide.pk]["competitive"] == (None, None, 0)


def test_drill_down_names_the_records(world, unit, guide):
    report = fd.build_fidelity(fd.FidelityScope(Q, (unit.pk,)))
    days = report.unit.items["days_to_contact"]
    assert {r.label: r.value for r in days.records} == {
        world["p1"].code: "10 dagar",
        world["p2"].code: "70 dagar",
    }
    caseload_codes = {r.label for r in report.unit.items["caseload"].records}
    assert world["left"].code not in caseload_codes and world["p1"].code in caseload_codes


def test_a_guide_gets_only_their_own(world, unit, guide, colleague_guide):
    scope, errors = fd.parse_fidelity_filters(colleague_guide, {"quarter": Q})
    assert not errors and scope.guide_id == colleague_guide.pk
    report = fd.build_fidelity(scope)
    assert report.guides and {g.pk for g in report.guides} == {colleague_guide.pk}
    codes = {r.label for item in report.unit.items.values() for r in item.records}
    assert codes == {p.code for p in world["hers"]}
    _scope, errors = fd.parse_fidelity_filters(colleague_guide, {"quarter": Q, "guide": guide.pk})
    assert "guide" in errors


def test_bad_quarter_is_a_field_error(manager, api):
    response = api(manager).get("/api/v1/fidelity/", {"quarter": "2026-Q5"})
    assert response.status_code == 400 and "quarter" in response.json()


def test_api_gives_the_figures(world, manager, api):
    data = api(manager).get("/api/v1/fidelity/", {"quarter": Q}).json()
    unit_items = {i["item"]: i for i in data["unit"]["items"]}
    assert (unit_items["caseload"]["value"], unit_items["caseload"]["score"]) == (12.0, 5)
    assert (unit_items["days_to_contact"]["value"], unit_items["days_to_contact"]["score"]) == (
        40.0,
        4,
    )
    assert unit_items["contacts_per_week"]["value"] == 1.0
    assert (unit_items["competitive"]["value"], unit_items["competitive"]["score"]) == (75, 3)
    assert [t["quarter"] for t in data["trend"]] == ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
    assert data["trend"][-1]["scores"]["caseload"] == 5
    assert data["assessed_at_review"]


def test_page_and_exports_show_the_same_figures(world, manager, client):
    client.force_login(manager)
    page = client.get(reverse("portal:fidelity"), {"quarter": Q})
    assert page.status_code == 200
    html = page.content.decode()
    assert "40,0 dagar" in html and "75 %" in html and world["p1"].code in html
    assert "bedöms vid granskning" in html and html.count('class="sparkline"') == len(fd.ITEMS)
    body = client.get(reverse("portal:fidelity_export", args=["csv"]), {"quarter": Q})
    rows = list(csv.reader(io.StringIO(body.content.decode("utf-8-sig")), delimiter=";"))
    unit_rows = {r[0]: r[1:] for r in rows[3:12]}
    assert unit_rows["Ärendemängd per jobbguide (aktiva deltagare)"] == ["12.0", "5", "24"]
    assert unit_rows["Dagar från inskrivning till första arbetsgivarkontakt"] == ["40.0", "4", "2"]
    assert unit_rows["Arbetsgivarkontakter per jobbguide och vecka"] == ["1.0", "1", "26"]
    xlsx = client.get(reverse("portal:fidelity_export", args=["xlsx"]), {"quarter": Q})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = {}
    for row in sheet.iter_rows(values_only=True):
        if row and row[0]:
            values.setdefault(row[0], row[1:4])  # the first table is the unit's
    assert values["Andel jobb på den öppna marknaden (utan lönestöd)"] == (75, 3, 4)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 403),
        ("guide", 200),
        ("manager", 200),
        ("admin_user", 200),
        ("employer_user", 403),
    ],
)
def test_fidelity_page_per_role(world, request, client, api, who, status):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(reverse("portal:fidelity"), {"quarter": Q}).status_code == status
    assert api(user).get("/api/v1/fidelity/", {"quarter": Q}).status_code == status
    if who == "guide":
        html = client.get(reverse("portal:fidelity"), {"quarter": Q}).content.decode()
        assert world["hers"][0].code not in html and world["p1"].code in html


def test_anonymous_is_sent_to_login(client, api):
    assert client.get(reverse("portal:fidelity")).status_code == 302
    assert api(None).get("/api/v1/fidelity/").status_code in (401, 403)


def test_a_foreign_guide_sees_nothing_of_the_unit(world, foreign_guide, api):
    data = api(foreign_guide).get("/api/v1/fidelity/", {"quarter": Q}).json()
    labels = {r["label"] for i in data["unit"]["items"] for r in i["records"]}
    assert world["p1"].code not in labels and not labels


def test_contact_log_names_participants_in_api_and_page(
    unit, coordinator, employer, guide, foreign_guide, api, client
):
    mine = ParticipantFactory(unit=unit, guide=guide)
    response = api(coordinator).post(
        "/api/v1/interactions/",
        {"employer": employer.pk, "kind": "call", "notes": "Om D", "participants": [mine.pk]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["participants"] == [mine.pk]
    from tests.factories.core import UnitFactory

    stranger = ParticipantFactory(unit=UnitFactory(name="Annan"), guide=foreign_guide)
    response = api(coordinator).post(
        "/api/v1/interactions/",
        {"employer": employer.pk, "kind": "call", "notes": "Om D", "participants": [stranger.pk]},
        format="json",
    )
    assert response.status_code == 400 and "participants" in response.json()
    client.force_login(coordinator)
    url = reverse("portal:employer_detail", args=[employer.pk])
    page = client.get(url).content.decode()
    # The codes are suggested as one types (issue 22), not listed on the page.
    assert 'list="participant-options"' in page and mine.code not in page
    search = reverse("portal:participant_code_search")
    options = client.get(search, {"participants": mine.code[:4]}).content.decode()
    assert f'<option value="{mine.code}">' in options
    assert stranger.code not in client.get(search, {"participants": stranger.code}).content.decode()
    response = client.post(
        url,
        {
            "kind": "call",
            "occurred_on": "2026-11-20",
            "notes": "Om D",
            "participants": f"{mine.code}",
        },
    )
    assert response.status_code == 302
    assert Interaction.objects.filter(participants=mine).count() == 2
    response = client.post(
        url,
        {"kind": "call", "occurred_on": "2026-11-20", "notes": "Om D", "participants": "D-NOPE99"},
    )
    assert response.status_code == 200 and "D-NOPE99" in response.content.decode()


def test_follow_along_and_one_guide(unit, guide, colleague_guide):
    """Q2 2026 (ends 30 June): jobs hired 1 July 2025 – 28 Feb 2026 and not ended within four
    months count for follow-along. A (hired 15 Jan, followed up 20 May) counts as followed; B
    (hired 1 Dec, ended 1 Feb) is left out; C (hired 10 Feb, last follow-up 1 Mar) is not
    followed; D (hired 1 Apr) is too recent → 1 of 2 = 50 % → 3. One guide: A's, B's and D's
    placements are guided by their own guide, C's by a colleague → 3 of 4 = 75 % → 3."""
    from placements.models import FollowUp

    e = EmployerFactory(unit=unit)
    profile = TaskProfileFactory(employer=e, site=SiteFactory(employer=e))

    def job(hired, ended=None, by=None):
        p = ParticipantFactory(unit=unit, guide=guide, enrolled_on=dt.date(2025, 6, 1))
        return PlacementFactory(
            participant=p,
            task_profile=profile,
            guide=by or guide,
            kind="employment",
            status="ended" if ended else "ongoing",
            planned_start=hired,
            started_on=hired,
            hired_on=hired,
            ended_on=ended,
        )

    a = job(dt.date(2026, 1, 15))
    job(dt.date(2025, 12, 1), ended=dt.date(2026, 2, 1))
    c = job(dt.date(2026, 2, 10), by=colleague_guide)
    job(dt.date(2026, 4, 1))
    FollowUp.objects.create(
        placement=a, planned_on=dt.date(2026, 5, 20), status="done", done_on=dt.date(2026, 5, 20)
    )
    FollowUp.objects.create(
        placement=c, planned_on=dt.date(2026, 3, 1), status="done", done_on=dt.date(2026, 3, 1)
    )
    report = fd.build_fidelity(fd.FidelityScope(Q, (unit.pk,)))
    assert figures(report.unit)["follow_along"] == (50, 3, 2)
    assert figures(report.unit)["one_guide"] == (75, 3, 4)
    records = {r.label.split(" ")[0]: r.value for r in report.unit.items["follow_along"].records}
    assert records == {
        a.participant.code: "följs upp",
        c.participant.code: "ingen uppföljning efter 4 månader",
    }


def test_shared_exports_suppress_cells_under_five_persons(world, manager, client, api):
    """The statistics' rule (``Cell.suppressed``): days to contact (2 persons) and the job items
    (4 persons) become "<5"; the caseload (24 persons) stays; the contact rate counts contact-log
    entries, not persons, and is never suppressed."""
    client.force_login(manager)
    shared = client.get(
        reverse("portal:fidelity_export", args=["csv"]), {"quarter": Q, "share": "1"}
    )
    rows = list(csv.reader(io.StringIO(shared.content.decode("utf-8-sig")), delimiter=";"))
    assert "delning" in shared["Content-Disposition"] and "För delning" in rows[0][0]
    unit_rows = {r[0]: r[1:] for r in rows[3:12]}
    assert unit_rows["Ärendemängd per jobbguide (aktiva deltagare)"] == ["12.0", "5", "24"]
    assert unit_rows["Dagar från inskrivning till första arbetsgivarkontakt"] == ["<5"] * 3
    assert unit_rows["Andel jobb på den öppna marknaden (utan lönestöd)"] == ["<5"] * 3
    assert unit_rows["Arbetsgivarkontakter per jobbguide och vecka"] == ["1.0", "1", "26"]
    xlsx = api(manager).get(
        "/api/v1/fidelity/export/", {"quarter": Q, "file": "xlsx", "share": "1"}
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = {}
    for row in sheet.iter_rows(values_only=True):
        if row and row[0]:
            values.setdefault(row[0], row[1:4])
    assert values["Dagar från inskrivning till första arbetsgivarkontakt"] == ("<5",) * 3
    # Not shared: every figure as it is.
    plain = client.get(reverse("portal:fidelity_export", args=["csv"]), {"quarter": Q})
    assert "<5" not in plain.content.decode("utf-8-sig")
