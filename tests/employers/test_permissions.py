"""Who may do what on every employer endpoint. Rows: role → (read own unit, write, see contact log)."""

import pytest

from employers.models import Employer, Interaction

pytestmark = pytest.mark.django_db

ROLES = [
    "coordinator",
    "guide",
    "manager",
    "admin_user",
    "employer_user",
    "other_employer_user",
    "foreign_coordinator",
    None,
]


@pytest.fixture
def world(employer, site, task_profile, coordinator):
    from tests.factories.employers import ContactPersonFactory

    contact = ContactPersonFactory(employer=employer)
    interaction = Interaction.objects.create(
        employer=employer, by=coordinator, kind="call", next_step="Ring"
    )
    return {
        "employers": employer,
        "sites": site,
        "contacts": contact,
        "task-profiles": task_profile,
        "interactions": interaction,
    }


def _user(request, name):
    return request.getfixturevalue(name) if name else None


# expected status for GET detail of each endpoint
READ = {
    "coordinator": {
        "employers": 200,
        "sites": 200,
        "contacts": 200,
        "task-profiles": 200,
        "interactions": 200,
    },
    "guide": {
        "employers": 200,
        "sites": 200,
        "contacts": 200,
        "task-profiles": 200,
        "interactions": 200,
    },
    "manager": {
        "employers": 200,
        "sites": 200,
        "contacts": 200,
        "task-profiles": 200,
        "interactions": 200,
    },
    "admin_user": {
        "employers": 200,
        "sites": 200,
        "contacts": 200,
        "task-profiles": 200,
        "interactions": 200,
    },
    "employer_user": {
        "employers": 200,
        "sites": 200,
        "contacts": 200,
        "task-profiles": 200,
        "interactions": 403,
    },
    "other_employer_user": {
        "employers": 404,
        "sites": 404,
        "contacts": 404,
        "task-profiles": 404,
        "interactions": 403,
    },
    "foreign_coordinator": {
        "employers": 404,
        "sites": 404,
        "contacts": 404,
        "task-profiles": 404,
        "interactions": 404,
    },
    None: {
        "employers": 403,
        "sites": 403,
        "contacts": 403,
        "task-profiles": 403,
        "interactions": 403,
    },
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "endpoint", ["employers", "sites", "contacts", "task-profiles", "interactions"]
)
def test_detail_read(request, api, world, role, endpoint):
    user = _user(request, role)
    response = api(user).get(f"/api/v1/{endpoint}/{world[endpoint].pk}/")
    assert response.status_code == READ[role][endpoint]
    if response.status_code != 200:
        assert "name" not in response.json() and "notes" not in response.json()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "endpoint", ["employers", "sites", "contacts", "task-profiles", "interactions"]
)
def test_list_shows_only_what_the_role_may_see(
    request, api, world, foreign_employer, role, endpoint
):
    user = _user(request, role)
    response = api(user).get(f"/api/v1/{endpoint}/")
    expected = READ[role][endpoint]
    if expected == 403:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert (world[endpoint].pk in ids) == (expected == 200)
    if endpoint == "employers":
        assert (foreign_employer.pk in ids) == (role in ("admin_user", "foreign_coordinator"))


WRITE = {
    "coordinator": 200,
    "admin_user": 200,
    "guide": 403,
    "manager": 403,
    "employer_user": 403,
    "other_employer_user": 403,
    "foreign_coordinator": 404,
    None: 403,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("endpoint", "payload"),
    [
        ("employers", {"notes": "x"}),
        ("sites", {"accessibility_notes": "x"}),
        ("contacts", {"title": "x"}),
        ("task-profiles", {"description": "x"}),
        ("interactions", {"notes": "x"}),
    ],
)
def test_update(request, api, world, role, endpoint, payload):
    user = _user(request, role)
    response = api(user).patch(f"/api/v1/{endpoint}/{world[endpoint].pk}/", payload)
    expected = WRITE[role]
    if endpoint == "interactions" and role in ("employer_user", "other_employer_user"):
        expected = 403
    assert response.status_code == expected
    world[endpoint].refresh_from_db()
    field = next(iter(payload))
    assert (getattr(world[endpoint], field) == "x") == (expected == 200)


@pytest.mark.parametrize("role", ROLES)
def test_create_employer(request, api, unit, role):
    user = _user(request, role)
    response = api(user).post("/api/v1/employers/", {"name": "Ny AB", "municipality": "0880"})
    assert response.status_code == (
        201 if role in ("coordinator", "admin_user", "foreign_coordinator") else 403
    )
    if role == "foreign_coordinator":
        assert Employer.objects.get(name="Ny AB").unit == user.unit


def test_coordinator_cannot_attach_a_site_to_another_units_employer(
    api, foreign_coordinator, employer
):
    response = api(foreign_coordinator).post(
        "/api/v1/sites/", {"employer": employer.pk, "name": "X", "municipality": "0880"}
    )
    assert response.status_code == 400
    assert "employer" in response.json()
    assert employer.sites.count() == 0


def test_employer_user_sees_no_internal_notes(api, employer_user, employer):
    Employer.objects.filter(pk=employer.pk).update(notes="Svår att nå, ring före 9")
    data = api(employer_user).get(f"/api/v1/employers/{employer.pk}/").json()
    assert "notes" not in data
    assert data["owner"]["name"]  # they see who their coordinator is


@pytest.mark.parametrize("role", ["coordinator", "guide", "employer_user"])
def test_transition_only_by_coordinators(request, api, task_profile, role):
    user = _user(request, role)
    response = api(user).post(
        f"/api/v1/task-profiles/{task_profile.pk}/transition/", {"status": "paused"}
    )
    assert response.status_code == (200 if role == "coordinator" else 403)


def test_employer_user_asks_for_a_profile_as_a_draft(
    api, employer_user, employer, site, coordinator
):
    response = api(employer_user).post(
        "/api/v1/task-profiles/request/",
        {"title": "Kassa på helger", "description": "Lördagar", "hours_min": 8, "hours_max": 16},
    )
    assert response.status_code == 201, response.json()
    profile = response.json()
    assert profile["status"] == "draft" and profile["requested_by"] == employer_user.pk
    assert profile["employer"] == employer.pk
    # the coordinator sees it in their list of drafts
    drafts = api(coordinator).get("/api/v1/task-profiles/?status=draft").json()["results"]
    assert profile["id"] in {p["id"] for p in drafts}


def test_employer_user_change_request_for_another_employers_profile_is_404(
    api, other_employer_user, task_profile
):
    response = api(other_employer_user).post(
        "/api/v1/task-profiles/request/", {"title": "Ändring", "change_of": task_profile.pk}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["coordinator", "guide", "manager"])
def test_staff_cannot_use_the_employer_request(request, api, task_profile, role):
    response = api(_user(request, role)).post("/api/v1/task-profiles/request/", {"title": "x"})
    assert response.status_code == 403
