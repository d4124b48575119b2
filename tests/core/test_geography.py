import csv

import pytest
from django.core.management import call_command

from core.geography import distance_km, gazetteer_lookup
from core.models import County, Locality, Municipality, PostalCode

pytestmark = pytest.mark.django_db


def test_the_290_municipalities_agree_with_the_official_code_list(shared_data):
    with open(shared_data / "geo" / "municipalities.csv", encoding="utf-8") as fh:
        official = {
            r["municipality_code"]: (r["municipality_name_short"], r["county_code"])
            for r in csv.DictReader(fh)
        }
    ours = {m.code: (m.name, m.county_id) for m in Municipality.objects.all()}
    assert len(ours) == 290
    assert ours == official


def test_counties_agree(shared_data):
    with open(shared_data / "geo" / "counties.csv", encoding="utf-8") as fh:
        official = {r["county_code"]: r["county_name"] for r in csv.DictReader(fh)}
    assert dict(County.objects.values_list("code", "name")) == official


def test_centres_and_localities_lie_in_sweden():
    for lat, lon in Municipality.objects.values_list("latitude", "longitude"):
        assert 55.0 < lat < 69.1 and 10.9 < lon < 24.2
    assert Locality.objects.count() > 1200
    kalmar = Locality.objects.get(name="Kalmar", municipality_id="0880")
    assert distance_km((kalmar.latitude, kalmar.longitude), (56.6634, 16.3568)) < 3


def test_localities_are_in_the_right_municipality():
    assert Locality.objects.get(name="Emmaboda").municipality_id == "0862"
    assert Locality.objects.get(name="Borgholm").municipality_id == "0885"
    assert Locality.objects.get(name="Västervik").municipality_id == "0883"


def test_gazetteer_prefers_locality_then_municipality():
    place = gazetteer_lookup(locality="lindsdal", municipality_code="0880")
    assert place.precision == "locality" and place.label == "Lindsdal"
    fallback = gazetteer_lookup(locality="Ingenstans", municipality_code="0881")
    assert fallback.precision == "municipality" and fallback.municipality_code == "0881"
    assert gazetteer_lookup(locality="Ingenstans") is None


def test_postal_code_import_places_an_address(shared_data):
    call_command("import_postal_codes", str(shared_data / "geo" / "postal_to_municipality.csv"))
    assert PostalCode.objects.count() > 15000
    place = gazetteer_lookup(postal_code="392 31")
    assert place is not None and place.municipality_code == "0880"


def test_distance_uses_the_ellipsoid():
    assert distance_km((56.6634, 16.3568), (56.6634, 16.3568)) == 0
    assert (
        64 < distance_km((56.6634, 16.3568), (57.2646, 16.4484)) < 70
    )  # Kalmar–Oskarshamn, straight line
