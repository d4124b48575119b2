"""The demo's historical ads (issue 25): generated deterministically for Kalmar county and
imported, so the demo coordinator's "Vem kontaktar jag nu?" shows a real list."""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest
from django.core.management import call_command
from django.utils import translation

from employers.demo_ads import generate_ads

pytestmark = pytest.mark.django_db

MUNIS = {"0880": ("Kalmar", 56.66, 16.36), "0881": ("Nybro", 56.74, 15.9)}


def test_generated_ads_are_the_same_for_the_same_seed_and_in_jobtech_format():
    employers = [("5560360793", "A AB", "0880"), ("5565838839", "B AB", "0881")]
    make = lambda seed: generate_ads(  # noqa: E731
        random.Random(seed),
        employers=employers,
        n_ads=50,
        today=dt.date(2026, 11, 18),
        municipalities=MUNIS,
    )
    first, again, other = make(1), make(1), make(2)
    assert first == again and first != other
    ad = first[0]
    assert ad["employer"]["organization_number"] in {"5560360793", "5565838839"}
    assert len(ad["occupation_group"]["legacy_ams_taxonomy_id"]) == 4
    assert ad["workplace_address"]["municipality_code"] in MUNIS
    assert all(
        dt.date.fromisoformat(a["publication_date"][:10]) <= dt.date(2026, 11, 18) for a in first
    )


@pytest.mark.demo
def test_the_demo_coordinator_gets_a_real_list(time_machine):
    from core.models import User
    from employers.models import HistoricalAd
    from placements.outreach.services import outreach_list_show

    time_machine.move_to(dt.datetime(2026, 11, 18, 10, tzinfo=dt.UTC), tick=False)
    call_command("seed_demo", stdout=io.StringIO())
    assert HistoricalAd.objects.count() == 2500
    with translation.override("en"):
        listing = outreach_list_show(by=User.objects.get(username="koordinator"))
    assert len(listing.rows) == 25 and listing.waiting > 20
    assert any(not r.registered for r in listing.rows)
    assert any(r.components["demand"] > 0 for r in listing.rows)
    assert all(r.reason_texts for r in listing.rows)
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "historical ads: demo data already present" in out.getvalue()
    assert HistoricalAd.objects.count() == 2500
