from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import override_settings

from employers.services.sites import site_create, site_geocode_online

pytestmark = pytest.mark.django_db


class FakeGeocoder:
    def __init__(self, answer=None, error=None):
        self.calls = []
        self.answer, self.error = answer, error

    def __call__(self, query):
        self.calls.append(query)
        if self.error:
            raise self.error
        return self.answer


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_online_geocoder_improves_position_and_caches(coordinator, employer):
    site = site_create(
        employer=employer,
        by=coordinator,
        name="B",
        address="Storgatan 5",
        locality="Kalmar",
        municipality=employer.municipality,
    )
    fake = FakeGeocoder(SimpleNamespace(latitude=56.661, longitude=16.362))
    result = site_geocode_online(site_id=site.pk, geocoder=fake)
    assert (
        result.latitude,
        result.longitude,
        result.coordinate_precision,
        result.geocode_status,
    ) == (56.661, 16.362, "address", "done")
    site_geocode_online(site_id=site.pk, geocoder=fake)
    assert len(fake.calls) == 1  # second lookup from the cache


def test_geocoder_failure_is_visible_and_keeps_the_gazetteer_position(coordinator, employer):
    site = site_create(
        employer=employer,
        by=coordinator,
        name="B",
        address="Okänd väg 1",
        locality="Kalmar",
        municipality=employer.municipality,
    )
    before = (site.latitude, site.longitude)
    result = site_geocode_online(
        site_id=site.pk, geocoder=FakeGeocoder(error=TimeoutError("service down"))
    )
    assert result.geocode_status == "failed" and "service down" in result.geocode_error
    assert (
        result.latitude,
        result.longitude,
    ) == before and result.coordinate_precision == "locality"


def test_address_not_found_is_marked_failed(coordinator, employer):
    site = site_create(
        employer=employer,
        by=coordinator,
        name="B",
        address="Ingen gata",
        locality="Kalmar",
        municipality=employer.municipality,
    )
    assert (
        site_geocode_online(site_id=site.pk, geocoder=FakeGeocoder(None)).geocode_status == "failed"
    )


@override_settings(GEOCODER="nominatim")
def test_saving_a_site_queues_the_background_geocoding(
    coordinator, employer, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(
        "employers.tasks.geocode_site.apply_async", lambda args, **kw: queued.append(*args)
    )
    with django_capture_on_commit_callbacks(execute=True):
        site = site_create(
            employer=employer,
            by=coordinator,
            name="B",
            address="Storgatan 5",
            locality="Kalmar",
            municipality=employer.municipality,
        )
    assert queued == [site.pk]
    site.refresh_from_db()
    assert site.geocode_status == "pending" and site.latitude is not None  # saved, not blocked
