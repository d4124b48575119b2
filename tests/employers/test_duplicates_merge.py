import pytest

from employers.models import (
    ContactPerson,
    Employer,
    EmployerMembership,
    Interaction,
    Site,
    TaskProfile,
)
from tests.factories.employers import (
    ContactPersonFactory,
    EmployerFactory,
    SiteFactory,
    TaskProfileFactory,
)

pytestmark = pytest.mark.django_db


def test_duplicate_orgnr_is_refused_naming_the_existing_employer(api, coordinator, employer):
    response = api(coordinator).post(
        "/api/v1/employers/", {"name": "Annat namn", "orgnr": "5560360793", "municipality": "0880"}
    )
    assert response.status_code == 400
    message = response.json()["orgnr"][0]
    assert "Kalmar Lager AB" in message and "(Kalmar)" in message
    assert Employer.objects.count() == 1


def test_changing_orgnr_to_an_existing_one_is_refused(api, coordinator, employer, other_employer):
    response = api(coordinator).patch(
        f"/api/v1/employers/{other_employer.pk}/", {"orgnr": "556036-0793"}
    )
    assert response.status_code == 400 and "orgnr" in response.json()
    other_employer.refresh_from_db()
    assert other_employer.orgnr == ""


def test_fuzzy_name_in_same_municipality_is_flagged(api, coordinator, unit):
    original = EmployerFactory(name="ICA Maxi Kalmar", unit=unit)
    EmployerFactory(name="ICA Maxi Nybro", unit=unit)
    response = api(coordinator).post(
        "/api/v1/employers/", {"name": "Ica maxi, Kalmar", "municipality": "0880"}
    )
    assert response.status_code == 201
    flagged = response.json()["possible_duplicates"]
    assert [d["id"] for d in flagged] == [original.pk]
    assert flagged[0]["score"] >= 88


def test_same_name_in_another_municipality_is_not_flagged(api, coordinator, unit):
    EmployerFactory(name="Hemtjänst Norr", unit=unit)
    response = api(coordinator).post(
        "/api/v1/employers/", {"name": "Hemtjänst Norr", "municipality": "0881"}
    )
    assert response.json()["possible_duplicates"] == []


def test_possible_duplicates_review_list(api, coordinator, unit):
    a = EmployerFactory(name="Kalmar Städ & Fönsterputs AB", unit=unit)
    b = EmployerFactory(name="Kalmar städ och fönsterputs", unit=unit)
    EmployerFactory(name="Helt annat", unit=unit)
    rows = api(coordinator).get("/api/v1/employers/possible-duplicates/").json()
    assert [{r["a"], r["b"]} for r in rows] == [{a.pk, b.pk}]


def test_merge_moves_everything_and_loses_nothing(api, coordinator, unit, employer, employer_user):
    dupe = EmployerFactory(
        name="Kalmar Lager",
        unit=unit,
        notes="Kontakt via mässan",
        website="https://lager.example.se",
    )
    site = SiteFactory(employer=dupe)
    ContactPersonFactory(employer=dupe)
    Interaction.objects.create(employer=dupe, by=coordinator, kind="visit", next_step="Ring")
    TaskProfileFactory(employer=dupe, site=site)
    EmployerMembership.objects.filter(user=employer_user).update(employer=dupe)
    before = {
        m: m.objects.count()
        for m in (Site, ContactPerson, Interaction, TaskProfile, EmployerMembership)
    }

    response = api(coordinator).post(f"/api/v1/employers/{employer.pk}/merge/", {"remove": dupe.pk})

    assert response.status_code == 200, response.json()
    assert not Employer.objects.filter(pk=dupe.pk).exists()
    assert {m: m.objects.count() for m in before} == before
    for model in (Site, ContactPerson, Interaction, TaskProfile, EmployerMembership):
        assert not model.objects.exclude(employer=employer).exists()
    employer.refresh_from_db()
    assert "Kontakt via mässan" in employer.notes and "Kalmar Lager" in employer.notes
    assert employer.website == "https://lager.example.se"


def test_merge_with_itself_or_across_units_is_refused(api, coordinator, employer, foreign_employer):
    client = api(coordinator)
    assert (
        client.post(f"/api/v1/employers/{employer.pk}/merge/", {"remove": employer.pk}).status_code
        == 400
    )
    response = client.post(
        f"/api/v1/employers/{employer.pk}/merge/", {"remove": foreign_employer.pk}
    )
    assert response.status_code == 404
    assert Employer.objects.filter(pk=foreign_employer.pk).exists()


def test_guide_cannot_merge(api, guide, employer, other_employer):
    assert (
        api(guide)
        .post(f"/api/v1/employers/{employer.pk}/merge/", {"remove": other_employer.pk})
        .status_code
        == 403
    )
    assert Employer.objects.count() == 2


def test_the_pairs_read_at_once_are_the_pairs_found_one_by_one(coordinator, unit):
    """``duplicate_pairs`` reads the candidates once for the whole register (issue 22); it must
    find exactly what ``find_possible_duplicates`` finds employer by employer: same municipality,
    the region of the employer's unit, not across regions, dismissed pairs left out."""
    from core.models import Municipality
    from employers.services.duplicates import (
        _pair,
        duplicate_pairs,
        find_possible_duplicates,
        not_duplicate_mark,
        not_duplicate_pairs,
    )
    from tests.factories.core import UnitFactory

    neighbour = UnitFactory(region=unit.region)
    elsewhere = UnitFactory()  # another region
    nybro = Municipality.objects.get(code="0881")
    names = [
        "ICA Maxi Kalmar",
        "Ica maxi, Kalmar",
        "Kalmar Bygg",
        "ICA Maxi Kalmar AB",
        "Bygg Kalmar",
    ]
    made = []
    for i, name in enumerate(names):
        made.append(EmployerFactory(name=name, unit=unit if i % 2 else neighbour, orgnr=""))
    made.append(EmployerFactory(name="ICA Maxi Kalmar", unit=elsewhere, orgnr=""))
    made.append(EmployerFactory(name="Ica Maxi Kalmar", unit=unit, municipality=nybro, orgnr=""))
    not_duplicate_mark(a=made[1], b=made[3], by=coordinator)  # both of the coordinator's unit

    employers = Employer.objects.filter(pk__in=[e.pk for e in made]).order_by("pk")
    dismissed, expected, seen = not_duplicate_pairs(), [], set()
    for employer in employers:
        for dupe in find_possible_duplicates(
            name=employer.name,
            municipality_id=employer.municipality_id,
            exclude_id=employer.pk,
            unit_id=employer.unit_id,
        ):
            key = _pair(employer.pk, dupe.employer.pk)
            if key not in seen and key not in dismissed:
                seen.add(key)
                expected.append((employer.pk, dupe.employer.pk, dupe.score))
    found = [(a.pk, b.pk, score) for a, b, score in duplicate_pairs(employers)]
    assert found == expected
    assert len(found) >= 3 and _pair(made[1].pk, made[3].pk) not in {
        _pair(a, b) for a, b, _ in found
    }
