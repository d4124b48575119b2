"""Earliest arrival by public transport for many origins at once (issue 24).

A Connection Scan (Dibbelt et al.) over the timetable's connections, sorted by departure, with one
column per origin: every stop holds a vector of times, one per origin, so one pass over the
connections serves all participants. The rules (the property test checks them against a plain
search over trips):

- Access: walk from the origin to any stop within ``max_walk_m`` (great-circle × detour at
  ``walk_kmh``), leaving at ``depart``, and board a trip there that departs no earlier.
- Riding: stay on a trip as long as you like (no change time on the same vehicle).
- Changing: after leaving a trip at stop s at time a, board another trip at s from a + change(s)
  (transfers.txt type 2 from s to s, else ``default_transfer_s``), or walk a footpath to a stop s'
  (stops within ``transfer_walk_m``, duration max(walk, default_transfer_s); transfers.txt type 2
  pairs with their own minimum; type 3 pairs removed) and board there from a + duration. Footpaths
  are not chained.
- Egress: from the stop where you leave the last trip, walk to the destination (within
  ``max_walk_m``).
- Walking all the way counts when it is within ``max_walk_m``.
- Only journeys that arrive within ``horizon_min`` of ``depart`` count; otherwise there is none.

``minutes`` is arrival − depart, waiting included: the time from leaving home at ``depart``.
``latest_departures`` answers the mirror question (leave as late as possible and still arrive by a
time) by running the same scan on the timetable turned backwards; "last trip home" is the latest
departure from the site that reaches home by the end of the service night.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from matching.engine.geo import EARTH_RADIUS_KM, distance_matrix_km, unit_vectors
from matching.engine.transit import Timetable

INF = 1 << 60
# Inside a scan times are int32 and labels small ints: 400 origins × 10 000 stops stay ~100 MB.
INF32 = np.iinfo(np.int32).max // 2


@dataclass(frozen=True)
class Journey:
    """One origin → destination answer."""

    minutes: int
    departure: int  # seconds after midnight of the timetable's day
    arrival: int
    first_line: str | None  # None when walking all the way
    last_line: str | None
    transfers: int

    @property
    def arrival_clock(self) -> str:
        return clock(self.arrival)

    @property
    def departure_clock(self) -> str:
        return clock(self.departure)


def clock(seconds: int) -> str:
    """Seconds after midnight → 'HH:MM' on a 24-hour clock (00:20 for 24:20)."""
    minutes = (seconds // 60) % (24 * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass
class Journeys:
    """Origins × destinations. ``arrival`` is ``INF`` where no journey exists; ``departure`` is the
    time asked for (earliest arrival) or the latest departure found (latest departure)."""

    departure: np.ndarray
    arrival: np.ndarray
    first_line: np.ndarray  # route index, −1 walking all the way
    last_line: np.ndarray
    transfers: np.ndarray
    line_names: list[str]

    @property
    def found(self) -> np.ndarray:
        return self.arrival < INF

    def minutes(self) -> np.ndarray:
        """Whole minutes (rounded up), NaN where there is no journey."""
        out = np.full(self.arrival.shape, np.nan)
        found = self.found
        out[found] = np.ceil((self.arrival[found] - self.departure[found]) / 60.0)
        return out

    def journey(self, i: int, j: int) -> Journey | None:
        if self.arrival[i, j] >= INF:
            return None
        first, last = int(self.first_line[i, j]), int(self.last_line[i, j])
        return Journey(
            minutes=math.ceil((int(self.arrival[i, j]) - int(self.departure[i, j])) / 60),
            departure=int(self.departure[i, j]),
            arrival=int(self.arrival[i, j]),
            first_line=self.line_names[first] if first >= 0 else None,
            last_line=self.line_names[last] if last >= 0 else None,
            transfers=int(self.transfers[i, j]),
        )

    def table(self) -> list[list[Journey | None]]:
        rows, cols = self.arrival.shape
        return [[self.journey(i, j) for j in range(cols)] for i in range(rows)]


def _near_stops(tt: Timetable, points: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each (lat, lon): the stops within walking distance and the walk in seconds."""
    tree, positioned = tt.stop_tree()
    settings = tt.settings
    if tree is None or len(points) == 0:
        return [(np.zeros(0, np.int64), np.zeros(0, np.int64)) for _ in range(len(points))]
    hits, dists = tree.query_radius(
        np.radians(points), r=settings.max_walk_gc_km / EARTH_RADIUS_KM, return_distance=True
    )
    out = []
    for near, dist in zip(hits, dists, strict=True):
        km = dist * EARTH_RADIUS_KM
        keep = km * 1000.0 * settings.detour <= settings.max_walk_m
        out.append((positioned[near[keep]], settings.walk_seconds(km[keep])))
    return out


def earliest_arrivals(
    tt: Timetable,
    origins: np.ndarray,
    destinations: np.ndarray,
    depart: int,
    *,
    chunk: int = 512,
) -> Journeys:
    """Earliest arrival from every origin (N×2 lat, lon) to every destination (M×2), leaving at
    ``depart`` (seconds after midnight of the timetable's day)."""
    origins = np.asarray(origins, dtype=np.float64).reshape(-1, 2)
    destinations = np.asarray(destinations, dtype=np.float64).reshape(-1, 2)
    n, m = len(origins), len(destinations)
    arrival = np.full((n, m), INF, dtype=np.int64)
    first = np.full((n, m), -1, dtype=np.int64)
    last = np.full((n, m), -1, dtype=np.int64)
    legs = np.zeros((n, m), dtype=np.int64)
    egress = _near_stops(tt, destinations)
    access = _near_stops(tt, origins)
    for start in range(0, n, chunk):
        part = slice(start, min(n, start + chunk))
        batch = access[part]
        scan = _scan_one if len(batch) == 1 else _scan
        arrive, a_first, a_last, a_legs = scan(tt, batch, depart)
        cols = np.arange(arrive.shape[1])
        for j, (stops, walks) in enumerate(egress):
            if len(stops) == 0:
                continue
            cand = arrive[stops].astype(np.int64)
            cand[cand >= INF32] = INF
            cand += walks[:, None]
            best = np.argmin(cand, axis=0)
            via = stops[best]
            arrival[part, j] = cand[best, cols]
            first[part, j] = a_first[via, cols]
            last[part, j] = a_last[via, cols]
            legs[part, j] = a_legs[via, cols]
    # Walking all the way.
    settings = tt.settings
    if n and m:
        km = distance_matrix_km(
            unit_vectors(origins[:, 0], origins[:, 1]),
            unit_vectors(destinations[:, 0], destinations[:, 1]),
        )
        walkable = km * 1000.0 * settings.detour <= settings.max_walk_m
        on_foot = np.where(walkable, depart + settings.walk_seconds(km), INF)
        better = on_foot < arrival
        arrival[better] = on_foot[better]
        first[better] = last[better] = -1
        legs[better] = 0
    arrival[arrival > depart + settings.horizon_min * 60] = INF
    none = arrival >= INF
    first[none] = last[none] = -1
    transfers = np.where(none, -1, np.maximum(legs - 1, 0))
    return Journeys(
        departure=np.full((n, m), depart, dtype=np.int64),
        arrival=arrival,
        first_line=first,
        last_line=last,
        transfers=transfers,
        line_names=tt.line_names,
    )


def _scan(tt: Timetable, access: list[tuple[np.ndarray, np.ndarray]], depart: int):
    """One connection scan for a batch of origins → per stop and origin: the earliest time a trip
    leaves you there, and the first line, last line and number of rides of that journey."""
    n_stops, n = tt.n_stops, len(access)
    ready = np.full((n_stops, n), INF32, dtype=np.int32)
    r_first = np.full((n_stops, n), -1, dtype=np.int32)
    r_legs = np.zeros((n_stops, n), dtype=np.int16)
    for o, (stops, walks) in enumerate(access):
        ready[stops, o] = np.minimum(ready[stops, o], depart + walks)
    arrive = np.full((n_stops, n), INF32, dtype=np.int32)
    a_first = np.full((n_stops, n), -1, dtype=np.int32)
    a_last = np.full((n_stops, n), -1, dtype=np.int32)
    a_legs = np.zeros((n_stops, n), dtype=np.int16)

    lo = int(np.searchsorted(tt.c_dep, depart, side="left"))
    hi = int(np.searchsorted(tt.c_dep, depart + tt.settings.horizon_min * 60, side="right"))
    if hi <= lo or n == 0:
        return arrive, a_first, a_last, a_legs
    trips, local = np.unique(tt.c_trip[lo:hi], return_inverse=True)
    lines = tt.trip_line[trips].tolist()
    on = np.zeros((len(trips), n), dtype=bool)
    t_first = np.full((len(trips), n), -1, dtype=np.int32)
    t_legs = np.zeros((len(trips), n), dtype=np.int16)
    boarded = [False] * len(trips)  # any origin on the trip
    full = [False] * len(trips)  # every origin on the trip
    change = tt.change_s.tolist()
    fp_ptr = tt.fp_ptr.tolist()
    fp_to, fp_dur = tt.fp_to, tt.fp_dur
    # Seed: the earliest possible time at any stop bounds what any connection can do.
    earliest = ready.min(axis=1).tolist()

    for t, s, d, v, a in zip(
        local.tolist(),
        tt.c_from[lo:hi].tolist(),
        tt.c_dep[lo:hi].tolist(),
        tt.c_to[lo:hi].tolist(),
        tt.c_arr[lo:hi].tolist(),
        strict=True,
    ):
        if not full[t] and earliest[s] <= d:
            new = (ready[s] <= d) & ~on[t]
            if new.any():
                on[t] |= new
                first_here = r_first[s]
                t_first[t] = np.where(
                    new, np.where(first_here < 0, lines[t], first_here), t_first[t]
                )
                t_legs[t] = np.where(new, r_legs[s] + 1, t_legs[t])
                boarded[t] = True
                full[t] = bool(on[t].all())
        if not boarded[t]:
            continue
        better = on[t] & (a < arrive[v])
        if not better.any():
            continue
        arrive[v, better] = a
        a_first[v, better] = t_first[t, better]
        a_last[v, better] = lines[t]
        a_legs[v, better] = t_legs[t, better]
        _relax(ready, r_first, r_legs, earliest, v, a + change[v], better, a_first, a_legs, v)
        for k in range(fp_ptr[v], fp_ptr[v + 1]):
            w = int(fp_to[k])
            _relax(
                ready, r_first, r_legs, earliest, w, a + int(fp_dur[k]), better, a_first, a_legs, v
            )
    return arrive, a_first, a_last, a_legs


def _scan_one(tt: Timetable, access: list[tuple[np.ndarray, np.ndarray]], depart: int):
    """``_scan`` for a single origin in plain Python: one origin does not fill a numpy vector,
    and a list lookup costs less than a numpy call (a pair change re-routes one participant)."""
    n_stops = tt.n_stops
    ready = [INF] * n_stops
    r_first = [-1] * n_stops
    r_legs = [0] * n_stops
    (stops, walks) = access[0]
    for s, w in zip(stops.tolist(), walks.tolist(), strict=True):
        ready[s] = min(ready[s], depart + w)
    arrive = [INF] * n_stops
    a_first = [-1] * n_stops
    a_last = [-1] * n_stops
    a_legs = [0] * n_stops
    lo = int(np.searchsorted(tt.c_dep, depart, side="left"))
    hi = int(np.searchsorted(tt.c_dep, depart + tt.settings.horizon_min * 60, side="right"))
    if hi > lo:
        trips, local = np.unique(tt.c_trip[lo:hi], return_inverse=True)
        lines = tt.trip_line[trips].tolist()
        on = [False] * len(trips)
        t_first = [-1] * len(trips)
        t_legs = [0] * len(trips)
        change = tt.change_s.tolist()
        fp_ptr, fp_to, fp_dur = tt.fp_ptr.tolist(), tt.fp_to.tolist(), tt.fp_dur.tolist()
        for t, s, d, v, a in zip(
            local.tolist(),
            tt.c_from[lo:hi].tolist(),
            tt.c_dep[lo:hi].tolist(),
            tt.c_to[lo:hi].tolist(),
            tt.c_arr[lo:hi].tolist(),
            strict=True,
        ):
            if not on[t]:
                if ready[s] > d:
                    continue
                on[t] = True
                t_first[t] = r_first[s] if r_first[s] >= 0 else lines[t]
                t_legs[t] = r_legs[s] + 1
            if a >= arrive[v]:
                continue
            arrive[v], a_first[v], a_last[v], a_legs[v] = a, t_first[t], lines[t], t_legs[t]
            when = a + change[v]
            if when < ready[v]:
                ready[v], r_first[v], r_legs[v] = when, t_first[t], t_legs[t]
            for k in range(fp_ptr[v], fp_ptr[v + 1]):
                w, when = fp_to[k], a + fp_dur[k]
                if when < ready[w]:
                    ready[w], r_first[w], r_legs[w] = when, t_first[t], t_legs[t]

    def column(values):
        return np.array(values, dtype=np.int64).reshape(-1, 1)

    return column(arrive), column(a_first), column(a_last), column(a_legs)


def _relax(ready, r_first, r_legs, earliest, stop, when, mask, a_first, a_legs, came_from):
    improve = mask & (when < ready[stop])
    if improve.any():
        ready[stop, improve] = when
        r_first[stop, improve] = a_first[came_from, improve]
        r_legs[stop, improve] = a_legs[came_from, improve]
        if when < earliest[stop]:
            earliest[stop] = when


def latest_departures(
    tt: Timetable, origins: np.ndarray, destinations: np.ndarray, arrive_by: int
) -> Journeys:
    """The latest departure from every origin that still reaches every destination by
    ``arrive_by`` (within the horizon before it): the same scan on the timetable run backwards."""
    back = earliest_arrivals(tt.reverse(), destinations, origins, -arrive_by)
    found = back.found.T
    return Journeys(
        departure=np.where(found, -back.arrival.T, INF),
        arrival=np.where(found, arrive_by, INF),
        first_line=back.last_line.T,
        last_line=back.first_line.T,
        transfers=back.transfers.T,
        line_names=tt.line_names,
    )


def last_trip_home(
    tt: Timetable, sites: np.ndarray, homes: np.ndarray, after: int, *, night_ends: int = 27 * 3600
) -> Journeys:
    """The last journey from each site (rows) to each home (columns): the latest departure at or
    after ``after`` (the end of the working day) that reaches home by ``night_ends`` (03:00 the
    next morning by default). ``departure`` is that latest departure; ``arrival`` is only the
    bound ``night_ends`` (not the journey's own arrival). No journey where the last one leaves
    before ``after``."""
    window = max(0, (night_ends - after) // 60)
    narrowed = replace(tt, settings=replace(tt.settings, horizon_min=window), _reverse=None)
    return latest_departures(narrowed, sites, homes, night_ends)
