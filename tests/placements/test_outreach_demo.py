"""The demo's historical ads (issue 25): generated deterministically for Kalmar county, in
JobTech's format. The demo coordinator's list on the imported ads: tests/core/test_demo.py."""

from __future__ import annotations

import datetime as dt
import random

from employers.demo_ads import generate_ads

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
