"""Travel times by public transport for a unit's participants × its open profiles (issue 24).

Builds the matrix from the unit's stored GTFS feed (``matching.transit.feeds``) with the engine's
router. The question asked is the commuter's: *to be at the site by ``arrive_by`` on a working day,
when must I leave home?* — the latest departure that arrives in time, and the minutes from then to
``arrive_by`` (waiting at the site before the start included). Profiles carry no start time yet,
so ``arrive_by`` is one time for all (08:00 unless given).

Only active participants with a home position whose ways of travelling include public transport
are routed; only open profiles whose site has a position. Nothing here changes the matching
engine's scores: this builds the input that the engine integration will read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.utils import timezone

from core.models import Unit
from employers.choices import ProfileStatus
from employers.models import TaskProfile
from matching.choices import CommuteMeans
from matching.engine.transit import Timetable, TransitSettings, compile_timetable
from matching.engine.transit_routing import INF, Journeys, latest_departures
from matching.models import Participant
from matching.transit.feeds import service_date_for, transit_feed_for_unit
from matching.transit.gtfs import read_gtfs

DEFAULT_ARRIVE_BY = dt.time(8, 0)

# Compiled timetables of this process: (feed path, its mtime, date, settings) → Timetable.
_TIMETABLES: dict[tuple, Timetable] = {}


@dataclass
class TransitMatrix:
    """Rows are participants, columns profiles. ``minutes`` is NaN where there is no journey."""

    participant_ids: list[int]
    profile_ids: list[int]
    service_date: dt.date
    arrive_by: dt.time
    minutes: np.ndarray
    leave_at: np.ndarray  # seconds after midnight; INF where no journey
    journeys: Journeys  # participants × unique sites (see ``site_column``)
    site_column: list[int]  # profile column → column of ``journeys``

    def journey(self, participant_id: int, profile_id: int):
        """The journey (first line, transfers, departure) of one pair, or None."""
        i = self.participant_ids.index(participant_id)
        j = self.site_column[self.profile_ids.index(profile_id)]
        return self.journeys.journey(i, j)


def next_working_day(day: dt.date) -> dt.date:
    """``day`` itself on Monday–Friday, else the Monday after (a commute is a weekday one)."""
    return day + dt.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def _timetable(path: Path, day: dt.date, settings: TransitSettings) -> Timetable:
    key = (str(path), path.stat().st_mtime_ns, day, settings)
    if key not in _TIMETABLES:
        feed = read_gtfs(path)
        _TIMETABLES.clear()  # one feed version and day at a time per process; they are large
        _TIMETABLES[key] = compile_timetable(feed, service_date_for(day, feed), settings)
    return _TIMETABLES[key]


def transit_matrix_for_unit(
    *,
    unit_id: int,
    day: dt.date | None = None,
    arrive_by: dt.time = DEFAULT_ARRIVE_BY,
    settings: TransitSettings | None = None,
) -> TransitMatrix | None:
    """The unit's public-transport matrix, or None when the unit has no feed. ``day`` defaults to
    the next working day; outside the feed's dates the same weekday inside them is used."""
    path = transit_feed_for_unit(unit_id=unit_id)
    if path is None:
        return None
    settings = settings or TransitSettings()
    day = next_working_day(day or timezone.localdate())
    tt = _timetable(path, day, settings)

    people = [
        p
        for p in Participant.objects.filter(
            unit_id=unit_id, active=True, latitude__isnull=False, longitude__isnull=False
        ).order_by("pk")
        if CommuteMeans.PUBLIC_TRANSPORT in (p.commute_means or [])
    ]
    region_id = Unit.objects.values_list("region_id", flat=True).get(pk=unit_id)
    profiles = list(
        TaskProfile.objects.for_unit(unit_id, region_id)
        .filter(
            status=ProfileStatus.OPEN,
            site__latitude__isnull=False,
            site__longitude__isnull=False,
        )
        .select_related("site")
        .order_by("pk")
    )
    site_ids = sorted({profile.site_id for profile in profiles})
    sites = {profile.site_id: profile.site for profile in profiles}
    homes = np.array([[p.latitude, p.longitude] for p in people], dtype=np.float64).reshape(-1, 2)
    places = np.array(
        [[sites[s].latitude, sites[s].longitude] for s in site_ids], dtype=np.float64
    ).reshape(-1, 2)
    deadline = arrive_by.hour * 3600 + arrive_by.minute * 60
    journeys = latest_departures(tt, homes, places, deadline)
    column = [site_ids.index(profile.site_id) for profile in profiles]
    leave_at = journeys.departure[:, column] if people else np.zeros((0, len(profiles)))
    found = leave_at < INF
    minutes = np.where(found, np.ceil((deadline - np.where(found, leave_at, 0)) / 60.0), np.nan)
    return TransitMatrix(
        participant_ids=[p.pk for p in people],
        profile_ids=[profile.pk for profile in profiles],
        service_date=tt.day,
        arrive_by=arrive_by,
        minutes=minutes,
        leave_at=leave_at,
        journeys=journeys,
        site_column=column,
    )
