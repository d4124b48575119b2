"""Every placement endpoint per role, and what an employer sees of a participant (consent)."""

import datetime as dt

import pytest

from matching.models import Consent
from placements.models import FollowUp, Placement

pytestmark = pytest.mark.django_db

READ = {
    "guide": 200,
    "colleague_guide": 200,
    "coordinator": 200,
    "manager": 200,
    "admin_user": 200,
    "employer_user": 200,
    "other_employer_user": 404,
    "foreign_guide": 404,
    None: 403,
}


def user_for(request, role):
    return request.getfixturevalue(role) if role else None


@pytest.mark.parametrize(("role", "expected"), list(READ.items()))
def test_reading_placements_and_followups(request, api, placement, role, expected):
    followup = FollowUp.objects.create(placement=placement, planned_on=dt.date(2026, 12, 1))
    client = api(user_for(request, role))
    assert client.get(f"/api/v1/placements/{placement.pk}/").status_code == expected
    assert client.get(f"/api/v1/follow-ups/{followup.pk}/").status_code == expected
    listing = client.get("/api/v1/placements/")
    if expected == 200:
        assert [p["id"] for p in listing.json()["results"]] == [placement.pk]
    elif listing.status_code == 200:
        assert listing.json()["results"] == []


WRITE_ROLES = {
    "guide": 200,
    "admin_user": 200,
    "colleague_guide": 403,
    "coordinator": 403,
    "manager": 403,
    "employer_user": 403,
    "foreign_guide": 403,
    None: 403,
}


@pytest.mark.parametrize(("role", "expected"), list(WRITE_ROLES.items()))
@pytest.mark.parametrize(
    ("step", "body"),
    [
        ("evaluate", {"evaluated_on": "2026-11-20", "progress": "Bra", "rating": 3}),
        ("extend", {"new_end": "2027-03-01", "reason": "Mer tid"}),
        ("end", {"ended_on": "2026-11-20", "reason": "Klar"}),
    ],
)
def test_only_the_guide_and_admin_change_a_placement(
    request, api, placement, role, expected, step, body
):
    response = api(user_for(request, role)).post(f"/api/v1/placements/{placement.pk}/{step}/", body)
    if role == "foreign_guide":
        assert response.status_code == 404
    else:
        assert response.status_code == expected
    placement.refresh_from_db()
    assert (placement.status == "ended") == (
        step == "end" and expected == 200 and role != "foreign_guide"
    )


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("guide", 201),
        ("coordinator", 403),
        ("employer_user", 403),
        ("foreign_guide", 404),
        (None, 403),
    ],
)
def test_proposing(request, api, participant, task_profile, role, expected):
    body = {
        "participant": participant.pk,
        "task_profile": task_profile.pk,
        "planned_start": "2026-12-01",
        "planned_end": "2027-01-31",
        "hours_per_week": 10,
    }
    assert api(user_for(request, role)).post("/api/v1/placements/", body).status_code == expected
    assert Placement.objects.exists() == (expected == 201)


def test_employer_sees_only_consented_participant_fields(
    api, guide, employer_user, placement, employer
):
    client = api(employer_user)
    data = client.get(f"/api/v1/placements/{placement.pk}/").json()
    assert data["participant_view"] == {"code": placement.participant.code, "shared": []}
    assert "participant" not in data and "goals_short" not in data and "hours_per_week" not in data
    assert "Yusuf" not in str(data)
    Consent.objects.create(
        participant=placement.participant,
        employer=employer,
        purpose="Praktik",
        scopes=["identity", "placement"],
        given_on=dt.date(2026, 1, 1),
        method="digital",
        recorded_by=guide,
    )
    data = client.get(f"/api/v1/placements/{placement.pk}/").json()
    assert data["participant_view"]["name"] == "Amina Yusuf"
    assert (
        "skills" not in data["participant_view"]
        and "adaptation_needs" not in data["participant_view"]
    )
    assert data["hours_per_week"] == 20
    assert "Ljudkänslig" not in str(data)  # need descriptions are never shared


def test_employer_confirms_a_followup_of_their_own_only(
    api, guide, employer_user, other_employer_user, placement
):
    followup = FollowUp.objects.create(placement=placement, planned_on=dt.date(2026, 12, 1))
    api(guide).post(f"/api/v1/follow-ups/{followup.pk}/request-confirmation/")
    assert (
        api(other_employer_user).post(f"/api/v1/follow-ups/{followup.pk}/confirm/").status_code
        == 404
    )
    assert api(guide).post(f"/api/v1/follow-ups/{followup.pk}/confirm/").status_code == 403
    response = api(employer_user).post(f"/api/v1/follow-ups/{followup.pk}/confirm/")
    assert response.status_code == 200 and response.json()["confirmed_by"] == employer_user.pk
    assert api(employer_user).post(f"/api/v1/follow-ups/{followup.pk}/confirm/").status_code == 400


@pytest.mark.parametrize(
    ("role", "expected"),
    [("guide", 201), ("coordinator", 403), ("manager", 403), ("employer_user", 403)],
)
def test_exits(request, api, participant, role, expected):
    response = api(user_for(request, role)).post(
        "/api/v1/exits/",
        {"participant": participant.pk, "exited_on": "2026-11-20", "outcome": "studies"},
    )
    assert response.status_code == expected


def test_exit_outcomes_are_the_esf_categories(api, guide, participant):
    from placements.choices import ExitOutcome

    assert set(ExitOutcome.values) == {
        "work_unsubsidised",
        "work_subsidised",
        "studies",
        "practice",
        "programme",
        "job_seeking",
        "other",
    }
    bad = api(guide).post(
        "/api/v1/exits/",
        {"participant": participant.pk, "exited_on": "2026-11-20", "outcome": "retired"},
    )
    assert bad.status_code == 400 and "outcome" in bad.json()
