"""Regions and units: administrators create and edit them in the API and the pages; a regional
administrator edits the units of their region; everyone else reads their own region only."""

import pytest

from core.models import Region, Unit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "regions_seen"),
    [
        ("superadmin", {"Kalmar län", "Kronobergs län"}),
        ("regional_admin_k", {"Kalmar län"}),
        ("coord_t", {"Kalmar län"}),
        ("guide_k", {"Kalmar län"}),
        ("manager_k", {"Kalmar län"}),
        ("coord_v", {"Kronobergs län"}),
    ],
)
def test_regions_and_units_read_per_role(request, api, who, regions_seen, unit_k, unit_t, unit_v):
    user = request.getfixturevalue(who)
    regions = api(user).get("/api/v1/regions/").json()
    names = {r["name"] for r in regions.get("results", regions)}
    assert regions_seen <= names
    assert not ({"Kalmar län", "Kronobergs län"} - regions_seen) & names
    units = api(user).get("/api/v1/units/").json()
    unit_names = {u["name"] for u in units.get("results", units)}
    expected = {u.name for u in (unit_k, unit_t, unit_v) if u.region.name in regions_seen}
    assert expected <= unit_names
    assert not ({unit_k.name, unit_t.name, unit_v.name} - expected) & unit_names


def test_employer_user_and_anonymous_see_no_regions(api, shared_employer_user, unit_k):
    assert api(shared_employer_user).get("/api/v1/regions/").status_code == 403
    assert api(None).get("/api/v1/regions/").status_code in (401, 403)
    assert api(None).get("/api/v1/units/").status_code in (401, 403)


def test_admin_creates_a_region_and_a_unit(api, superadmin):
    response = api(superadmin).post(
        "/api/v1/regions/", {"name": "Blekinge län", "county": "10"}, format="json"
    )
    assert response.status_code == 201, response.content
    region_id = response.json()["id"]
    assert response.json()["county_code"] == "10"
    response = api(superadmin).post(
        "/api/v1/units/",
        {
            "name": "AME Karlskrona",
            "region": region_id,
            "municipalities": ["1080"],
            "email": "ame@karlskrona.se",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    unit = Unit.objects.get(name="AME Karlskrona")
    assert unit.region_id == region_id and list(
        unit.municipalities.values_list("pk", flat=True)
    ) == ["1080"]


@pytest.mark.parametrize("who", ["coord_k", "guide_k", "manager_k", "regional_admin_k"])
def test_only_admins_write_regions(request, api, who, region_k):
    user = request.getfixturevalue(who)
    response = api(user).post("/api/v1/regions/", {"name": "Ny region"}, format="json")
    assert response.status_code == 403
    assert not Region.objects.filter(name="Ny region").exists()


def test_regional_admin_edits_units_of_own_region_only(
    api, regional_admin_k, unit_t, unit_v, region_k, region_g
):
    client = api(regional_admin_k)
    response = client.patch(f"/api/v1/units/{unit_t.pk}/", {"phone": "0486-123 45"}, format="json")
    assert response.status_code == 200, response.content
    unit_t.refresh_from_db()
    assert unit_t.phone == "0486-123 45"
    assert (
        client.patch(f"/api/v1/units/{unit_v.pk}/", {"phone": "1"}, format="json").status_code
        == 404
    )
    response = client.post(
        "/api/v1/units/", {"name": "AME Ljungby", "region": region_g.pk}, format="json"
    )
    assert response.status_code == 400
    assert not Unit.objects.filter(name="AME Ljungby").exists()
    response = client.post(
        "/api/v1/units/", {"name": "AME Nybro R", "region": region_k.pk}, format="json"
    )
    assert response.status_code == 201


@pytest.mark.parametrize("who", ["coord_k", "guide_k", "manager_k"])
def test_staff_cannot_write_units(request, api, who, unit_t):
    user = request.getfixturevalue(who)
    assert (
        api(user).patch(f"/api/v1/units/{unit_t.pk}/", {"phone": "1"}, format="json").status_code
        == 403
    )


def test_a_unit_with_employers_cannot_move_region(
    api, superadmin, unit_k, region_g, shared_employer
):
    response = api(superadmin).patch(
        f"/api/v1/units/{unit_k.pk}/", {"region": region_g.pk}, format="json"
    )
    assert response.status_code == 400 and "region" in response.json()


def test_region_pages_per_role(
    client,
    superadmin,
    regional_admin_k,
    coord_t,
    coord_v,
    shared_employer_user,
    unit_k,
    unit_t,
    unit_v,
):
    client.force_login(superadmin)
    page = client.get("/regioner/").content.decode()
    assert "Kalmar län" in page and "Kronobergs län" in page and "/regioner/ny/" in page
    response = client.post("/regioner/ny/", {"name": "Gotlands län", "county": "09"})
    assert response.status_code == 302 and Region.objects.filter(name="Gotlands län").exists()
    client.force_login(regional_admin_k)
    page = client.get("/regioner/").content.decode()
    assert unit_t.name in page and unit_v.name not in page and "/regioner/ny/" not in page
    response = client.post(
        f"/enheter/{unit_t.pk}/",
        {"name": unit_t.name, "region": unit_t.region_id, "email": "ame@torsas.se"},
    )
    assert response.status_code == 302
    unit_t.refresh_from_db()
    assert unit_t.email == "ame@torsas.se"
    assert client.get(f"/enheter/{unit_v.pk}/").status_code == 404
    assert client.get("/regioner/ny/").status_code == 403
    client.force_login(coord_v)
    page = client.get("/regioner/").content.decode()
    assert unit_v.name in page and unit_t.name not in page
    assert client.get(f"/enheter/{unit_v.pk}/").status_code == 403
    client.force_login(shared_employer_user)
    assert client.get("/regioner/").status_code == 403
    client.logout()
    assert client.get("/regioner/").status_code == 302  # to the login page
