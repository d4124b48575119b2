"""Who may see and change projects, enrolments and starts: managers create projects of their
unit; guides and managers enrol and record starts; coordinators read; other units see nothing;
employer users nothing. Pages and API alike."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from core.choices import Role
from placements.models import ParticipantStart, Project, ProjectEnrolment
from tests.factories.core import UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 5, 4)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 5, 4, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def project(unit):
    return Project.objects.create(
        unit=unit, name="Vägen In", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )


@pytest.fixture
def foreign_project(other_unit):
    return Project.objects.create(
        unit=other_unit,
        name="Annan",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )


@pytest.fixture
def foreign_manager(other_unit):
    return UserFactory(username="mats", role=Role.MANAGER, unit=other_unit)


@pytest.fixture(autouse=True)
def enrolled_in_january(request):
    """The cast's participant joined the programme in January (the factory enrols today)."""
    if "participant" in request.fixturenames:
        participant = request.getfixturevalue("participant")
        participant.__class__.objects.filter(pk=participant.pk).update(
            enrolled_on=dt.date(2026, 1, 10)
        )
        participant.refresh_from_db()


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


BODY = {
    "name": "Nästa Steg",
    "funder": "ESF+",
    "starts_on": "2026-01-01",
    "ends_on": "2026-12-31",
    "target_groups": ["young", "long_term_unemployed"],
}


def test_a_manager_creates_a_project_of_their_unit_in_the_api(api, manager, unit):
    response = api(manager).post("/api/v1/projects/", BODY, format="json")
    assert response.status_code == 201, response.content
    project = Project.objects.get(pk=response.json()["id"])
    assert project.unit == unit and project.target_groups == ["young", "long_term_unemployed"]


@pytest.mark.parametrize("who", ["guide", "coordinator", "employer_user"])
def test_only_managers_create_projects(request, api, who):
    response = api(request.getfixturevalue(who)).post("/api/v1/projects/", BODY, format="json")
    assert response.status_code == 403
    assert not Project.objects.exists()


def test_bad_project_input_is_a_400_with_field_messages(api, manager, project):
    bad = {**BODY, "ends_on": "2025-12-31", "target_groups": ["martians"]}
    response = api(manager).post("/api/v1/projects/", bad, format="json")
    assert response.status_code == 400 and "target_groups" in response.json()
    bad = {**BODY, "ends_on": "2025-12-31"}
    response = api(manager).post("/api/v1/projects/", bad, format="json")
    assert response.status_code == 400 and "ends_on" in response.json()
    dup = {**BODY, "name": "Vägen In"}
    response = api(manager).post("/api/v1/projects/", dup, format="json")
    assert response.status_code == 400


@pytest.mark.parametrize("who", ["guide", "coordinator", "manager"])
def test_the_units_staff_see_its_projects_and_no_others(
    request, api, who, project, foreign_project
):
    user = request.getfixturevalue(who)
    listed = [p["id"] for p in api(user).get("/api/v1/projects/").json()["results"]]
    assert listed == [project.pk]
    assert api(user).get(f"/api/v1/projects/{foreign_project.pk}/").status_code == 404


def test_employer_users_see_no_projects(api, employer_user, project):
    assert api(employer_user).get("/api/v1/projects/").status_code == 403
    assert client_for(employer_user).get("/projekt/").status_code in (302, 403)


def test_a_guide_enrols_and_records_a_start_in_the_api(api, guide, participant, project):
    response = api(guide).post(
        "/api/v1/project-enrolments/",
        {"project": project.pk, "participant": participant.pk, "started_on": "2026-02-01"},
        format="json",
    )
    assert response.status_code == 201, response.content
    response = api(guide).post(
        "/api/v1/participant-starts/",
        {"participant": participant.pk, "kind": "studies", "started_on": "2026-04-01"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert ParticipantStart.objects.get().kind == "studies"


def test_enrolment_rules_give_field_errors(api, manager, participant, project, foreign_project):
    def enrol(**body):
        return api(manager).post(
            "/api/v1/project-enrolments/",
            {"project": project.pk, "participant": participant.pk, **body},
            format="json",
        )

    assert "started_on" in enrol(started_on="2025-06-01").json()  # before the project
    assert "ended_on" in enrol(started_on="2026-02-01", ended_on="2027-02-01").json()
    assert enrol(started_on="2026-02-01").status_code == 201
    again = enrol(started_on="2026-03-01")
    assert again.status_code == 400 and "project" in again.json()
    other = api(manager).post(
        "/api/v1/project-enrolments/",
        {"project": foreign_project.pk, "participant": participant.pk, "started_on": "2026-02-01"},
        format="json",
    )
    assert other.status_code == 404  # another unit's project is not visible


def test_start_rules_give_field_errors(api, guide, participant):
    def record(**body):
        return api(guide).post(
            "/api/v1/participant-starts/", {"participant": participant.pk, **body}, format="json"
        )

    future = record(kind="studies", started_on="2026-06-01")
    assert future.status_code == 400 and "started_on" in future.json()
    bad = record(kind="holiday", started_on="2026-04-01")
    assert bad.status_code == 400 and "kind" in bad.json()


def test_other_units_and_coordinators_cannot_enrol(
    api, foreign_guide, foreign_manager, coordinator, participant, project
):
    body = {"project": project.pk, "participant": participant.pk, "started_on": "2026-02-01"}
    assert api(foreign_guide).post("/api/v1/project-enrolments/", body).status_code == 404
    assert api(foreign_manager).post("/api/v1/project-enrolments/", body).status_code == 404
    assert api(coordinator).post("/api/v1/project-enrolments/", body).status_code == 403
    start = {"participant": participant.pk, "kind": "work", "started_on": "2026-04-01"}
    assert api(foreign_guide).post("/api/v1/participant-starts/", start).status_code == 404
    assert api(coordinator).post("/api/v1/participant-starts/", start).status_code == 403
    assert not ProjectEnrolment.objects.exists() and not ParticipantStart.objects.exists()


def test_enrolments_and_starts_are_hidden_from_other_units(
    api, guide, foreign_guide, participant, project
):
    ProjectEnrolment.objects.create(
        project=project, participant=participant, started_on=dt.date(2026, 2, 1), by=guide
    )
    ParticipantStart.objects.create(
        participant=participant, kind="work", started_on=dt.date(2026, 3, 1), by=guide
    )
    for url in ("/api/v1/project-enrolments/", "/api/v1/participant-starts/"):
        assert api(guide).get(url).json()["count"] == 1
        assert api(foreign_guide).get(url).json()["count"] == 0


# --- pages ------------------------------------------------------------------------------------


def test_a_manager_creates_a_project_on_the_page(manager, unit):
    response = client_for(manager).post(
        "/projekt/",
        {**BODY, "target_groups": ["young", "newly_arrived"]},
    )
    assert response.status_code == 302
    project = Project.objects.get()
    assert project.unit == unit and project.target_groups == ["young", "newly_arrived"]
    page = client_for(manager).get("/projekt/").content.decode()
    assert "Nästa Steg" in page and "Unga 18–24 år, Nyanlända" in page


def test_a_bad_project_on_the_page_is_a_form_error(manager):
    response = client_for(manager).post("/projekt/", {**BODY, "ends_on": "2025-01-01"})
    assert response.status_code == 400
    assert "Projektet kan inte sluta innan det börjar." in response.content.decode()


@pytest.mark.parametrize("who", ["guide", "coordinator"])
def test_guides_and_coordinators_read_projects_but_cannot_create(request, who, project):
    client = client_for(request.getfixturevalue(who))
    page = client.get("/projekt/")
    assert page.status_code == 200 and "Vägen In" in page.content.decode()
    assert "Skapa projektet" not in page.content.decode()
    assert client.post("/projekt/", BODY).status_code == 403
    assert Project.objects.count() == 1


def test_a_guide_enrols_and_records_a_start_on_the_participant_page(guide, participant, project):
    client = client_for(guide)
    detail = client.get(f"/deltagare/{participant.pk}/").content.decode()
    assert f"/deltagare/{participant.pk}/projekt/" in detail
    page = client.get(f"/deltagare/{participant.pk}/projekt/")
    assert page.status_code == 200
    assert f'<option value="{project.pk}">Vägen In</option>' in page.content.decode()
    response = client.post(
        f"/deltagare/{participant.pk}/projekt/",
        {"form": "enrol", "project": project.pk, "started_on": "2026-02-01"},
    )
    assert response.status_code == 302
    response = client.post(
        f"/deltagare/{participant.pk}/projekt/",
        {"form": "start", "kind": "studies", "started_on": "2026-04-01", "note": "Komvux"},
    )
    assert response.status_code == 302
    page = client.get(f"/deltagare/{participant.pk}/projekt/").content.decode()
    assert "Vägen In: 2026-02-01" in page and "Studier — Komvux" in page


def test_a_start_in_the_future_is_a_form_error_on_the_page(guide, participant):
    response = client_for(guide).post(
        f"/deltagare/{participant.pk}/projekt/",
        {"form": "start", "kind": "studies", "started_on": "2026-06-01"},
    )
    assert response.status_code == 400
    assert "En start kan inte registreras i framtiden." in response.content.decode()
    assert not ParticipantStart.objects.exists()


def test_other_units_and_coordinators_cannot_use_the_participant_page(
    foreign_guide, coordinator, participant, project
):
    url = f"/deltagare/{participant.pk}/projekt/"
    assert client_for(foreign_guide).get(url).status_code == 404
    coord = client_for(coordinator)
    assert coord.get(url).status_code == 200
    response = coord.post(url, {"form": "enrol", "project": project.pk, "started_on": "2026-02-01"})
    assert response.status_code == 403
    assert not ProjectEnrolment.objects.exists()


def test_coordinators_do_not_get_the_started_list(coordinator, project):
    response = client_for(coordinator).get("/statistik/borjade/", {"project": project.pk})
    assert response.status_code == 403


# --- the register extract and anonymisation -----------------------------------------------------


def _enrolled_with_a_start(participant, project, guide):
    ProjectEnrolment.objects.create(
        project=project, participant=participant, started_on=dt.date(2026, 2, 1), by=guide
    )
    ParticipantStart.objects.create(
        participant=participant,
        kind="studies",
        started_on=dt.date(2026, 3, 1),
        note="Komvux, svenska grund",
        by=guide,
    )


def test_the_register_extract_holds_projects_and_starts(admin_user, guide, participant, project):
    import json

    _enrolled_with_a_start(participant, project, guide)
    response = client_for(admin_user).get(
        f"/sakerhet/deltagare/{participant.pk}/utdrag/?format=json"
    )
    assert response.status_code == 200
    text = json.dumps(json.loads(response.content), ensure_ascii=False)
    assert "Vägen In" in text and "Komvux, svenska grund" in text and "Studier" in text


def test_anonymisation_clears_the_notes_of_starts(admin_user, guide, participant, project):
    _enrolled_with_a_start(participant, project, guide)
    response = client_for(admin_user).post(
        f"/sakerhet/deltagare/{participant.pk}/anonymisera/",
        {"reason": "Begäran art. 17", "confirm_active": "on"},
    )
    assert response.status_code == 302
    start = ParticipantStart.objects.get()
    assert start.note == "" and start.kind == "studies"  # the fact stays for the statistics
    assert ProjectEnrolment.objects.filter(participant=participant).exists()


# --- query budgets: the pages stay flat as rows grow ----------------------------------------------


def _queries(client, url, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_project_pages_stay_flat_as_rows_grow(
    guide, participant, unit, django_assert_max_num_queries
):
    client = client_for(guide)
    urls = ("/projekt/", f"/deltagare/{participant.pk}/projekt/")

    def add(n):
        for i in range(n):
            project = Project.objects.create(
                unit=unit,
                name=f"Projekt {Project.objects.count() + i}",
                starts_on=dt.date(2026, 1, 1),
                ends_on=dt.date(2026, 12, 31),
            )
            ProjectEnrolment.objects.create(
                project=project, participant=participant, started_on=dt.date(2026, 2, 1), by=guide
            )
            ParticipantStart.objects.create(
                participant=participant, kind="work", started_on=dt.date(2026, 3, 1), by=guide
            )

    add(1)
    for u in urls:  # the first request also loads the session and the user's settings
        client.get(u)
    small = [_queries(client, u, django_assert_max_num_queries, 40) for u in urls]
    add(6)
    large = [_queries(client, u, django_assert_max_num_queries, 40) for u in urls]
    assert large == small
