"""The data migration puts existing units into the region of their municipalities' county."""

import importlib

import pytest
from django.apps import apps

from core.models import DEFAULT_REGION_NAME, Region, Unit
from tests.factories.core import municipality

pytestmark = pytest.mark.django_db

migration = importlib.import_module("core.migrations.0004_regions_and_unit_contacts")


def test_units_go_to_their_countys_region_or_the_default():
    kalmar = Unit.objects.create(name="Gammal enhet Kalmar")
    kalmar.municipalities.set([municipality("0880"), municipality("0881"), municipality("0780")])
    bare = Unit.objects.create(name="Gammal enhet utan kommuner")
    migration.units_into_regions(apps, None)
    kalmar.refresh_from_db()
    bare.refresh_from_db()
    assert kalmar.region.county_id == "08"  # two of three municipalities are in Kalmar county
    assert bare.region.name == DEFAULT_REGION_NAME
    migration.units_into_regions(apps, None)  # idempotent: no second Kalmar region
    assert Region.objects.filter(county_id="08").count() == 1
