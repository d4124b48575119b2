"""Matches through the database and the API: the issue's scenarios, per role, decisions, weights, jobs."""

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import Adaptation, Skill
from employers.models import TaskProfile, TaskProfileSkill
from matching import features
from matching.models import (
    MatchDecision,
    MatchSuggestion,
    MatchWeights,
    ParticipantAdaptationNeed,
    ParticipantSkill,
    RecomputeJob,
)
from matching.services.suggestions import rank_profiles_for
from tests.factories.employers import SiteFactory, TaskProfileFactory
from tests.factories.matching import ParticipantFactory

pytestmark = pytest.mark.django_db

OSKARSHAMN = (57.2646, 16.4484)  # ~67 km from Kalmar
VIMMERBY = (57.6652, 15.8546)  # ~118 km


@pytest.fixture(autouse=True)
def _fresh_engines():
    features.forget()
    cache.clear()
    yield
    features.forget()


def skill(label):
    return Skill.objects.get(label=label)


def profile_at(employer, lat, lon, adaptations=(), **kw):
    site = SiteFactory(employer=employer, latitude=lat, longitude=lon)
    site.offered_adaptations.set(Adaptation.objects.filter(code__in=adaptations))
    return TaskProfileFactory(employer=employer, site=site, **kw)


def test_wheelchair_user_is_never_matched_to_a_site_without_step_free_access(unit, guide, employer):
    person = ParticipantFactory(unit=unit, guide=guide)
    ParticipantAdaptationNeed.objects.create(
        participant=person, adaptation=Adaptation.objects.get(code="step-free-access")
    )
    stairs = profile_at(employer, 56.67, 16.36, adaptations=["quiet-space"], title="Trappa")
    ramp = profile_at(employer, 56.67, 16.36, adaptations=["step-free-access"], title="Ramp")
    ranked = rank_profiles_for(person)
    assert [r["task_profile"] for r in ranked] == [ramp.pk]
    flagged = {r["task_profile"]: r for r in rank_profiles_for(person, include_excluded=True)}
    assert flagged[stairs.pk]["reasons"][0]["code"] == "adaptation_not_offered"
    assert flagged[stairs.pk]["needs_unmet"] == ["Tillgänglig entré utan trappsteg"]
    assert flagged[ramp.pk]["needs_met"] == ["Tillgänglig entré utan trappsteg"]


def test_car_and_distance(unit, guide, employer):
    far = profile_at(employer, 57.203, 16.36)  # ~60 km north, ≈ 83 minutes by car
    walker = ParticipantFactory(
        unit=unit,
        guide=guide,
        commute_means=["walk", "public_transport"],
        has_car=False,
        has_driving_licence=False,
    )
    driver = ParticipantFactory(
        unit=unit,
        guide=guide,
        commute_means=["car"],
        has_car=True,
        has_driving_licence=True,
        commute_max_km=100,
        commute_max_minutes=90,
    )
    assert rank_profiles_for(walker) == []
    assert [r["task_profile"] for r in rank_profiles_for(driver)] == [far.pk]
    assert 55 < rank_profiles_for(driver)[0]["distance_km"] < 65


def test_a_misspelt_skill_still_matches(api, unit, guide, employer):
    job = profile_at(employer, 56.67, 16.36)
    TaskProfileSkill.objects.create(profile=job, skill=skill("Truckvana"), weight=5, required=True)
    person = ParticipantFactory(unit=unit, guide=guide)
    response = api(guide).post(
        f"/api/v1/participants/{person.pk}/skills/", {"text": "trukkörning", "level": 3}
    )
    assert response.status_code == 201 and response.json()["label"] == "Truckvana"
    match = rank_profiles_for(person)[0]
    assert match["matched_skills"] == ["Truckvana"] and match["missing_skills"] == []


def test_validated_skill_outranks_the_same_skill_self_reported(api, unit, guide, employer):
    job = profile_at(employer, 56.67, 16.36)
    TaskProfileSkill.objects.create(profile=job, skill=skill("Orderplockning"), weight=4)
    validated = ParticipantFactory(unit=unit, guide=guide)
    told = ParticipantFactory(unit=unit, guide=guide)
    ParticipantSkill.objects.create(
        participant=validated, skill=skill("Orderplockning"), source="validated", level=3
    )
    ParticipantSkill.objects.create(
        participant=told, skill=skill("Orderplockning"), source="self_reported", level=3
    )
    ranked = api(guide).get(f"/api/v1/task-profiles/{job.pk}/matches/").json()
    assert [r["participant"] for r in ranked] == [validated.pk, told.pk]
    assert any("Orderplockning" in v for v in ranked[0]["validations_counting"])


def test_a_profile_with_no_free_slot_is_excluded(unit, guide, employer):
    full = profile_at(employer, 56.67, 16.36, slots_total=1)
    TaskProfile.objects.filter(pk=full.pk).update(slots_taken=1)
    person = ParticipantFactory(unit=unit, guide=guide)
    assert rank_profiles_for(person) == []
    assert (
        rank_profiles_for(person, include_excluded=True)[0]["reasons"][0]["code"]
        == "profile_not_open_or_full"
    )


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    gender=st.sampled_from(["kvinna", "man", "annat", "uppgift_saknas"]),
    birth_year=st.integers(1960, 2007),
    newly_arrived=st.booleans(),
    language=st.sampled_from(["Arabiska", "Svenska", "Tigrinja"]),
)
def test_gender_age_and_origin_never_change_a_score(
    unit, guide, employer, gender, birth_year, newly_arrived, language
):
    features.forget()
    if not TaskProfile.objects.exists():
        job = profile_at(employer, 56.67, 16.36)
        TaskProfileSkill.objects.create(profile=job, skill=skill("Packning"), weight=3)
        person = ParticipantFactory(unit=unit, guide=guide, gender="kvinna", birth_year=1990)
        ParticipantSkill.objects.create(participant=person, skill=skill("Packning"), level=2)
    person = ParticipantFactory._meta.model.objects.first()
    baseline = [
        (r["task_profile"], r["score"], r["components"])
        for r in rank_profiles_for(person, include_excluded=True)
    ]
    type(person).objects.filter(pk=person.pk).update(
        gender=gender, birth_year=birth_year, newly_arrived=newly_arrived
    )
    person.languages.all().delete()
    person.languages.create(language=language, level="native")
    features.forget()
    person.refresh_from_db()
    assert [
        (r["task_profile"], r["score"], r["components"])
        for r in rank_profiles_for(person, include_excluded=True)
    ] == baseline


ROLES = {
    "guide": 200,
    "colleague_guide": 200,
    "coordinator": 200,
    "manager": 200,
    "admin_user": 200,
    "foreign_guide": 404,
    "employer_user": 403,
    None: 403,
}


@pytest.mark.parametrize(("role", "expected"), list(ROLES.items()))
def test_who_may_see_matches(request, api, unit, guide, employer, role, expected):
    job = profile_at(employer, 56.67, 16.36)
    person = ParticipantFactory(unit=unit, guide=guide)
    user = request.getfixturevalue(role) if role else None
    client = api(user)
    for url in (
        f"/api/v1/participants/{person.pk}/matches/",
        f"/api/v1/task-profiles/{job.pk}/matches/",
        f"/api/v1/matches/explain/?participant={person.pk}&task_profile={job.pk}",
    ):
        response = client.get(url)
        assert response.status_code == expected, url
        if expected == 200:
            assert str(job.pk) in response.content.decode()


def test_results_never_show_need_descriptions(api, unit, guide, colleague_guide, employer):
    profile_at(employer, 56.67, 16.36, adaptations=["step-free-access"])
    person = ParticipantFactory(unit=unit, guide=guide)
    ParticipantAdaptationNeed.objects.create(
        participant=person,
        adaptation=Adaptation.objects.get(code="step-free-access"),
        description="Rullstol efter olycka",
    )
    body = api(colleague_guide).get(f"/api/v1/participants/{person.pk}/matches/").content.decode()
    assert "Tillgänglig entré" in body and "olycka" not in body


def test_bad_match_queries_are_400(api, guide, participant):
    for query in ("limit=0", "limit=abc", "max_distance=-3", "kind=spaceflight"):
        response = api(guide).get(f"/api/v1/participants/{participant.pk}/matches/?{query}")
        assert response.status_code == 400, query
        assert response.json()


def test_a_bad_query_names_its_field_in_each_requests_language_and_leaves_the_next_one_clean(
    api, guide, participant
):
    url = f"/api/v1/participants/{participant.pk}/matches/"
    client = api(guide)
    english = client.get(f"{url}?limit=0", HTTP_ACCEPT_LANGUAGE="en").json()
    swedish = client.get(f"{url}?limit=0", HTTP_ACCEPT_LANGUAGE="sv").json()
    assert set(english) == set(swedish) == {"limit"}
    assert english["limit"] != swedish["limit"]
    assert "greater than or equal to 1" in english["limit"][0]
    both = client.get(f"{url}?limit=abc&max_distance=-3", HTTP_ACCEPT_LANGUAGE="en").json()
    assert set(both) == {"limit", "max_distance"}
    # The serializer that refused those keeps nothing of them: a good query after them answers.
    good = client.get(f"{url}?limit=3", HTTP_ACCEPT_LANGUAGE="en")
    assert good.status_code == 200 and isinstance(good.json(), list)


def test_decisions_are_kept_with_structured_reasons(api, unit, guide, employer):
    job = profile_at(employer, 56.67, 16.36)
    person = ParticipantFactory(unit=unit, guide=guide)
    client = api(guide)
    no_reason = client.post(
        "/api/v1/match-decisions/",
        {"participant": person.pk, "task_profile": job.pk, "decision": "not_suitable"},
    )
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    response = client.post(
        "/api/v1/match-decisions/",
        {
            "participant": person.pk,
            "task_profile": job.pk,
            "decision": "not_suitable",
            "reason": "distance",
            "note": "Inga bussar",
        },
    )
    assert response.status_code == 201
    decision = MatchDecision.objects.get()
    assert (decision.reason, decision.decided_by, decision.score is not None) == (
        "distance",
        guide,
        True,
    )
    assert set(decision.breakdown) == {
        "skills",
        "validations",
        "geography",
        "adaptations_hours",
        "preferences",
        "load",
    }


def test_proposals_raise_the_employer_load(unit, guide, employer):
    busy = profile_at(employer, 56.67, 16.36, title="Busy")
    quiet = profile_at(employer, 56.67, 16.36, title="Quiet")
    people = [ParticipantFactory(unit=unit, guide=guide) for _ in range(4)]
    for person in people[:3]:
        MatchDecision.objects.create(
            participant=person, task_profile=busy, decision="proposed", decided_by=guide
        )
    features.forget()
    ranked = rank_profiles_for(people[3])
    assert [r["task_profile"] for r in ranked] == [quiet.pk, busy.pk]


def test_weights_are_per_unit_and_validated(api, guide, admin_user, unit):
    assert api(guide).get("/api/v1/match-weights/").json()["skills"] == 0.35
    assert api(guide).patch("/api/v1/match-weights/", {"skills": 1}).status_code == 403
    bad = api(admin_user).put(
        "/api/v1/match-weights/",
        {
            "skills": 0,
            "validations": 0,
            "geography": 0,
            "adaptations_hours": 0,
            "preferences": 0,
            "load": 0,
        },
    )
    assert bad.status_code == 400
    assert api(admin_user).patch("/api/v1/match-weights/", {"skills": -1}).status_code == 400
    ok = api(admin_user).patch("/api/v1/match-weights/", {"geography": 0.5})
    assert ok.status_code == 200 and MatchWeights.objects.get(unit=unit).geography == 0.5


def test_full_recompute_reports_progress_and_resumes(
    api, unit, guide, employer, django_capture_on_commit_callbacks
):
    profile_at(employer, 56.67, 16.36)
    people = [ParticipantFactory(unit=unit, guide=guide) for _ in range(5)]
    job = RecomputeJob.objects.create(
        unit=unit, total=5, done=2, last_participant_id=people[1].pk, status="running"
    )
    from matching.services.recompute import recompute_job_run

    finished = recompute_job_run(job.pk)  # as after a restart: continues after the last one done
    assert (finished.status, finished.done, finished.percent) == ("done", 5, 100)
    assert set(MatchSuggestion.objects.values_list("participant_id", flat=True)) == {
        p.pk for p in people[2:]
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = api(guide).post("/api/v1/recompute-jobs/")
    assert response.status_code == 202
    new = RecomputeJob.objects.get(pk=response.json()["id"])
    assert new.status == "done" and new.done == 5
    assert api(guide).get(f"/api/v1/recompute-jobs/{new.pk}/").json()["percent"] == 100


def test_changes_are_recomputed_in_the_background_and_bursts_coalesce(
    api, unit, guide, employer, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    monkeypatch.setattr(
        "matching.tasks.refresh_participant.apply_async", lambda args, **options: calls.append(args)
    )
    person = ParticipantFactory(unit=unit, guide=guide)
    with django_capture_on_commit_callbacks(execute=True):
        for level in (1, 2, 3):
            api(guide).post(
                f"/api/v1/participants/{person.pk}/skills/", {"text": "Packning", "level": level}
            )
    assert calls == [[person.pk]]
    from matching.tasks import refresh_participant

    profile_at(employer, 56.67, 16.36)
    assert refresh_participant(person.pk) == 1  # the task releases the key and stores suggestions
    assert MatchSuggestion.objects.filter(participant=person).count() == 1
