"""The placement list read by compiled reads (``placements.api.views``, issue 22) answers what the
ORM's list answers, for every role and page: the same placements in the same order with the same
evaluations, extensions, agreed adaptations and, for an employer user, exactly what each
participant shared. A filtered, searched, ordered or sized list is read by the ORM as before."""

import datetime as dt

import pytest

from core.models import Adaptation
from matching.models import ParticipantAdaptationNeed, ParticipantSkill
from matching.participants.services.consents import consent_record
from placements.models import Placement, PracticeEvaluation, PracticeExtension
from tests.factories.employers import TaskProfileFactory
from tests.factories.matching import ParticipantFactory
from tests.factories.placements import PlacementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def placements(
    unit, guide, colleague_guide, foreign_guide, employer, other_employer, foreign_employer
):
    """Seven placements of both guides at two employers of the unit and one of the other unit,
    with evaluations, extensions, agreed adaptations, skills and needs; some participants consent
    to share with their employer, one only their identity."""
    adaptations = list(Adaptation.objects.order_by("pk")[:3])
    made = []
    for i in range(7):
        who = guide if i % 2 == 0 else colleague_guide
        person = ParticipantFactory(unit=unit, guide=who)
        ParticipantSkill.objects.create(participant=person, free_text=f"Truck {i}", level=2)
        ParticipantAdaptationNeed.objects.create(participant=person, adaptation=adaptations[i % 3])
        at = employer if i < 4 else other_employer
        profile = TaskProfileFactory(employer=at, site__employer=at, unit=unit)
        placement = PlacementFactory(
            participant=person,
            task_profile=profile,
            planned_start=dt.date(2026, 11, 2) + dt.timedelta(days=i % 3),  # ties: pk decides
        )
        placement.agreed_adaptations.set(adaptations[: i % 3 + 1])
        for day in range(i % 3):
            PracticeEvaluation.objects.create(
                placement=placement,
                evaluated_on=dt.date(2026, 11, 10 + day),
                progress="Går bra",
                rating=3,
                by=who,
            )
        if i % 2:
            PracticeExtension.objects.create(
                placement=placement,
                previous_end=placement.planned_end,
                new_end=placement.planned_end + dt.timedelta(days=30),
                reason="Mer tid",
                by=who,
            )
        if i in (0, 1, 4):
            scopes = ["identity", "skills", "adaptation_needs", "placement"] if i else ["identity"]
            consent_record(
                participant=person,
                by=who,
                purpose="Matchning",
                scopes=scopes,
                given_on=dt.date.today() - dt.timedelta(days=1),
                method="signed_paper",
                employer=at,
            )
        made.append(placement)
    foreign = ParticipantFactory(unit=foreign_employer.unit, guide=foreign_guide)
    PlacementFactory(
        participant=foreign,
        task_profile=TaskProfileFactory(
            employer=foreign_employer, site__employer=foreign_employer, unit=foreign_employer.unit
        ),
    )
    return made


ROLES = [
    "guide",
    "colleague_guide",
    "coordinator",
    "manager",
    "admin_user",
    "employer_user",
    "other_employer_user",
    "foreign_guide",
]


@pytest.mark.parametrize("who", ROLES)
def test_the_compiled_list_is_the_orm_list_for_every_role_and_page(
    request, api, placements, who, monkeypatch
):
    from core.api.pagination import PageNumberPagination

    user = request.getfixturevalue(who)
    client = api(user)
    orm = client.get("/api/v1/placements/?page_size=50").json()
    compiled = client.get("/api/v1/placements/").json()
    assert compiled["results"] == orm["results"] and compiled["count"] == orm["count"]
    expected = Placement.objects.visible_to(user).count()
    assert compiled["count"] == expected > 0
    if who == "employer_user":  # what was shared, and only that
        views = [row["participant_view"] for row in compiled["results"]]
        assert any(v.get("skills") for v in views) and any(not v.get("skills") for v in views)
    monkeypatch.setattr(PageNumberPagination, "page_size", 3)
    for page in (1, 2, 3):
        orm = client.get(f"/api/v1/placements/?page={page}&page_size=3")
        compiled = client.get(f"/api/v1/placements/?page={page}")
        assert compiled.status_code == orm.status_code
        if orm.status_code == 200:
            assert compiled.json()["results"] == orm.json()["results"]
            assert compiled.json()["count"] == orm.json()["count"]
    assert client.get("/api/v1/placements/?page=99").status_code == 404


def test_the_compiled_list_asks_no_more_queries_than_the_orm_list(
    api, placements, employer_user, django_assert_max_num_queries
):
    client = api(employer_user)
    client.get("/api/v1/placements/")
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/placements/").json()["count"] == 4


def test_a_filtered_list_is_read_by_the_orm(api, placements, guide):
    mine = api(guide).get(f"/api/v1/placements/?guide={guide.pk}").json()
    assert mine["count"] == 4
    assert {row["guide"] for row in mine["results"]} == {guide.pk}
