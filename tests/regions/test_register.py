"""One employer register per region: shared within a region, invisible across regions."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from core.exceptions import DuplicateRecord, NotAllowed
from employers.models import Employer, Interaction
from employers.services.contact_log import interaction_create
from employers.services.contacts import contact_create, contact_update
from employers.services.employers import employer_create, employer_update
from employers.services.profiles import task_profile_create, task_profile_update
from employers.services.sites import site_create, site_update
from tests.factories.core import municipality

pytestmark = pytest.mark.django_db


def test_same_orgnr_in_another_region_is_allowed_and_reveals_nothing(api, shared_employer, coord_v):
    response = api(coord_v).post(
        "/api/v1/employers/",
        {"name": "Hamnbolaget i Växjö", "orgnr": "5560360793", "municipality": "0780"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert shared_employer.name not in response.content.decode()
    created = Employer.objects.get(pk=response.json()["id"])
    assert created.region_id == coord_v.unit.region_id != shared_employer.region_id


def test_duplicate_in_the_same_region_leads_to_the_existing_record(api, shared_employer, coord_t):
    response = api(coord_t).post(
        "/api/v1/employers/",
        {"name": "Hamnen", "orgnr": "556036-0793", "municipality": "0834"},
        format="json",
    )
    assert response.status_code == 400
    message = response.json()["orgnr"][0]
    assert shared_employer.name in message and shared_employer.municipality.name in message
    assert Employer.objects.filter(orgnr="556036-0793").count() == 1


def test_duplicate_page_links_to_the_existing_record(client, shared_employer, coord_t):
    client.force_login(coord_t)
    response = client.post(
        "/arbetsgivare/ny/",
        {"name": "Hamnen", "orgnr": "556036-0793", "municipality": "0834", "sector": "private"},
    )
    assert response.status_code == 200
    assert f"/arbetsgivare/{shared_employer.pk}/" in response.content.decode()


def test_database_keeps_orgnr_unique_per_region(shared_employer, kronoberg_employer, unit_t):
    assert kronoberg_employer.orgnr == shared_employer.orgnr
    with pytest.raises(IntegrityError), transaction.atomic():
        Employer.objects.create(
            name="Dubblett",
            orgnr=shared_employer.orgnr,
            unit=unit_t,
            municipality=municipality("0834"),
        )


def test_region_is_taken_from_the_lead_unit(shared_employer, unit_k):
    assert shared_employer.region_id == unit_k.region_id


@pytest.mark.parametrize(
    ("who", "sees_shared", "sees_kronoberg"),
    [
        ("coord_k", True, False),
        ("guide_k", True, False),
        ("manager_k", True, False),
        ("coord_t", True, False),
        ("guide_t", True, False),
        ("regional_admin_k", True, False),
        ("coord_v", False, True),
        ("guide_v", False, True),
        ("superadmin", True, True),
        ("shared_employer_user", True, False),
    ],
)
def test_employer_visibility_per_role(
    request, api, who, sees_shared, sees_kronoberg, shared_employer, kronoberg_employer
):
    user = request.getfixturevalue(who)
    client = api(user)
    for employer, expected in (
        (shared_employer, sees_shared),
        (kronoberg_employer, sees_kronoberg),
    ):
        response = client.get(f"/api/v1/employers/{employer.pk}/")
        assert (response.status_code == 200) is expected, (who, employer.name, response.status_code)
    assert set(Employer.objects.visible_to(user).values_list("pk", flat=True)) == {
        e.pk
        for e, ok in ((shared_employer, sees_shared), (kronoberg_employer, sees_kronoberg))
        if ok
    }


def test_anonymous_sees_no_employer(api, shared_employer):
    assert api(None).get(f"/api/v1/employers/{shared_employer.pk}/").status_code in (401, 403)


def test_other_region_employer_page_is_404(client, shared_employer, coord_v):
    client.force_login(coord_v)
    assert client.get(f"/arbetsgivare/{shared_employer.pk}/").status_code == 404
    assert client.get(f"/arbetsgivare/{shared_employer.pk}/regionen/").status_code == 404


def test_another_unit_adds_its_own_site_contact_and_profile(
    shared_employer, shared_site, coord_t, coord_k
):
    site = site_create(
        employer=shared_employer, by=coord_t, name="Torsås lager", municipality=municipality("0834")
    )
    contact = contact_create(employer=shared_employer, by=coord_t, name="Tina Hamn")
    profile = task_profile_create(
        employer=shared_employer, by=coord_t, site=site, title="Truckförare", regional=True
    )
    assert (site.unit_id, contact.unit_id, profile.unit_id) == (coord_t.unit_id,) * 3
    assert profile.regional is True
    # Only the unit that added a thing changes it; only the lead unit changes the employer.
    with pytest.raises(NotAllowed):
        site_update(site=shared_site, by=coord_t, name="Nytt namn")
    with pytest.raises(NotAllowed):
        contact_update(contact=contact, by=coord_k, name="Annat")
    with pytest.raises(NotAllowed):
        employer_update(employer=shared_employer, by=coord_t, name="Annat AB")
    with pytest.raises(NotAllowed):
        task_profile_update(profile=profile, by=coord_k, title="Annat")


def test_other_region_cannot_add_to_the_employer(shared_employer, coord_v):
    with pytest.raises(NotAllowed):
        contact_create(employer=shared_employer, by=coord_v, name="X")


def test_contact_log_details_stay_in_the_unit_but_the_summary_crosses(
    client, shared_employer, coord_k, coord_t, coord_v
):
    interaction_create(
        employer=shared_employer,
        by=coord_k,
        kind="call",
        occurred_on=dt.date(2026, 11, 3),
        notes="Hemligt: vd:n vill ha tre praktikanter",
        next_step="Skicka förslag",
        next_step_due=dt.date(2026, 11, 10),
    )
    assert not Interaction.objects.visible_to(coord_t).exists()
    assert Interaction.objects.visible_to(coord_k).count() == 1
    client.force_login(coord_t)
    page = client.get(f"/arbetsgivare/{shared_employer.pk}/").content.decode()
    assert "Hemligt" not in page
    assert "AME Kalmar R" in page and "3 nov" in page and "10 nov" in page  # coordinate first
    summary = client.get(f"/arbetsgivare/{shared_employer.pk}/regionen/").content.decode()
    assert "Hemligt" not in summary and "Skicka förslag" not in summary
    assert "AME Kalmar R" in summary and coord_k.get_full_name() in summary


def test_duplicate_raises_domain_error_for_the_service(shared_employer, coord_t):
    with pytest.raises(DuplicateRecord):
        employer_create(by=coord_t, name="X", orgnr="5560360793", municipality=municipality("0834"))


PAGES = {
    "employer": "/arbetsgivare/{employer}/",
    "relation": "/arbetsgivare/{employer}/regionen/",
    "profile": "/kravprofiler/{profile}/",
}

# who → expected status on the Kalmar-region pages (employer page, relation page, regional profile)
PAGE_ROLES = [
    ("coord_k", 200),
    ("coord_t", 200),
    ("guide_t", 200),
    ("manager_t", 200),
    ("regional_admin_k", 200),
    ("superadmin", 200),
    ("coord_v", 404),
    ("guide_v", 404),
]


@pytest.mark.parametrize(("who", "status"), PAGE_ROLES)
def test_region_pages_per_role(request, client, who, status, shared_employer, shared_site, unit_k):
    from tests.factories.employers import TaskProfileFactory

    profile = TaskProfileFactory(
        employer=shared_employer, site=shared_site, unit=unit_k, title="Kajarbete", regional=True
    )
    client.force_login(request.getfixturevalue(who))
    for name, pattern in PAGES.items():
        url = pattern.format(employer=shared_employer.pk, profile=profile.pk)
        response = client.get(url)
        assert response.status_code == status, (who, name, response.status_code)
        if status == 404:
            assert shared_employer.name not in response.content.decode()


def test_employer_user_and_anonymous_do_not_see_the_relation_page(
    client, shared_employer, shared_employer_user
):
    url = f"/arbetsgivare/{shared_employer.pk}/regionen/"
    client.force_login(shared_employer_user)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_local_profile_of_another_unit_is_hidden_in_pages(
    client, shared_employer, shared_site, unit_k, coord_t
):
    from tests.factories.employers import TaskProfileFactory

    local = TaskProfileFactory(
        employer=shared_employer, site=shared_site, unit=unit_k, title="Bara Kalmar"
    )
    client.force_login(coord_t)
    assert client.get(f"/kravprofiler/{local.pk}/").status_code == 404
    assert "Bara Kalmar" not in client.get(f"/arbetsgivare/{shared_employer.pk}/").content.decode()


def test_relation_summary_in_the_api_per_role(
    api, shared_employer, shared_site, coord_k, coord_t, coord_v, shared_employer_user, unit_t
):
    interaction_create(
        employer=shared_employer, by=coord_t, kind="visit", notes="Besök i hamnen (detalj)"
    )
    task_profile_create(
        employer=shared_employer, by=coord_t, site=shared_site, title="Torsåsprofil", regional=True
    )
    response = api(coord_k).get(f"/api/v1/employers/{shared_employer.pk}/relation/")
    assert response.status_code == 200
    body = response.json()
    assert body["lead_unit"] == "AME Kalmar R"
    torsas = next(u for u in body["units"] if u["unit_name"] == unit_t.name)
    assert torsas["last_contact_on"] is not None and torsas["open_placements"] == 0
    assert "detalj" not in response.content.decode()
    assert api(coord_v).get(f"/api/v1/employers/{shared_employer.pk}/relation/").status_code == 404
    assert (
        api(shared_employer_user)
        .get(f"/api/v1/employers/{shared_employer.pk}/relation/")
        .status_code
        == 403
    )
    assert api(None).get(f"/api/v1/employers/{shared_employer.pk}/relation/").status_code in (
        401,
        403,
    )


def test_the_employer_pages_note_names_the_other_units_as_the_summary_does(
    shared_employer, coord_k, coord_t
):
    """``other_units_contacts`` (the employer page's note) reads only the log; its rows are the
    summary's: each other unit's last contact and its earliest open next step, not a done one."""
    from employers.selectors import other_units_contacts, relation_summary

    for by, day, next_step, due, done in [
        (coord_k, 3, "Skicka förslag", 20, False),
        (coord_k, 5, "Ring tillbaka", 12, False),
        (coord_k, 6, "Klart redan", 8, True),
        (coord_t, 7, "", None, False),
    ]:
        interaction = interaction_create(
            employer=shared_employer,
            by=by,
            kind="visit" if day == 5 else "call",
            occurred_on=dt.date(2026, 11, day),
            notes="Samtal om praktikplatser",
            next_step=next_step,
            next_step_due=dt.date(2026, 11, due) if due else None,
        )
        if done:
            Interaction.objects.filter(pk=interaction.pk).update(next_step_done=True)
    for unit_id in (coord_k.unit_id, coord_t.unit_id, None):
        assert other_units_contacts(shared_employer, unit_id) == relation_summary(
            shared_employer
        ).others(unit_id)
    (kalmar,) = other_units_contacts(shared_employer, coord_t.unit_id)
    assert kalmar.unit_id == coord_k.unit_id
    assert kalmar.last_contact_on == dt.date(2026, 11, 6)
    assert kalmar.next_step_due == dt.date(2026, 11, 12)
    assert kalmar.last_contact_kind == "Samtal"
