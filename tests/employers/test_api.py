"""The coordinator's day through the API: employer, site, contact, call with next step, profile."""

import datetime as dt

import pytest
import time_machine

from core.models import Adaptation, Industry, Skill
from employers.models import (
    ContactPerson,
    Employer,
    Interaction,
    Site,
    TaskProfile,
    TaskProfileSkill,
)

pytestmark = pytest.mark.django_db


def test_coordinator_builds_an_employer_with_site_contact_call_and_profile(api, coordinator):
    client = api(coordinator)
    response = client.post(
        "/api/v1/employers/",
        {
            "name": "ICA Maxi Kalmar",
            "orgnr": "5560360793",
            "municipality": "0880",
            "industry": "G",
            "sector": "private",
        },
    )
    assert response.status_code == 201, response.json()
    employer = response.json()
    assert employer["orgnr"] == "556036-0793"  # normalised
    assert employer["owner"]["id"] == coordinator.pk
    assert employer["unit"] == coordinator.unit_id

    step_free = Adaptation.objects.get(code="step-free-access")
    response = client.post(
        "/api/v1/sites/",
        {
            "employer": employer["id"],
            "name": "Butiken",
            "address": "Storgatan 1",
            "locality": "Kalmar",
            "municipality": "0880",
            "offered_adaptations": [step_free.pk],
        },
    )
    assert response.status_code == 201, response.json()
    site = response.json()
    assert site["coordinate_precision"] == "locality"
    assert 56 < site["latitude"] < 57 and 16 < site["longitude"] < 17
    assert site["offered_adaptations"] == [step_free.pk]

    response = client.post(
        "/api/v1/contacts/",
        {
            "employer": employer["id"],
            "site": site["id"],
            "name": "Lena Ek",
            "phone": "070-123 45 67",
            "is_supervisor": True,
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["phone"] == "+46701234567"

    response = client.post(
        "/api/v1/interactions/",
        {
            "employer": employer["id"],
            "kind": "call",
            "occurred_on": "2026-11-20",
            "notes": "Intresserade av praktikant",
            "next_step": "Boka studiebesök",
            "next_step_due": "2026-12-01",
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["by"] == coordinator.pk

    skill = Skill.objects.create(label="Truckkörning")
    response = client.post(
        "/api/v1/task-profiles/",
        {
            "employer": employer["id"],
            "site": site["id"],
            "title": "Varupåfyllning",
            "kind": "practice",
            "hours_min": 10,
            "hours_max": 25,
            "slots_total": 1,
            "offered_adaptations": [step_free.pk],
            "skills": [
                {"text": "truckkörnig", "weight": 4, "required": True},
                {"text": "Gillar fiske", "weight": 1},
            ],
            "kga_requirements": [{"competence": 1, "min_level": 2}],
        },
    )
    assert response.status_code == 201, response.json()
    profile = response.json()
    assert profile["status"] == "draft"
    assert profile["skills"][0]["skill"] == skill.pk  # misspelt, normalised to the taxonomy
    assert (
        profile["skills"][1]["skill"] is None
        and profile["skills"][1]["free_text"] == "Gillar fiske"
    )  # kept

    for status in ("open", "filled"):
        response = client.post(
            f"/api/v1/task-profiles/{profile['id']}/transition/", {"status": status}
        )
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == status
    assert TaskProfile.objects.get(pk=profile["id"]).status_changed_by == coordinator


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"orgnr": "556036-0794"}, "orgnr"),
        ({"municipality": "9999"}, "municipality"),
        ({"name": ""}, "name"),
        ({"sector": "pirate"}, "sector"),
    ],
)
def test_invalid_employer_input_is_a_field_error_and_writes_nothing(
    api, coordinator, payload, field
):
    data = {"name": "Bra Bygg AB", "municipality": "0880", **payload}
    response = api(coordinator).post("/api/v1/employers/", data)
    assert response.status_code == 400
    assert field in response.json()
    assert Employer.objects.count() == 0


def test_invalid_phone_is_refused(api, coordinator, employer):
    response = api(coordinator).post(
        "/api/v1/contacts/", {"employer": employer.pk, "name": "X", "phone": "12"}
    )
    assert response.status_code == 400
    assert "phone" in response.json()
    assert ContactPerson.objects.count() == 0


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"hours_min": 30, "hours_max": 10}, "hours_min"),
        ({"slots_total": -1}, "slots_total"),
        ({"hours_max": 80}, "hours_max"),
        ({"period_start": "2026-12-01", "period_end": "2026-11-01"}, "period_end"),
        ({"skills": [{"weight": 3}]}, "skills"),
    ],
)
def test_invalid_profile_input_is_a_field_error_and_writes_nothing(
    api, coordinator, employer, site, payload, field
):
    data = {"employer": employer.pk, "site": site.pk, "title": "Städ", **payload}
    response = api(coordinator).post("/api/v1/task-profiles/", data)
    assert response.status_code == 400
    assert field in response.json()
    assert TaskProfile.objects.count() == 0
    assert TaskProfileSkill.objects.count() == 0


def test_profile_update_with_bad_hours_changes_nothing(api, coordinator, task_profile):
    response = api(coordinator).patch(
        f"/api/v1/task-profiles/{task_profile.pk}/", {"hours_min": 50, "title": "Nytt"}
    )
    assert response.status_code == 400
    assert "hours_min" in response.json()
    task_profile.refresh_from_db()
    assert task_profile.title == "Plock och pack"


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("draft", "filled"),
        ("draft", "paused"),
        ("closed", "open"),
        ("paused", "filled"),
        ("open", "draft"),
        ("open", "bogus"),
    ],
)
def test_invalid_status_transition_is_a_400_on_status(
    api, coordinator, task_profile, start, target
):
    TaskProfile.objects.filter(pk=task_profile.pk).update(status=start)
    response = api(coordinator).post(
        f"/api/v1/task-profiles/{task_profile.pk}/transition/", {"status": target}
    )
    assert response.status_code == 400
    assert "status" in response.json()
    task_profile.refresh_from_db()
    assert task_profile.status == start


def test_reopening_a_filled_profile_and_closing_is_final(api, coordinator, task_profile):
    client = api(coordinator)
    for status in ("filled", "open", "paused", "open", "closed"):
        assert (
            client.post(
                f"/api/v1/task-profiles/{task_profile.pk}/transition/", {"status": status}
            ).status_code
            == 200
        )
    assert (
        client.patch(f"/api/v1/task-profiles/{task_profile.pk}/", {"title": "x"}).status_code == 400
    )


def test_my_next_steps_lists_open_steps_overdue_first(api, coordinator, employer):
    with time_machine.travel(dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC), tick=False):

        def mk(**kw):
            return Interaction.objects.create(employer=employer, by=coordinator, kind="call", **kw)

        later = mk(next_step="Ring tillbaka", next_step_due=dt.date(2026, 12, 10))
        overdue = mk(next_step="Skicka avtal", next_step_due=dt.date(2026, 11, 1))
        soon = mk(next_step="Studiebesök", next_step_due=dt.date(2026, 11, 28))
        mk(next_step="Klart", next_step_due=dt.date(2026, 10, 1), next_step_done=True)
        mk(notes="Ingen nästa åtgärd")
        response = api(coordinator).get("/api/v1/interactions/my-next-steps/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["id"] for r in rows] == [overdue.pk, soon.pk, later.pk]
    assert rows[0]["is_overdue"] is True and rows[1]["is_overdue"] is False


def test_marking_a_next_step_done(api, coordinator, employer):
    step = Interaction.objects.create(
        employer=employer, by=coordinator, kind="visit", next_step="Följ upp"
    )
    response = api(coordinator).patch(f"/api/v1/interactions/{step.pk}/", {"next_step_done": True})
    assert response.status_code == 200
    step.refresh_from_db()
    assert step.next_step_done and step.next_step_done_at is not None


def test_due_date_without_next_step_is_refused(api, coordinator, employer):
    response = api(coordinator).post(
        "/api/v1/interactions/",
        {"employer": employer.pk, "kind": "call", "next_step_due": "2026-12-01"},
    )
    assert response.status_code == 400
    assert "next_step" in response.json()


def test_hand_entered_coordinates_are_kept_as_manual(api, coordinator, employer):
    response = api(coordinator).post(
        "/api/v1/sites/",
        {
            "employer": employer.pk,
            "name": "Ute",
            "municipality": "0880",
            "latitude": 56.7,
            "longitude": 16.2,
        },
    )
    assert response.status_code == 201
    site = Site.objects.get(pk=response.json()["id"])
    assert (site.latitude, site.longitude, site.coordinate_precision) == (56.7, 16.2, "manual")


def test_unknown_locality_falls_back_to_municipality_centre(api, coordinator, employer):
    response = api(coordinator).post(
        "/api/v1/sites/",
        {"employer": employer.pk, "name": "Gård", "locality": "Ingenstans", "municipality": "0881"},
    )
    assert response.status_code == 201
    assert response.json()["coordinate_precision"] == "municipality"


def test_filters_and_search(api, coordinator, employer, other_employer):
    Industry.objects.filter(code="G").exists()
    Employer.objects.filter(pk=employer.pk).update(industry="G", status="active")
    client = api(coordinator)

    def names(response):
        return {e["name"] for e in response.json()["results"]}

    assert names(client.get("/api/v1/employers/?industry=G")) == {"Kalmar Lager AB"}
    assert names(client.get("/api/v1/employers/?search=bageri")) == {"Nybro Bageri"}
    assert names(client.get("/api/v1/employers/?municipality=0880")) == {
        "Kalmar Lager AB",
        "Nybro Bageri",
    }
