"""Travel times by public transport for a unit's participants × its open profiles (issue 24).

Built from the unit's stored GTFS feed (``matching.transit.feeds``) with the engine's router. The
question asked is the commuter's: *to be at the site by the profile's start on a working day, when
must I leave home — and is there still a trip home after the day ends?* Per pair the matrix holds
the latest departure that arrives in time, the minutes from then to the start (waiting at the site
included), the first line and the number of changes, and the last departure home at or after the
end of the day. A pair without a trip there, or without a trip home after the end, has none.

Only active participants with a home position whose ways of travelling include public transport
are routed; only open profiles whose site has a position. Profiles without times are routed for
08:00–16:00. The matrix is computed as background work (``matching.tasks``) and stored beside the
feed (``matrix-unit-<id>.npz``); the engine reads it through ``transit_grid_for`` and ignores any
row or column whose home or site has moved since — those pairs are estimated until the next run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from django.utils import timezone

from core.models import Unit
from employers.choices import ProfileStatus
from employers.models import TaskProfile
from matching.choices import CommuteMeans
from matching.engine.geo import distance_matrix_km, unit_vectors
from matching.engine.transit import Timetable, TransitSettings, compile_timetable
from matching.engine.transit_routing import INF, Journeys, clock, last_trip_home, latest_departures
from matching.engine.transit_times import TransitGrid, _positions, build_transit_grid, regrid_rows
from matching.models import Participant
from matching.transit.feeds import service_date_for, transit_dir, transit_feed_for_unit
from matching.transit.gtfs import read_gtfs

DEFAULT_ARRIVE_BY = dt.time(8, 0)
DEFAULT_DAY_ENDS = dt.time(16, 0)

# Compiled timetables of this process: (feed path, its mtime, date, settings) → Timetable and
# the GTFS route type of each line (bus, train …: what the explanation calls it).
_TIMETABLES: dict[tuple, tuple[Timetable, np.ndarray]] = {}


def _seconds(value: dt.time) -> int:
    return value.hour * 3600 + value.minute * 60


@dataclass
class TransitMatrix:
    """Rows are participants, columns profiles. ``minutes`` is NaN where there is no journey."""

    participant_ids: list[int]
    profile_ids: list[int]
    service_date: dt.date
    arrive_by: dt.time | None  # one time for every column, or None: each profile's own start
    minutes: np.ndarray
    leave_at: np.ndarray  # seconds after midnight; INF where no journey
    journeys: Journeys  # participants × columns (see ``site_column``)
    site_column: list[int]  # profile column → column of ``journeys``
    home_leave_at: np.ndarray | None = None  # last departure home after the day's end; INF none
    route_types: np.ndarray | None = None  # GTFS route type per line

    def journey(self, participant_id: int, profile_id: int):
        """The journey (first line, transfers, departure) of one pair, or None."""
        i = self.participant_ids.index(participant_id)
        j = self.site_column[self.profile_ids.index(profile_id)]
        return self.journeys.journey(i, j)


def next_working_day(day: dt.date) -> dt.date:
    """``day`` itself on Monday–Friday, else the Monday after (a commute is a weekday one)."""
    return day + dt.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def _timetable(path: Path, day: dt.date, settings: TransitSettings) -> tuple[Timetable, np.ndarray]:
    key = (str(path), path.stat().st_mtime_ns, day, settings)
    if key not in _TIMETABLES:
        feed = read_gtfs(path)
        _TIMETABLES.clear()  # one feed version and day at a time per process; they are large
        tt = compile_timetable(feed, service_date_for(day, feed), settings)
        _TIMETABLES[key] = (tt, np.asarray(feed.route_types, dtype=np.int64))
    return _TIMETABLES[key]


def _routed_people(unit_id: int, only: set[int] | None = None) -> list[Participant]:
    people = Participant.objects.filter(
        unit_id=unit_id, active=True, latitude__isnull=False, longitude__isnull=False
    ).order_by("pk")
    if only is not None:
        people = people.filter(pk__in=only)
    return [p for p in people if CommuteMeans.PUBLIC_TRANSPORT in (p.commute_means or [])]


def _routed_profiles(unit_id: int) -> list[TaskProfile]:
    region_id = Unit.objects.values_list("region_id", flat=True).get(pk=unit_id)
    return list(
        TaskProfile.objects.for_unit(unit_id, region_id)
        .filter(
            status=ProfileStatus.OPEN,
            site__latitude__isnull=False,
            site__longitude__isnull=False,
        )
        .select_related("site")
        .order_by("pk")
    )


def _profile_hours(profile, arrive_by: dt.time | None = None) -> tuple[int, int]:
    """The (start, end) seconds the matrix routes a profile for."""
    start = arrive_by or profile.start_time or DEFAULT_ARRIVE_BY
    return _seconds(start), _seconds(profile.end_time or DEFAULT_DAY_ENDS)


def _route(
    tt: Timetable, people: list, profiles: list, arrive_by: dt.time | None
) -> tuple[Journeys, list[int], np.ndarray, np.ndarray]:
    """Journeys (people × distinct (site, start, end) columns), each profile's column, the minutes
    and the last departure home per (person, profile)."""
    keys = []
    for profile in profiles:
        keys.append((profile.site_id, *_profile_hours(profile, arrive_by)))
    columns = sorted(set(keys))
    column = [columns.index(k) for k in keys]
    sites = {p.site_id: p.site for p in profiles}
    homes = np.array([[p.latitude, p.longitude] for p in people], dtype=np.float64).reshape(-1, 2)
    n, m = len(people), len(columns)
    dep = np.full((n, m), INF, dtype=np.int64)
    arr = np.full((n, m), INF, dtype=np.int64)
    first = np.full((n, m), -1, dtype=np.int64)
    last = np.full((n, m), -1, dtype=np.int64)
    legs = np.full((n, m), -1, dtype=np.int64)
    home = np.full((n, m), INF, dtype=np.int64)
    if n and m:
        for start in sorted({k[1] for k in columns}):
            idx = [j for j, k in enumerate(columns) if k[1] == start]
            places = np.array(
                [[sites[columns[j][0]].latitude, sites[columns[j][0]].longitude] for j in idx]
            )
            there = latest_departures(tt, homes, places, start)
            dep[:, idx], arr[:, idx] = there.departure, there.arrival
            first[:, idx], last[:, idx] = there.first_line, there.last_line
            legs[:, idx] = there.transfers
        for end in sorted({k[2] for k in columns}):
            idx = [j for j, k in enumerate(columns) if k[2] == end]
            places = np.array(
                [[sites[columns[j][0]].latitude, sites[columns[j][0]].longitude] for j in idx]
            )
            back = last_trip_home(tt, places, homes, end)
            home[:, idx] = back.departure.T
    journeys = Journeys(dep, arr, first, last, legs, tt.line_names)
    deadline = np.array([columns[j][1] for j in column], dtype=np.int64)
    leave_at = dep[:, column] if n else np.zeros((0, len(profiles)), dtype=np.int64)
    home_at = home[:, column] if n else np.zeros((0, len(profiles)), dtype=np.int64)
    found = (leave_at < INF) & (home_at < INF)
    minutes = np.where(
        found, np.ceil((deadline[None, :] - np.where(found, leave_at, 0)) / 60.0), np.nan
    )
    return journeys, column, minutes, home_at


def transit_matrix_for_unit(
    *,
    unit_id: int,
    day: dt.date | None = None,
    arrive_by: dt.time | None = None,
    settings: TransitSettings | None = None,
) -> TransitMatrix | None:
    """The unit's public-transport matrix, or None when the unit has no feed. ``day`` defaults to
    the next working day; outside the feed's dates the same weekday inside them is used.
    ``arrive_by`` routes every column for one time instead of each profile's start."""
    path = transit_feed_for_unit(unit_id=unit_id)
    if path is None:
        return None
    settings = settings or TransitSettings()
    day = next_working_day(day or timezone.localdate())
    tt, route_types = _timetable(path, day, settings)
    people, profiles = _routed_people(unit_id), _routed_profiles(unit_id)
    journeys, column, minutes, home_at = _route(tt, people, profiles, arrive_by)
    return TransitMatrix(
        participant_ids=[p.pk for p in people],
        profile_ids=[profile.pk for profile in profiles],
        service_date=tt.day,
        arrive_by=arrive_by,
        minutes=minutes,
        leave_at=journeys.departure[:, column] if people else np.zeros((0, len(profiles))),
        journeys=journeys,
        site_column=column,
        home_leave_at=home_at,
        route_types=route_types,
    )


# --- the stored matrix the engine reads ---------------------------------------------------------


def matrix_path(unit_id: int) -> Path:
    return transit_dir() / f"matrix-unit-{int(unit_id)}.npz"


def transit_matrix_store(*, unit_id: int, day: dt.date | None = None) -> dict | None:
    """Compute the unit's matrix and store it for the engine (replacing the old one in one step).
    Returns counts for the job's log, or None (and removes a stale matrix) without a feed."""
    path = matrix_path(unit_id)
    matrix = transit_matrix_for_unit(unit_id=unit_id, day=day)
    if matrix is None:
        path.unlink(missing_ok=True)
        path.with_suffix(".json").unlink(missing_ok=True)
        return None
    people = {p.pk: p for p in _routed_people(unit_id, set(matrix.participant_ids))}
    profiles = {p.pk: p for p in _routed_profiles(unit_id)}
    j = matrix.journeys
    col = matrix.site_column
    names = np.array(j.line_names + [""], dtype=object)
    types = np.append(matrix.route_types, -1)
    homes = np.array(
        [[people[i].latitude, people[i].longitude] for i in matrix.participant_ids], dtype=float
    ).reshape(-1, 2)
    sites = np.array(
        [[profiles[i].site.latitude, profiles[i].site.longitude] for i in matrix.profile_ids],
        dtype=float,
    ).reshape(-1, 2)
    arrays = {
        "participant_ids": np.array(matrix.participant_ids, dtype=np.int64),
        "homes": homes,
        "profile_ids": np.array(matrix.profile_ids, dtype=np.int64),
        "sites": sites,
        "profile_hours": np.array(
            [_profile_hours(profiles[i]) for i in matrix.profile_ids], dtype=np.int64
        ).reshape(-1, 2),
        "minutes": np.where(np.isnan(matrix.minutes), np.inf, matrix.minutes),
        "distance_km": distance_matrix_km(unit_vectors(*homes.T), unit_vectors(*sites.T)),
        "leave_at": matrix.leave_at.astype(np.int64),
        "home_at": matrix.home_leave_at.astype(np.int64),
        "first_line": names[j.first_line[:, col]].astype(str)
        if matrix.participant_ids
        else np.zeros((0, len(col)), dtype=str),
        "first_type": types[j.first_line[:, col]].astype(np.int64),
        "transfers": j.transfers[:, col],
        "service_date": np.array(matrix.service_date.isoformat()),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".npz") as tmp:
        np.savez(tmp, **arrays)
    os.replace(tmp.name, path)
    counts = {
        "participants": len(matrix.participant_ids),
        "profiles": len(matrix.profile_ids),
        "pairs_with_trip": int(np.isfinite(arrays["minutes"]).sum()),
    }
    status = counts | {
        "service_date": matrix.service_date.isoformat(),
        "computed_at": timezone.now().isoformat(timespec="seconds"),
    }
    path.with_suffix(".json").write_text(json.dumps(status))
    return counts


def transit_matrix_status(unit_id: int) -> dict | None:
    """When the unit's matrix was computed, for which day, and what it holds; None if never."""
    path = matrix_path(unit_id).with_suffix(".json")
    if not path.is_file() or not matrix_path(unit_id).is_file():
        return None
    status = json.loads(path.read_text())
    status["computed_at"] = dt.datetime.fromisoformat(status["computed_at"])
    status["service_date"] = dt.date.fromisoformat(status["service_date"])
    return status


@dataclass
class StoredMatrix:
    participant_ids: np.ndarray
    homes: np.ndarray
    profile_ids: np.ndarray
    sites: np.ndarray
    minutes: np.ndarray
    distance_km: np.ndarray
    leave_at: np.ndarray
    home_at: np.ndarray
    first_line: np.ndarray
    first_type: np.ndarray
    transfers: np.ndarray
    service_date: dt.date
    profile_hours: np.ndarray | None = None  # (start, end) seconds per column; None in older files

    @cached_property
    def _row_of(self) -> dict[int, int]:
        """Participant id → row (the first, as a search from the top finds it)."""
        return {int(pid): i for i, pid in reversed(list(enumerate(self.participant_ids)))}

    @cached_property
    def _col_of(self) -> dict[int, int]:
        return {int(pid): j for j, pid in reversed(list(enumerate(self.profile_ids)))}

    def trip(self, participant_id: int, profile_id: int) -> dict | None:
        """The stored trip of one pair, for an explanation: None when not in the matrix."""
        i, j = self._row_of.get(int(participant_id)), self._col_of.get(int(profile_id))
        if i is None or j is None:
            return None
        minutes = float(self.minutes[i, j])
        if not np.isfinite(minutes):
            return {"found": False}
        return {
            "found": True,
            "minutes": int(minutes),
            "line": str(self.first_line[i, j]) or None,
            "route_type": int(self.first_type[i, j]),
            "transfers": int(self.transfers[i, j]),
            "leave": clock(int(self.leave_at[i, j])),
            "arrive_by": clock(int(self.leave_at[i, j]) + int(minutes) * 60),
            "last_home": clock(int(self.home_at[i, j])),
        }


_LOADED: dict[int, tuple[int, StoredMatrix]] = {}


def stored_matrix(unit_id: int) -> StoredMatrix | None:
    """The unit's stored matrix (read once per file version by each process), or None."""
    path = matrix_path(unit_id)
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        _LOADED.pop(unit_id, None)
        return None
    cached = _LOADED.get(unit_id)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    with np.load(path, allow_pickle=False) as data:
        matrix = StoredMatrix(
            **{k: data[k] for k in data.files if k != "service_date"},
            service_date=dt.date.fromisoformat(str(data["service_date"])),
        )
    _LOADED[unit_id] = (mtime, matrix)
    return matrix


def _same_point(stored: np.ndarray, row: int, lat, lon) -> bool:
    return bool(np.all(np.abs(stored[row] - np.array([lat, lon], dtype=float)) < 1e-9))


def participant_routing_changed(participant) -> bool:
    """Whether a change to this participant calls for a new run of the unit's matrix: they ride
    the bus now and the stored matrix does not hold them at this home, or it holds them and they
    no longer ride (moved away, stopped taking the bus, left). Any other change (hours, skills,
    notes …) leaves the matrix as it is, so a guide's ordinary edit costs no routing run."""
    matrix = stored_matrix(participant.unit_id)
    routed = bool(
        participant.active
        and participant.latitude is not None
        and participant.longitude is not None
        and CommuteMeans.PUBLIC_TRANSPORT in (participant.commute_means or [])
    )
    rows = np.flatnonzero(matrix.participant_ids == participant.pk) if matrix else []
    if not len(rows):
        return routed
    return not routed or not _same_point(
        matrix.homes, int(rows[0]), participant.latitude, participant.longitude
    )


def profile_routing_changed(profile, unit_id: int) -> bool:
    """The same for a kravprofil in one unit's matrix: it is routed when open at a placed site,
    and a run is needed when the stored column is missing, or its site or working day differs."""
    matrix = stored_matrix(unit_id)
    site = profile.site
    routed = (
        profile.status == ProfileStatus.OPEN
        and site is not None
        and site.latitude is not None
        and site.longitude is not None
    )
    cols = np.flatnonzero(matrix.profile_ids == profile.pk) if matrix else []
    if not len(cols):
        return routed
    j = int(cols[0])
    if not routed or matrix.profile_hours is None:
        return True
    return not _same_point(matrix.sites, j, site.latitude, site.longitude) or tuple(
        int(x) for x in matrix.profile_hours[j]
    ) != _profile_hours(profile)


def _unmoved(stored: np.ndarray, ids: np.ndarray, table) -> np.ndarray:
    """True where the stored point of each id still is the table's point (False if not there)."""
    at = _positions(table.ids, np.asarray(ids, dtype=np.int64), np.ones(table.size, bool))
    here = at >= 0
    current = np.full(stored.shape, np.nan)
    current[here, 0], current[here, 1] = table.lat[at[here]], table.lon[at[here]]
    return here & np.all(np.abs(stored - current) < 1e-9, axis=1)


def transit_grid_rows(matrix, grid: TransitGrid, engine, rows) -> TransitGrid:
    """``grid`` (from ``matrix``) for ``engine``, whose participants at ``rows`` were replaced in
    place since the grid was made: those rows worked out again, the others kept."""
    return regrid_rows(
        grid,
        engine.tables,
        rows,
        participant_ids=matrix.participant_ids,
        valid_rows=_unmoved(matrix.homes, matrix.participant_ids, engine.tables.participants),
        distance_km=matrix.distance_km,
    )


def transit_grid_for(unit_id: int, engine) -> TransitGrid | None:
    """The engine's view of the unit's stored matrix: rows and columns whose home or site has
    moved since it was computed are left out (estimated until the next run)."""
    matrix = stored_matrix(unit_id)
    if matrix is None:
        return None
    pt, pr = engine.tables.participants, engine.tables.profiles
    return build_transit_grid(
        engine.tables,
        participant_ids=matrix.participant_ids,
        profile_ids=matrix.profile_ids,
        minutes=matrix.minutes,
        valid_rows=_unmoved(matrix.homes, matrix.participant_ids, pt),
        valid_cols=_unmoved(matrix.sites, matrix.profile_ids, pr),
        distance_km=matrix.distance_km,
    )
