"""Lookups by organisation number (issue 20): however the number is written — with or without
the dash, ten digits or twelve with the 16 prefix — search and the ``orgnr`` filter find the
employer, in the API and on the page; and a query parameter the API does not know is a 400
naming it, never silently ignored."""

import pytest
from django.urls import reverse

from tests.factories.employers import EmployerFactory

pytestmark = pytest.mark.django_db

WRITTEN = ["556036-0793", "5560360793", "165560360793", "16556036-0793", " 556036 0793 "]


@pytest.fixture
def two(unit, coordinator):
    return (
        EmployerFactory(name="Kalmar Lager AB", unit=unit, owner=coordinator, orgnr="556036-0793"),
        EmployerFactory(name="Byggare AB", unit=unit, owner=coordinator, orgnr="556703-7485"),
    )


def names(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["name"] for row in response.json()["results"]]


@pytest.mark.parametrize("written", WRITTEN)
def test_search_and_filter_find_the_employer_however_the_number_is_written(
    api, coordinator, two, written
):
    client = api(coordinator)
    assert names(client.get("/api/v1/employers/", {"search": written})) == ["Kalmar Lager AB"]
    assert names(client.get("/api/v1/employers/", {"orgnr": written})) == ["Kalmar Lager AB"]


def test_a_start_of_a_number_without_its_dash_is_searched_too(api, coordinator, two):
    assert names(api(coordinator).get("/api/v1/employers/", {"search": "5560360"})) == [
        "Kalmar Lager AB"
    ]


def test_an_orgnr_filter_that_is_no_number_is_a_field_error(api, coordinator, two):
    response = api(coordinator).get("/api/v1/employers/", {"orgnr": "Kalmar"})
    assert response.status_code == 400 and list(response.json()) == ["orgnr"]


def test_an_unknown_query_parameter_is_a_400_naming_it(api, coordinator, two):
    client = api(coordinator)
    response = client.get("/api/v1/employers/", {"orgnummer": "5560360793", "status": "active"})
    assert response.status_code == 400 and list(response.json()) == ["orgnummer"]
    detail = client.get(f"/api/v1/employers/{two[0].pk}/", {"expand": "all"})
    assert detail.status_code == 400 and list(detail.json()) == ["expand"]


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/employers/", {"page": 1, "search": "Kalmar", "ordering": "-name"}),
        ("/api/v1/employers/", {"format": "json", "municipality": "0880", "status": "active"}),
        ("/api/v1/interactions/", {"open": "true", "kind": "call", "employer": "EMPLOYER"}),
        ("/api/v1/task-profiles/", {"has_free_slots": "true", "municipality": "0880"}),
        ("/api/v1/placements/", {"participant": "PARTICIPANT", "guide": "GUIDE"}),
        ("/api/v1/employers/possible-duplicates/", {}),
    ],
)
def test_the_known_parameters_still_work(api, coordinator, two, participant, guide, path, query):
    ids = {"PARTICIPANT": participant.pk, "GUIDE": guide.pk, "EMPLOYER": two[0].pk}
    response = api(coordinator).get(path, {k: ids.get(v, v) for k, v in query.items()})
    assert response.status_code == 200, response.json()


def test_an_employer_user_may_still_send_a_staff_only_filter(api, employer_user):
    """Issue 13: for an employer user a staff-only filter does not exist and is ignored (no
    oracle); it is known, so it is not refused either."""
    assert api(employer_user).get("/api/v1/placements/", {"participant": 1}).status_code == 200


@pytest.mark.parametrize("written", ["5560360793", "165560360793", "5560360"])
def test_the_employer_page_search_finds_the_number_without_its_dash(
    client, coordinator, two, written
):
    client.force_login(coordinator)
    page = client.get(reverse("portal:employer_list"), {"q": written}).content.decode()
    assert "Kalmar Lager AB" in page and "Byggare AB" not in page


def test_page_size_is_a_real_parameter(api, coordinator, two):
    """Sent by the load benchmark and the production checks, ignored before; now it pages (up to
    200) rather than being refused as unknown."""
    response = api(coordinator).get("/api/v1/employers/", {"page_size": 1, "ordering": "name"})
    assert response.status_code == 200
    assert response.json()["count"] == 2 and names(response) == ["Byggare AB"]
