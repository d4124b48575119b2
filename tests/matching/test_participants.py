"""A guide's work with a participant through the API (issue 3)."""

import datetime as dt

import pytest

from core.models import Adaptation, KgaCompetence, Skill
from matching.models import KgaAssessment, Participant, ParticipantSkill

pytestmark = pytest.mark.django_db

NEW = {
    "first_name": "Sara",
    "last_name": "Ali",
    "personnummer": "850709-9805",
    "gender": "kvinna",
    "municipality": "0880",
    "home_locality": "Lindsdal",
    "commute_means": ["bike", "public_transport"],
    "commute_max_minutes": 45,
    "hours_min": 10,
    "hours_max": 25,
    "available_days": ["mon", "tue", "wed"],
    "swedish_level": 3,
    "newly_arrived": True,
    "skills": [{"text": "truckkörnig", "level": 3}, {"text": "Sjunger i kör"}],
    "adaptation_needs": [{"adaptation": "step-free-access", "description": "Använder rullstol."}],
    "languages": [{"language": "arabiska", "level": "native"}],
}


def test_guide_creates_a_participant_with_normalised_skills(api, guide):
    response = api(guide).post("/api/v1/participants/", NEW)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (
        data["code"].startswith("D-")
        and data["guide"] == guide.pk
        and data["unit"] == guide.unit_id
    )
    assert data["personnummer"] == "19850709-9805" and data["birth_year"] == 1985
    assert data["coordinate_precision"] == "locality" and 56.6 < data["latitude"] < 56.8
    truck = Skill.objects.get(label="Truckvana")
    assert data["skills"][0]["skill"] == truck.pk and data["skills"][0]["source"] == "self_reported"
    assert (
        data["skills"][1]["skill"] is None and data["skills"][1]["free_text"] == "Sjunger i kör"
    )  # kept
    assert data["adaptation_needs"][0]["description"] == "Använder rullstol."
    assert data["languages"] == [{"language": "Arabiska", "level": "native"}]


def test_samordningsnummer_is_accepted(api, guide):
    response = api(guide).post("/api/v1/participants/", {**NEW, "personnummer": "198507699802"})
    assert response.status_code == 201, response.json()
    assert response.json()["is_coordination_number"] is True


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"personnummer": "198507099806"}, "personnummer"),
        ({"adaptation_needs": [{"adaptation": "teleportation"}]}, "adaptation_needs"),
        ({"commute_means": ["helicopter"]}, "commute_means"),
        ({"hours_min": 30, "hours_max": 20}, "hours_min"),
        ({"hours_max": 70}, "hours_max"),
        ({"skills": [{"text": "x", "level": 9}]}, "skills"),
        ({"municipality": "0780"}, "municipality"),
        ({"commute_means": ["car"], "has_driving_licence": False}, "commute_means"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_written(api, guide, change, field):
    response = api(guide).post("/api/v1/participants/", {**NEW, **change})
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert Participant.objects.count() == 0 and ParticipantSkill.objects.count() == 0


def test_adding_a_misspelt_skill(api, guide, participant):
    response = api(guide).post(
        f"/api/v1/participants/{participant.pk}/skills/", {"text": "Orderplokning", "level": 2}
    )
    assert response.status_code == 201
    assert response.json()["label"] == "Orderplockning" and response.json()["skill"] is not None


def test_validated_source_cannot_be_typed_by_a_guide(api, guide, participant):
    response = api(guide).post(
        f"/api/v1/participants/{participant.pk}/skills/",
        {"text": "Packning", "source": "validated"},
    )
    assert response.status_code == 400 and "source" in response.json()


def test_kga_assessment_history_and_latest(api, guide, participant):
    competences = list(KgaCompetence.objects.order_by("order"))
    assert len(competences) == 8
    client = api(guide)
    first = client.post(
        f"/api/v1/participants/{participant.pk}/kga-assessments/",
        {
            "assessed_on": "2026-09-01",
            "scores": [{"competence": c.pk, "level": 2} for c in competences],
        },
    )
    assert first.status_code == 201, first.json()
    second = client.post(
        f"/api/v1/participants/{participant.pk}/kga-assessments/",
        {
            "assessed_on": "2026-11-01",
            "scores": [{"competence": competences[0].pk, "level": 4}],
            "comment": "Stor utveckling",
        },
    )
    assert second.status_code == 201
    history = client.get(f"/api/v1/participants/{participant.pk}/kga-assessments/").json()
    assert [h["assessed_on"] for h in history] == ["2026-11-01", "2026-09-01"]
    from matching.participants.selectors import latest_kga_levels

    levels = latest_kga_levels([participant.pk])[participant.pk]
    assert levels[competences[0].pk] == 4 and levels[competences[1].pk] == 2


@pytest.mark.parametrize("scores", [[{"level": 5}], [{"level": 0}], []])
def test_kga_levels_outside_the_scale_are_refused(api, guide, participant, scores):
    competence = KgaCompetence.objects.first()
    payload = {"scores": [{"competence": competence.pk, **s} for s in scores]}
    response = api(guide).post(f"/api/v1/participants/{participant.pk}/kga-assessments/", payload)
    assert response.status_code == 400 and "scores" in response.json()
    assert KgaAssessment.objects.count() == 0


def test_phase_changes_are_recorded(api, guide, participant):
    client = api(guide)
    assert (
        client.post(
            f"/api/v1/participants/{participant.pk}/phase/", {"phase": "behalla", "reason": "x"}
        ).status_code
        == 400
    )
    response = client.post(
        f"/api/v1/participants/{participant.pk}/phase/",
        {"phase": "fa", "reason": "Anställning med lönestöd"},
    )
    assert response.status_code == 200 and response.json()["phase"] == "fa"
    change = participant.phase_changes.get()
    assert (change.from_phase, change.to_phase, change.by, change.reason) == (
        "finna",
        "fa",
        guide,
        "Anställning med lönestöd",
    )


def test_update_by_assigned_guide_and_not_by_colleague(api, guide, colleague_guide, participant):
    assert (
        api(colleague_guide)
        .patch(f"/api/v1/participants/{participant.pk}/", {"hours_max": 20})
        .status_code
        == 403
    )
    response = api(guide).patch(
        f"/api/v1/participants/{participant.pk}/",
        {
            "hours_max": 20,
            "adaptation_needs": [
                {"adaptation": "step-free-access"},
                {"adaptation": "quiet-space", "description": "Ljud"},
            ],
        },
    )
    assert response.status_code == 200, response.json()
    participant.refresh_from_db()
    assert participant.hours_max == 20
    assert set(participant.adaptation_needs.values_list("adaptation__code", flat=True)) == {
        "step-free-access",
        "quiet-space",
    }


def test_young_target_group_follows_birth_year(participant):
    participant.birth_year = dt.date.today().year - 20
    assert participant.is_young
    participant.birth_year = 1980
    assert not participant.is_young


def test_needs_vocabulary_is_shared_with_profiles():
    assert Adaptation.objects.filter(code="step-free-access", sites__isnull=True).exists()


def test_an_edit_checks_the_references_it_changes_and_not_those_it_left(
    guide, colleague_guide, participant, django_assert_num_queries
):
    """``participant_update`` looks up a reference (municipality, guide) only when the edit changes
    it: a changed one that does not exist is still a field error and nothing is saved, and an
    edit of the hours alone does not look up the unit, the municipality, the guide or the code."""
    import re

    from django.core.exceptions import ValidationError
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.models import Municipality
    from matching.participants.services.participants import participant_update

    with CaptureQueriesContext(connection) as hours_only:
        participant_update(participant=participant, by=guide, hours_max=25)
    lookups = [  # Django's reference checks: ``SELECT 1 FROM <table> WHERE pk = ...``
        q["sql"]
        for q in hours_only.captured_queries
        if re.search(r'^SELECT 1 AS "a" FROM "core_(unit|municipality|user)" WHERE', q["sql"])
    ]
    code_checks = [
        q["sql"]
        for q in hours_only.captured_queries
        if re.search(
            r'FROM "matching_participant" WHERE \("matching_participant"."code" =', q["sql"]
        )
    ]
    assert lookups == [] and code_checks == []
    nowhere = Municipality(code="9999", name="Ingenstans")  # never saved
    with pytest.raises(ValidationError) as refused:
        participant_update(participant=participant, by=guide, municipality=nowhere)
    assert "municipality" in refused.value.message_dict
    participant.refresh_from_db()
    assert participant.municipality_id == "0880" and participant.hours_max == 25
    participant_update(participant=participant, by=guide, guide=colleague_guide)
    participant.refresh_from_db()
    assert participant.guide == colleague_guide
