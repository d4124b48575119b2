"""Public-transport timetables (issue 24): the feed as arrays and the compiled timetable.

Plain Python and numpy (no Django, no file formats: the GTFS reader is ``matching.transit.gtfs``).
``compile_timetable`` turns a ``Feed`` into the connections that run on one service date, sorted by
departure, for the router in ``matching.engine.transit_routing``.

Times are seconds after midnight of the service date and may pass 24:00:00 (a trip that leaves at
23:50 and arrives at 00:20 is written 24:20:00 in GTFS). The compiled timetable for date D therefore
also holds the trips of D − 1 whose times pass midnight, shifted by −24 h, so that a night bus of
Friday's service is found when routing early on Saturday.

Pre-booked services are left out unless asked for: a person cannot count on a communal taxi
("anropsstyrd trafik") that must be ordered the day before. They are recognised by the extended
route types 715 (demand and response bus) and 1500–1507 (taxi services, 1501 communal taxi).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

from matching.engine.geo import EARTH_RADIUS_KM, haversine_km

PREBOOKED_ROUTE_TYPES = frozenset({715, *range(1500, 1508)})
DAY = 86_400


@dataclass(frozen=True)
class TransitSettings:
    """How people walk and change. Walking distance is the great-circle distance × ``detour``."""

    walk_kmh: float = 5.0
    detour: float = 1.3
    max_walk_m: float = 1000.0  # from home to a stop, and from a stop to the site
    transfer_walk_m: float = 300.0  # between two stops when changing
    default_transfer_s: int = 120  # minimum time to change at a stop unless transfers.txt says
    horizon_min: int = 180  # journeys longer than this count as none
    allow_prebooked: bool = False

    def walk_seconds(self, great_circle_km: np.ndarray | float) -> np.ndarray:
        metres = np.asarray(great_circle_km, dtype=np.float64) * 1000.0 * self.detour
        return np.ceil(metres / (self.walk_kmh / 3.6)).astype(np.int64)

    @property
    def max_walk_gc_km(self) -> float:
        return self.max_walk_m / 1000.0 / self.detour


@dataclass
class Feed:
    """A GTFS feed as arrays. Indices refer to positions in ``stop_ids``, ``route_ids``, ``trip_ids``."""

    stop_ids: list[str]
    stop_names: list[str]
    stop_lat: np.ndarray
    stop_lon: np.ndarray
    route_ids: list[str]
    route_names: list[str]  # short name, else long name, else id: what a person reads on the bus
    route_types: np.ndarray
    trip_ids: list[str]
    trip_route: np.ndarray  # route index per trip
    trip_service: list[str]
    # stop_times, sorted by trip then stop_sequence, rows without a usable time or stop dropped
    st_trip: np.ndarray
    st_stop: np.ndarray
    st_arr: np.ndarray
    st_dep: np.ndarray
    calendar: dict[str, tuple[tuple[bool, ...], dt.date, dt.date]]
    calendar_dates: dict[str, dict[dt.date, int]]
    # transfers.txt: (from stop index, to stop index) → (transfer_type, min_transfer_time or None)
    transfers: dict[tuple[int, int], tuple[int, int | None]]
    problems: list[str] = field(default_factory=list)
    bad_trips: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def services_on(self, day: dt.date) -> set[str]:
        """Service ids that run on ``day``: calendar.txt, then calendar_dates.txt (1 adds, 2 removes)."""
        active = {
            service
            for service, (weekdays, start, end) in self.calendar.items()
            if start <= day <= end and weekdays[day.weekday()]
        }
        for service, exceptions in self.calendar_dates.items():
            kind = exceptions.get(day)
            if kind == 1:
                active.add(service)
            elif kind == 2:
                active.discard(service)
        return active

    def service_span(self) -> tuple[dt.date, dt.date] | None:
        """First and last date on which any service runs, or None when none does."""
        days: list[dt.date] = []
        for _weekdays, start, end in self.calendar.values():
            days += [start, end]
        for exceptions in self.calendar_dates.values():
            days += [day for day, kind in exceptions.items() if kind == 1]
        if not days:
            return None
        first, last = min(days), max(days)
        # Trim to the days on which something actually runs (removals may empty the edges).
        while first <= last and not self.services_on(first):
            first += dt.timedelta(days=1)
        while last >= first and not self.services_on(last):
            last -= dt.timedelta(days=1)
        return (first, last) if first <= last else None

    def report(self) -> dict:
        """The dry-run report: what the feed holds and what is wrong with it."""
        span = self.service_span()
        prebooked = int(np.isin(self.route_types, list(PREBOOKED_ROUTE_TYPES)).sum())
        return {
            "stops": len(self.stop_ids),
            "routes": len(self.route_ids),
            "prebooked_routes": prebooked,
            "trips": len(self.trip_ids),
            "stop_times": int(len(self.st_trip)),
            "services": len(set(self.calendar) | set(self.calendar_dates)),
            "first_service_date": span[0].isoformat() if span else None,
            "last_service_date": span[1].isoformat() if span else None,
            "problems": list(self.problems),
        }


@dataclass
class Timetable:
    """The connections that run on one date, sorted by departure, and the footpaths between stops.

    A connection is one hop of a trip: from ``c_from`` at ``c_dep`` to ``c_to`` at ``c_arr`` (seconds
    after midnight of ``day``; negative for the tail of the previous day's late trips)."""

    day: dt.date
    settings: TransitSettings
    stop_lat: np.ndarray
    stop_lon: np.ndarray
    c_dep: np.ndarray
    c_arr: np.ndarray
    c_from: np.ndarray
    c_to: np.ndarray
    c_trip: np.ndarray  # index into trip_line
    trip_line: np.ndarray  # route index per compiled trip
    line_names: list[str]
    change_s: np.ndarray  # minimum time to change at each stop
    fp_ptr: np.ndarray  # footpaths out of stop s: fp_to/fp_dur[fp_ptr[s]:fp_ptr[s + 1]]
    fp_to: np.ndarray
    fp_dur: np.ndarray
    trips_active: int = 0
    reversed: bool = False
    _tree: object = field(default=None, repr=False)
    _reverse: Timetable | None = field(default=None, repr=False)

    def stop_tree(self):
        """A haversine BallTree over the stops that have a position, and their indices."""
        if self._tree is None:
            from sklearn.neighbors import BallTree  # here: importing scikit-learn takes seconds

            positioned = np.flatnonzero(~(np.isnan(self.stop_lat) | np.isnan(self.stop_lon)))
            points = np.radians(np.column_stack((self.stop_lat, self.stop_lon))[positioned])
            tree = BallTree(points, metric="haversine") if len(points) else None
            self._tree = (tree, positioned)
        return self._tree

    @property
    def n_stops(self) -> int:
        return len(self.stop_lat)

    def reverse(self) -> Timetable:
        """The same network backwards (cached); see ``_reversed``."""
        if self._reverse is None:
            self._reverse = self._reversed()
        return self._reverse

    def _reversed(self) -> Timetable:
        """The same network with time running backwards, for latest departures: a connection
        u→v (dep d, arr a) becomes v→u (dep −a, arr −d), footpaths turn round."""
        order = np.lexsort((np.arange(len(self.c_dep))[::-1], -self.c_dep, -self.c_arr))
        src = np.repeat(np.arange(self.n_stops), np.diff(self.fp_ptr))
        back_src, back_to, back_dur = self.fp_to, src, self.fp_dur
        fp_order = np.argsort(back_src, kind="stable")
        ptr = np.zeros(self.n_stops + 1, dtype=np.int64)
        np.cumsum(np.bincount(back_src, minlength=self.n_stops), out=ptr[1:])
        return Timetable(
            day=self.day,
            settings=self.settings,
            stop_lat=self.stop_lat,
            stop_lon=self.stop_lon,
            c_dep=-self.c_arr[order],
            c_arr=-self.c_dep[order],
            c_from=self.c_to[order],
            c_to=self.c_from[order],
            c_trip=self.c_trip[order],
            trip_line=self.trip_line,
            line_names=self.line_names,
            change_s=self.change_s,
            fp_ptr=ptr,
            fp_to=back_to[fp_order],
            fp_dur=back_dur[fp_order],
            trips_active=self.trips_active,
            reversed=not self.reversed,
        )


def compile_timetable(
    feed: Feed, day: dt.date, settings: TransitSettings | None = None
) -> Timetable:
    """The timetable of ``day``: its trips, plus the previous day's trips past midnight."""
    settings = settings or TransitSettings()
    usable_route = np.ones(len(feed.route_ids), dtype=bool)
    if not settings.allow_prebooked:
        usable_route &= ~np.isin(feed.route_types, list(PREBOOKED_ROUTE_TYPES))
    trip_ok = ~feed.bad_trips & (feed.trip_route >= 0)
    trip_ok[trip_ok] &= usable_route[feed.trip_route[trip_ok]]

    services = np.array(feed.trip_service, dtype=object)
    pieces = []
    for offset, service_day in ((0, day), (-DAY, day - dt.timedelta(days=1))):
        running = np.isin(services, list(feed.services_on(service_day))) & trip_ok
        pieces.append((offset, running))

    st_trip, st_stop, arr, dep = feed.st_trip, feed.st_stop, feed.st_arr, feed.st_dep
    hop = np.flatnonzero(st_trip[1:] == st_trip[:-1])  # row hop → row hop + 1
    deps, arrs, froms, tos, trips = [], [], [], [], []
    trip_number = np.full(len(feed.trip_ids), -1, dtype=np.int64)
    trip_line: list[np.ndarray] = []
    count = 0
    active = 0
    for offset, running in pieces:
        mask = running[st_trip[hop]]
        if offset < 0:
            mask &= arr[hop + 1] + offset >= 0  # only the part after midnight matters
        rows = hop[mask]
        used = np.unique(st_trip[rows])
        trip_number[:] = -1
        trip_number[used] = np.arange(count, count + len(used))
        count += len(used)
        active += int(running.sum()) if offset == 0 else 0
        trip_line.append(feed.trip_route[used])
        deps.append(dep[rows] + offset)
        arrs.append(arr[rows + 1] + offset)
        froms.append(st_stop[rows])
        tos.append(st_stop[rows + 1])
        trips.append(trip_number[st_trip[rows]])
    c_dep, c_arr = np.concatenate(deps), np.concatenate(arrs)
    c_from, c_to, c_trip = np.concatenate(froms), np.concatenate(tos), np.concatenate(trips)
    # Departure, then arrival, then position along the trip: a zero-minute hop comes before the
    # next hop of the same trip.
    order = np.lexsort((np.arange(len(c_dep)), c_arr, c_dep))

    n = len(feed.stop_ids)
    change = np.full(n, settings.default_transfer_s, dtype=np.int64)
    for (a, b), (kind, minimum) in feed.transfers.items():
        if a == b and kind == 2 and minimum is not None:
            change[a] = minimum

    # Footpaths: stops within the transfer walk, plus transfers.txt's own pairs.
    positioned = np.flatnonzero(~(np.isnan(feed.stop_lat) | np.isnan(feed.stop_lon)))
    paths: dict[tuple[int, int], int] = {}
    if len(positioned):
        from sklearn.neighbors import BallTree  # here: importing scikit-learn takes seconds

        points = np.radians(np.column_stack((feed.stop_lat, feed.stop_lon))[positioned])
        tree = BallTree(points, metric="haversine")
        radius = settings.transfer_walk_m / 1000.0 / settings.detour / EARTH_RADIUS_KM
        hits, dists = tree.query_radius(points, r=radius, return_distance=True)
        for i, (near, dist) in enumerate(zip(hits, dists, strict=True)):
            walk = settings.walk_seconds(dist * EARTH_RADIUS_KM)
            a = int(positioned[i])
            for j, w in zip(near.tolist(), walk.tolist(), strict=True):
                b = int(positioned[j])
                if a != b:
                    paths[(a, b)] = max(w, settings.default_transfer_s)
    for (a, b), (kind, minimum) in feed.transfers.items():
        if a == b:
            continue
        if kind == 3:
            paths.pop((a, b), None)
        elif kind == 2 and minimum is not None:
            walk = 0
            if not (math.isnan(feed.stop_lat[a]) or math.isnan(feed.stop_lat[b])):
                walk = int(settings.walk_seconds(_gc_km(feed, a, b)))
            paths[(a, b)] = max(walk, minimum)
    keys = sorted(paths)
    fp_from = np.array([k[0] for k in keys], dtype=np.int64)
    fp_to = np.array([k[1] for k in keys], dtype=np.int64)
    fp_dur = np.array([paths[k] for k in keys], dtype=np.int64)
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(fp_from, minlength=n), out=ptr[1:])

    return Timetable(
        day=day,
        settings=settings,
        stop_lat=feed.stop_lat,
        stop_lon=feed.stop_lon,
        c_dep=c_dep[order],
        c_arr=c_arr[order],
        c_from=c_from[order],
        c_to=c_to[order],
        c_trip=c_trip[order],
        trip_line=np.concatenate(trip_line) if trip_line else np.zeros(0, dtype=np.int64),
        line_names=feed.route_names,
        change_s=change,
        fp_ptr=ptr,
        fp_to=fp_to,
        fp_dur=fp_dur,
        trips_active=active,
    )


def _gc_km(feed: Feed, a: int, b: int) -> float:
    return haversine_km(feed.stop_lat[a], feed.stop_lon[a], feed.stop_lat[b], feed.stop_lon[b])
