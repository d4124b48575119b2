"""Who gets which statistics: manager, admin, coordinator, guide, employer user, anonymous.
SCB export only for managers and administrators, each export audit-logged; six-month follow-ups."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.test import Client

from placements.models import Exit, ExitFollowUp
from tests.factories.matching import ParticipantFactory

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2026-01-01", "end": "2026-11-20"}
ALL = ["participants", "outcomes", "method", "employers", "validations", "esf"]


@pytest.fixture
def world(unit, guide, colleague_guide, participant, foreign_participant, manager):
    """gustav's participant (enrolled, exited to work in the period), greta's two participants
    (one exited to studies), one participant of the other unit."""
    from matching.models import Participant

    Participant.objects.filter(pk=foreign_participant.pk).update(enrolled_on=dt.date(2026, 3, 1))
    Exit.objects.create(
        participant=participant,
        exited_on=dt.date(2026, 5, 4),
        outcome="work_unsubsidised",
        by=manager,
    )
    gretas = [
        ParticipantFactory(unit=unit, guide=colleague_guide, enrolled_on=dt.date(2026, 2, 1)),
        ParticipantFactory(unit=unit, guide=colleague_guide, enrolled_on=dt.date(2026, 2, 1)),
    ]
    Exit.objects.create(
        participant=gretas[0], exited_on=dt.date(2026, 6, 1), outcome="studies", by=manager
    )
    return {"gustav": participant, "greta": gretas}


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def sections(data):
    return [s["key"] for s in data["sections"]]


def total(data, table, row):
    for s in data["sections"]:
        for t in s["tables"]:
            if t["key"] == table:
                return next(r["cells"][-1]["text"] for r in t["rows"] if r["key"] == row)
    raise KeyError(table)


def enrol(world):
    from matching.models import Participant

    Participant.objects.filter(pk=world["gustav"].pk).update(enrolled_on=dt.date(2026, 1, 10))


def test_manager_gets_every_section_for_the_unit_only(world, manager, api):
    enrol(world)
    data = api(manager).get("/api/v1/statistics/", PERIOD).json()
    assert sections(data) == ALL
    assert total(data, "participants", "in_period") == "3"  # not the other unit's participant
    assert total(data, "participants", "exited") == "2"
    assert data["filters"]["units"] == [manager.unit_id]


def test_admin_gets_every_unit_or_a_chosen_one(world, admin_user, other_unit, api):
    enrol(world)
    everything = api(admin_user).get("/api/v1/statistics/", PERIOD).json()
    assert sections(everything) == ALL and total(everything, "participants", "in_period") == "4"
    other = api(admin_user).get("/api/v1/statistics/", {**PERIOD, "unit": other_unit.pk}).json()
    assert total(other, "participants", "in_period") == "1"


def test_guide_sees_only_their_own_participants(world, guide, colleague_guide, api):
    enrol(world)
    mine = api(guide).get("/api/v1/statistics/", PERIOD).json()
    assert sections(mine) == ["participants", "outcomes", "method", "validations"]
    assert total(mine, "participants", "in_period") == "1"
    gretas = api(colleague_guide).get("/api/v1/statistics/", PERIOD).json()
    assert total(gretas, "participants", "in_period") == "2"
    assert total(gretas, "outcomes_by_gender", "studies") == "100 %"


def test_coordinator_sees_only_the_employer_figures(world, coordinator, api, client):
    data = api(coordinator).get("/api/v1/statistics/", PERIOD).json()
    assert sections(data) == ["employers"]
    client.force_login(coordinator)
    body = client.get("/statistik/export/csv/", PERIOD).content.decode("utf-8-sig")
    assert "Arbetsgivare" in body and "Deltagare under perioden" not in body


def test_nobody_may_ask_for_another_unit(world, manager, other_unit, api):
    response = api(manager).get("/api/v1/statistics/", {**PERIOD, "unit": other_unit.pk})
    assert response.status_code == 400 and "unit" in response.json()


@pytest.mark.parametrize("path", ["/api/v1/statistics/", "/api/v1/statistics/export/?file=csv"])
def test_employer_users_and_anonymous_get_no_statistics(world, employer_user, api, path):
    assert api(employer_user).get(path).status_code == 403
    assert api(None).get(path).status_code in (401, 403)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 200),
        ("admin_user", 200),
        ("coordinator", 200),
        ("guide", 200),
        ("employer_user", 403),
    ],
)
def test_statistics_page_per_role(request, world, who, status):
    user = request.getfixturevalue(who)
    response = client_for(user).get("/statistik/", PERIOD)
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert ("Deltagare under perioden" in html) == (who != "coordinator")
        assert ("Aktiva arbetsgivare" in html) == (who in ("manager", "admin_user", "coordinator"))
        assert ("SCB-månadsfil" in html) == (who in ("manager", "admin_user"))


def test_anonymous_is_sent_to_login_from_the_pages():
    for path in ("/statistik/", "/statistik/rapport/", "/statistik/scb/", "/statistik/export/csv/"):
        response = Client().get(path)
        assert response.status_code == 302 and "logga-in" in response.url


def test_bad_period_on_the_page_is_a_form_error(manager):
    response = client_for(manager).get("/statistik/", {"start": "2026-06-01", "end": "2026-01-01"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


# --- SCB monthly file ---------------------------------------------------------------------------


def test_scb_file_lists_who_started_or_ended_in_the_month_and_is_logged(world, manager, api):
    from matching.models import Participant

    Participant.objects.filter(pk=world["gustav"].pk).update(enrolled_on=dt.date(2026, 1, 10))
    response = api(manager).get("/api/v1/statistics/scb/", {"month": "2026-05"})
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines == ["personnummer;startdatum;slutdatum", "19850709-9805;2026-01-10;2026-05-04"]
    feb = api(manager).get("/api/v1/statistics/scb/", {"month": "2026-02"}).content.decode()
    assert len(feb.splitlines()) == 3  # greta's two started in February
    entries = LogEntry.objects.filter(actor=manager, changes__icontains="scb_monthly")
    assert entries.count() == 2


def test_scb_page_download_is_logged_too(world, admin_user):
    response = client_for(admin_user).get("/statistik/scb/", {"month": "2026-05"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert LogEntry.objects.filter(actor=admin_user, changes__icontains="scb_monthly").count() == 1


@pytest.mark.parametrize("who", ["coordinator", "guide", "employer_user"])
def test_scb_export_is_only_for_managers_and_admins(request, world, api, who):
    user = request.getfixturevalue(who)
    assert api(user).get("/api/v1/statistics/scb/", {"month": "2026-05"}).status_code == 403
    assert client_for(user).get("/statistik/scb/", {"month": "2026-05"}).status_code == 403
    assert not LogEntry.objects.filter(changes__icontains="scb_monthly").exists()


def test_scb_bad_month_is_a_field_error(manager, api):
    response = api(manager).get("/api/v1/statistics/scb/", {"month": "maj"})
    assert response.status_code == 400 and "month" in response.json()


# --- six-month follow-up after exit -------------------------------------------------------------


def test_guide_and_manager_record_the_six_month_follow_up(world, guide, manager, api):
    exit_row = world["gustav"].exits.get()
    url = "/api/v1/exit-follow-ups/"
    payload = {"exit": exit_row.pk, "checked_on": "2026-11-04", "situation": "employed"}
    response = api(guide).post(url, payload, format="json")
    assert response.status_code == 201 and response.json()["situation"] == "employed"
    again = api(manager).post(url, {**payload, "situation": "studies"}, format="json")
    assert again.status_code == 201
    assert ExitFollowUp.objects.get(exit=exit_row).situation == "studies"  # replaced, not added


def test_six_month_follow_up_rules(
    world, guide, colleague_guide, employer_user, foreign_guide, api
):
    exit_row = world["gustav"].exits.get()
    url = "/api/v1/exit-follow-ups/"
    ok = {"exit": exit_row.pk, "checked_on": "2026-11-04", "situation": "employed"}
    assert api(colleague_guide).post(url, ok, format="json").status_code == 403
    assert api(foreign_guide).post(url, ok, format="json").status_code == 404
    assert api(employer_user).post(url, ok, format="json").status_code == 403
    bad = api(guide).post(url, {**ok, "situation": "astronaut"}, format="json")
    assert bad.status_code == 400 and "situation" in bad.json()
    early = api(guide).post(url, {**ok, "checked_on": "2026-05-01"}, format="json")
    assert early.status_code == 400 and "checked_on" in early.json()
    assert not ExitFollowUp.objects.exists()


def test_openapi_documents_the_statistics_endpoints(api, manager):
    paths = api(manager).get("/api/v1/schema/?format=json").json()["paths"]
    for path in (
        "/api/v1/statistics/",
        "/api/v1/statistics/export/",
        "/api/v1/statistics/scb/",
        "/api/v1/exit-follow-ups/",
    ):
        assert path in paths
    params = {p["name"] for p in paths["/api/v1/statistics/"]["get"]["parameters"]}
    assert {"start", "end", "unit", "municipality", "share"} <= params


# --- the overview -------------------------------------------------------------------------------


def test_overview_has_labels_a_period_and_numbers_that_add_up(world, manager):
    import re

    from matching.models import Participant

    enrol(world)
    Participant.objects.filter(pk=world["greta"][1].pk).update(phase="behalla")
    html = client_for(manager).get("/oversikt/", PERIOD).content.decode()
    visible = re.sub(r"<[^>]+>", " ", html)
    for code in ("behalla", "finna", "work_unsubsidised", "studies"):
        assert code not in visible
    assert 'name="start" value="2026-01-01"' in html and 'name="end" value="2026-11-20"' in html
    active = Participant.objects.filter(unit=manager.unit, active=True).count()
    assert f'<p class="score">{active}</p>' in html
    phases = [int(n) for n in re.findall(r"<li>[^<:]+: (\d+)</li>", html)]
    assert sum(phases) == active
    assert "Behålla: 1" in visible  # the label, not the code
    # participants in the period = active at the end + exited in the period
    assert '<tr data-row="in_period"><th scope="row">Deltagare under perioden</th>' in html


def test_six_month_page_lists_due_exits_and_records_through_the_service(
    world, guide, colleague_guide, employer_user
):
    import time_machine

    exit_row = world["gustav"].exits.get()
    with time_machine.travel(dt.datetime(2026, 12, 1, 12), tick=False):
        page = client_for(guide).get("/statistik/sex-manader/").content.decode()
        assert world["gustav"].code in page  # exited 2026-05-04: six months have passed
        assert world["greta"][0].code not in page  # greta's participant, and not yet due
        response = client_for(guide).post(
            "/statistik/sex-manader/",
            {"exit": exit_row.pk, "checked_on": "2026-11-30", "situation": "employed"},
        )
        assert response.status_code == 302
        assert ExitFollowUp.objects.get(exit=exit_row).situation == "employed"
        # another guide cannot record it for gustav's participant
        other = client_for(colleague_guide).post(
            "/statistik/sex-manader/",
            {"exit": exit_row.pk, "checked_on": "2026-11-30", "situation": "studies"},
        )
        assert other.status_code == 404
        bad = client_for(guide).post(
            "/statistik/sex-manader/",
            {"exit": exit_row.pk, "checked_on": "2026-04-30", "situation": "employed"},
        )
        assert bad.status_code == 400 and 'role="alert"' in bad.content.decode()
    assert client_for(employer_user).get("/statistik/sex-manader/").status_code == 403
