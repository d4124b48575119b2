"""A list request without query parameters skips building the filterset (issue 22: a deep copy of
every filter, and for employer users a filterset class made per request), and filters, refuses
unknown parameters and hides staff-only filters exactly as before when it has some."""

import pytest

from core.api.filters import KnownParametersFilterBackend, RoleAwareFilterBackend
from tests.factories.matching import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_filterset(monkeypatch):
    calls = []

    def counted(original):
        def wrapper(self, *args, **kwargs):
            calls.append(type(self).__name__)
            return original(self, *args, **kwargs)

        return wrapper

    monkeypatch.setattr(
        RoleAwareFilterBackend,
        "get_filterset_class",
        counted(RoleAwareFilterBackend.get_filterset_class),
    )
    return calls


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_a_plain_list_builds_no_filterset_and_answers_the_same(
    api, employer_user, guide, placement, no_filterset
):
    for user in (employer_user, guide):
        assert ids(api(user).get("/api/v1/placements/")) == [placement.pk]
    assert no_filterset == []


def test_with_parameters_it_filters_refuses_and_hides_as_before(
    api, employer_user, guide, placement, no_filterset
):
    assert ids(api(guide).get("/api/v1/placements/?status=ongoing")) == [placement.pk]
    assert ids(api(guide).get("/api/v1/placements/?status=ended")) == []
    assert no_filterset  # built for these
    refused = api(guide).get("/api/v1/placements/?colour=blue")
    assert refused.status_code == 400 and "colour" in refused.json()
    # An employer user's ``participant`` filter does not exist: ignored, never an id oracle.
    other = ParticipantFactory(unit=placement.participant.unit).pk
    assert ids(api(employer_user).get(f"/api/v1/placements/?participant={other}")) == [placement.pk]
    assert ids(api(guide).get(f"/api/v1/placements/?participant={other}")) == []


def test_the_known_parameters_check_is_first_and_cheap_without_parameters():
    from django.conf import settings

    backends = settings.REST_FRAMEWORK["DEFAULT_FILTER_BACKENDS"]
    assert backends[0].endswith(KnownParametersFilterBackend.__name__)
