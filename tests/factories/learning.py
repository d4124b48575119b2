"""Generated placement histories for the learned weights (issue 25): seeded, so reproducible."""

from __future__ import annotations

import datetime as dt

import numpy as np

from tests.factories.employers import SiteFactory, TaskProfileFactory
from tests.factories.matching import ParticipantFactory
from tests.factories.placements import PlacementFactory

KALMAR = (56.6634, 16.3568)


def history(unit, guide, *, n: int, seed: int, driver: str | None, women_near: bool = False):
    """``n`` ended practices, one per participant, at distances 0–17 km from the workplaces.
    ``driver="geography"``: short trips last (P = 0.9 near, 0.1 far); ``None``: a coin flip.
    Swedish level and hours vary at random too, so today's weights mix the driver with noise.
    Women and men alternate (``women_near``: women live near, men far); birth years spread over the age groups."""
    rng = np.random.default_rng(seed)
    site = SiteFactory(employer__unit=unit, latitude=KALMAR[0], longitude=KALMAR[1])
    profiles = [
        TaskProfileFactory(
            employer=site.employer, site=site, unit=unit, slots_total=50, swedish_level=3
        )
        for _i in range(3)
    ]
    start = dt.date(2025, 1, 6)
    for i in range(n):
        km = float(rng.uniform(0, 17))
        person = ParticipantFactory(
            unit=unit,
            guide=guide,
            latitude=KALMAR[0] + km / 111.0,
            longitude=KALMAR[1],
            gender=("kvinna" if km < 8.5 else "man")
            if women_near
            else ("kvinna" if i % 2 else "man"),
            birth_year=1960 + (i * 7) % 45,
            swedish_level=int(rng.integers(1, 4)),
            hours_min=int(rng.integers(5, 25)),
            hours_max=40,
        )
        chance = (0.9 if km < 8.5 else 0.1) if driver == "geography" else 0.5
        lasted = bool(rng.random() < chance)
        begun = start + dt.timedelta(days=3 * i)
        planned_end = begun + dt.timedelta(days=60)
        PlacementFactory(
            participant=person,
            task_profile=profiles[i % 3],
            status="ended",
            phase="finna",
            planned_start=begun,
            started_on=begun,
            planned_end=planned_end,
            ended_on=planned_end if lasted else begun + dt.timedelta(days=20),
        )
    return profiles
