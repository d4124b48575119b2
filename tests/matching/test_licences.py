"""Licences and legitimations through the database, the services and the API (issue 23): a profile
that requires one excludes participants without it in both ranking directions, with a reason that
names the licence in words; a class that includes another counts; the driving-licence flag and the
licence list agree."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from core.models import Licence, Skill
from employers.services.profiles import task_profile_update
from matching import features
from matching.participants.services.participants import participant_update
from tests.factories.employers import SiteFactory, TaskProfileFactory
from tests.factories.matching import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_engines():
    features.forget()
    cache.clear()
    yield
    features.forget()


def lic(code):
    return Licence.objects.get(code=code)


@pytest.fixture
def lorry_job(employer, coordinator):
    site = SiteFactory(employer=employer, latitude=56.67, longitude=16.36)
    job = TaskProfileFactory(employer=employer, site=site, title="Lastbilsförare")
    return task_profile_update(profile=job, by=coordinator, required_licences=[lic("c")])


def test_the_seeded_list_is_realistic_and_classes_include_lower_ones():
    codes = set(Licence.objects.values_list("code", flat=True))
    assert {"am", "a", "b", "be", "c", "ce", "d", "truck-a", "truck-b"} <= codes
    assert {"leg-tandlakare", "leg-forskollarare", "leg-sjukskoterska", "leg-lakare"} <= codes
    from core.licences import with_included

    held = with_included([lic("ce").pk])
    assert {lic(c).pk for c in ("c", "c1", "c1e", "be", "b", "am")} <= held
    assert lic("d").pk not in held


def test_a_required_licence_excludes_in_both_directions_with_the_licence_named(
    api, unit, guide, lorry_job
):
    without = ParticipantFactory(unit=unit, guide=guide)
    holder = ParticipantFactory(unit=unit, guide=guide)
    participant_update(participant=holder, by=guide, licences=[lic("ce")])  # CE includes C
    participant_update(participant=without, by=guide, licences=[lic("b")])

    def profile_side(person):
        response = api(guide).get(
            f"/api/v1/participants/{person.pk}/matches/?include_excluded=true"
        )
        assert response.status_code == 200
        return {m["task_profile"]: m for m in response.json()["results"]}[lorry_job.pk]

    assert profile_side(holder)["reasons"] == []
    excluded = profile_side(without)
    assert excluded["score"] == 0
    (reason,) = excluded["reasons"]
    assert reason["code"] == "licence_missing"
    assert reason["text"] == "Kräver Körkort C (tung lastbil) – saknas"
    assert reason["label"] == "en krävd behörighet eller legitimation saknas"
    # profile → participants
    ranked = api(guide).get(f"/api/v1/task-profiles/{lorry_job.pk}/matches/").json()
    assert [r["participant"] for r in ranked] == [holder.pk]
    everyone = (
        api(guide)
        .get(f"/api/v1/task-profiles/{lorry_job.pk}/matches/?include_excluded=true")
        .json()["results"]
    )
    flagged = {r["participant"]: r for r in everyone}[without.pk]
    assert [r["text"] for r in flagged["reasons"]] == ["Kräver Körkort C (tung lastbil) – saknas"]
    # In English, the licence's English name.
    english = (
        api(guide)
        .get(
            f"/api/v1/participants/{without.pk}/matches/?include_excluded=true",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        .json()["results"]
    )
    (reason,) = {m["task_profile"]: m for m in english}[lorry_job.pk]["reasons"]
    assert reason["text"] == "Requires Driving licence C (heavy lorry) – not held"


def test_a_legitimation_is_never_a_score(api, unit, guide, employer, coordinator):
    site = SiteFactory(employer=employer, latitude=56.67, longitude=16.36)
    clinic = TaskProfileFactory(employer=employer, site=site, title="Tandläkare")
    task_profile_update(profile=clinic, by=coordinator, required_licences=[lic("leg-tandlakare")])
    dentist = ParticipantFactory(unit=unit, guide=guide)
    participant_update(participant=dentist, by=guide, licences=[lic("leg-tandlakare")])
    ParticipantFactory(unit=unit, guide=guide)
    ranked = api(guide).get(f"/api/v1/task-profiles/{clinic.pk}/matches/").json()
    assert [r["participant"] for r in ranked] == [dentist.pk]


def test_the_driving_licence_flag_and_the_licence_list_agree(unit, guide):
    person = ParticipantFactory(unit=unit, guide=guide, has_driving_licence=False)
    participant_update(participant=person, by=guide, has_driving_licence=True)
    person.refresh_from_db()
    assert list(person.licences.values_list("code", flat=True)) == ["b"]
    participant_update(participant=person, by=guide, licences=[lic("ce"), lic("truck-b")])
    person.refresh_from_db()
    assert person.has_driving_licence  # CE includes B
    participant_update(participant=person, by=guide, licences=[lic("truck-b")])
    person.refresh_from_db()
    assert not person.has_driving_licence
    participant_update(participant=person, by=guide, licences=[lic("c"), lic("truck-b")])
    participant_update(participant=person, by=guide, has_driving_licence=False)
    person.refresh_from_db()
    assert list(person.licences.values_list("code", flat=True)) == ["truck-b"]
    with pytest.raises(ValidationError) as err:
        participant_update(
            participant=person, by=guide, licences=[lic("b")], has_driving_licence=False
        )
    assert "has_driving_licence" in err.value.message_dict


def test_a_must_skill_excludes_and_a_weighted_one_does_not(api, unit, guide, employer, coordinator):
    site = SiteFactory(employer=employer, latitude=56.67, longitude=16.36)
    must = TaskProfileFactory(employer=employer, site=site, title="Truck, måste")
    weighted = TaskProfileFactory(employer=employer, site=site, title="Truck, viktad")
    truck = Skill.objects.get(label="Truckvana")
    task_profile_update(
        profile=must, by=coordinator, skills=[{"skill": truck, "weight": 5, "must": True}]
    )
    task_profile_update(
        profile=weighted, by=coordinator, skills=[{"skill": truck, "weight": 5, "required": True}]
    )
    assert must.skills.get().required  # must implies required
    person = ParticipantFactory(unit=unit, guide=guide)
    listed = api(guide).get(f"/api/v1/participants/{person.pk}/matches/?include_excluded=true")
    by_profile = {m["task_profile"]: m for m in listed.json()["results"]}
    assert [r["text"] for r in by_profile[must.pk]["reasons"]] == ["Måste ha Truckvana – saknas"]
    assert by_profile[weighted.pk]["reasons"] == []
    ranked = api(guide).get(f"/api/v1/task-profiles/{must.pk}/matches/").json()
    assert ranked == []


def test_the_register_extract_lists_the_licences_held(unit, guide, admin_user):
    import json

    from django.test import Client

    person = ParticipantFactory(unit=unit, guide=guide)
    participant_update(participant=person, by=guide, licences=[lic("truck-b"), lic("b")])
    client = Client()
    client.force_login(admin_user)
    data = json.loads(client.get(f"/sakerhet/deltagare/{person.pk}/utdrag/?format=json").content)
    profile = {s["key"]: s for s in data["sections"]}["profile"]
    fields = {f["key"]: f for f in profile["fields"]}
    assert fields["licences"]["label"] == "Behörigheter och legitimationer"
    assert sorted(fields["licences"]["value"]) == [
        "Körkort B (personbil)",
        "Truckkort B (motviktstruckar, skjutstativtruckar)",
    ]


def test_the_engines_licence_facts_follow_a_changed_inclusion(unit, guide):
    """Which classes include which comes from the shared cache in the engine's records
    (``features._licence_facts``); a new inclusion counts at the next build."""
    person = ParticipantFactory(unit=unit, guide=guide, has_driving_licence=False)
    person.licences.add(lic("truck-a"))
    (record,) = features.participant_records([person])
    assert lic("truck-b").pk not in record.licences
    lic("truck-a").includes.add(lic("truck-b"))
    (record,) = features.participant_records([person])
    assert lic("truck-b").pk in record.licences
    person.has_driving_licence = True  # the flag counts as the car licence, cached too
    (record,) = features.participant_records([person])
    assert lic("b").pk in record.licences
