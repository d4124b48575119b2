"""Timetable travel times in the engine (issue 24): the scorer's view of a unit's transit matrix.

A participant who travels by public transport has a minute limit for the trip (their own, capped
at the travel model's maximum; else the unit's default for public transport). Where the unit's
timetable covers a (participant, profile) pair, the router's minutes replace the straight-line
estimate for that way of travelling:

- the pair is within reach when the timetable trip fits the limit (and the person's own km limit,
  if any), or another of the person's ways of travelling (walk, bike, car: still estimated)
  reaches the site;
- the geography score is the better of ``1 − minutes / limit`` and the estimate of the other ways;
- no journey at all (``inf``) is out of reach by public transport, however close the site is.

Where no timetable covers the pair (no feed, a home or site moved since the matrix was computed,
a participant not yet routed) the estimate stays, and the explanation says it is one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.engine import config as c
from matching.engine.geo import distance_matrix_km
from matching.engine.records import ParticipantRecord

PT = "public_transport"


def usable_means(record: ParticipantRecord) -> list[str]:
    """The person's ways of travelling the engine counts (a car needs a licence and a car)."""
    return [
        m
        for m in record.means
        if m in c.MEANS and (m != "car" or (record.has_licence and record.has_car))
    ]


def transit_limit(record: ParticipantRecord, travel: c.TravelModel) -> float:
    """The longest trip by public transport the person accepts, in minutes."""
    if record.own_minutes is not None:
        return min(float(record.own_minutes), travel.max_minutes)
    return travel.default_limits[PT]


def other_reach_km(record: ParticipantRecord, travel: c.TravelModel) -> float:
    """How far the person's other ways of travelling reach (estimated), 0 when there are none."""
    others = [m for m in usable_means(record) if m != PT]
    if not others:
        return 0.0
    limit = transit_limit(record, travel) if record.own_minutes is not None else None
    by_time = max(
        travel.reach_km(m, limit if limit is not None else travel.default_limits[m]) for m in others
    )
    if record.own_km is not None:  # a km limit only ever shortens the reach (tables.reach_km)
        return min(float(record.own_km), by_time)
    return by_time


def km_cap(record: ParticipantRecord) -> float:
    """The person's own km limit, which no trip may exceed whatever its minutes (inf if none)."""
    return float(record.own_km) if record.own_km is not None else float("inf")


@dataclass
class TransitGrid:
    """Timetable minutes for the pairs a unit's matrix covers, addressed by engine rows/columns."""

    row_of: np.ndarray  # engine participant row → matrix row (−1: not covered)
    col_of: np.ndarray  # engine profile row → matrix column (−1: not covered)
    minutes: np.ndarray  # matrix rows × columns; inf where the timetable has no journey
    limit: np.ndarray  # per engine participant row, minutes
    other_reach_km: np.ndarray  # per engine participant row
    km_cap: np.ndarray  # per engine participant row: the own km limit (inf without one)
    search_reach_km: np.ndarray  # per engine participant row: the farthest site within reach

    def pairs(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """B×N timetable minutes for engine ``rows`` × ``cols``: NaN where not covered."""
        r, k = self.row_of[rows], self.col_of[cols]
        out = np.full((len(rows), len(cols)), np.nan)
        rs, ks = np.flatnonzero(r >= 0), np.flatnonzero(k >= 0)
        if len(rs) and len(ks):
            out[np.ix_(rs, ks)] = self.minutes[np.ix_(r[rs], k[ks])]
        return out

    def covers(self, row: int, col: int) -> bool:
        return bool(self.row_of[row] >= 0 and self.col_of[col] >= 0)


def _positions(ids: np.ndarray, wanted: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """For each of ``wanted``: its index in ``ids`` where present and valid, else −1."""
    ids = np.asarray(ids, dtype=np.int64)
    if len(ids) == 0:
        return np.full(len(wanted), -1, dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    pos = np.clip(np.searchsorted(ids[order], wanted), 0, len(ids) - 1)
    index = order[pos]
    hit = (ids[index] == wanted) & np.asarray(valid, dtype=bool)[index]
    return np.where(hit, index, -1)


def build_transit_grid(
    tables,
    *,
    participant_ids: np.ndarray,
    profile_ids: np.ndarray,
    minutes: np.ndarray,
    valid_rows: np.ndarray | None = None,
    valid_cols: np.ndarray | None = None,
    distance_km: np.ndarray | None = None,
) -> TransitGrid:
    """The grid for ``tables`` from a matrix over ``participant_ids`` × ``profile_ids``.

    ``valid_rows``/``valid_cols`` drop matrix rows/columns that no longer describe the person or
    the site (moved since the matrix was computed); participants who do not travel by public
    transport are never covered. ``distance_km``: the matrix's home–site distances, when stored
    with it (else worked out here). Vectorised: it runs again for every patched engine."""
    pt, pr = tables.participants, tables.profiles
    valid_rows = np.ones(len(participant_ids), bool) if valid_rows is None else valid_rows
    valid_cols = np.ones(len(profile_ids), bool) if valid_cols is None else valid_cols
    row_of = _positions(participant_ids, pt.ids, valid_rows)
    row_of[~(pt.uses_transit & pt.has_coords)] = -1
    col_of = _positions(profile_ids, pr.ids, valid_cols)
    limit, other, cap = pt.transit_limit, pt.other_reach_km, pt.km_cap
    search = pt.reach_km.astype(np.float64).copy()
    grid = TransitGrid(
        row_of, col_of, np.asarray(minutes, dtype=np.float64), limit, other, cap, search
    )
    _widen_search(grid, tables, np.flatnonzero(row_of >= 0), distance_km)
    return grid


def _widen_search(grid: TransitGrid, tables, rows: np.ndarray, distance_km) -> None:
    """Each of ``rows`` (covered engine rows) may search as far as the farthest site its
    timetable trips reach within its limits."""
    pt, pr = tables.participants, tables.profiles
    cols = np.flatnonzero(grid.col_of >= 0)
    if not (len(rows) and len(cols)):
        return
    r, k = np.ix_(grid.row_of[rows], grid.col_of[cols])
    within = grid.minutes[r, k] <= grid.limit[rows][:, None]
    if distance_km is not None:
        distance = distance_km[r, k]
    else:
        distance = distance_matrix_km(pt.units[rows], pr.units[cols])
    within &= distance <= grid.km_cap[rows][:, None]
    farthest = np.where(within, distance, 0.0).max(axis=1)
    grid.search_reach_km[rows] = np.maximum(grid.search_reach_km[rows], farthest)


def regrid_rows(
    grid: TransitGrid,
    tables,
    rows: np.ndarray,
    *,
    participant_ids: np.ndarray,
    valid_rows: np.ndarray | None = None,
    distance_km: np.ndarray | None = None,
) -> TransitGrid:
    """``grid``, built for an engine whose participants at engine ``rows`` were since replaced
    in place (``tables``: the new engine's), with those rows worked out again and every other
    row and all columns kept: what ``build_transit_grid`` gives for ``tables``, without its
    work over the whole matrix."""
    pt = tables.participants
    valid_rows = np.ones(len(participant_ids), bool) if valid_rows is None else valid_rows
    row_of = grid.row_of.copy()
    row_of[rows] = _positions(participant_ids, pt.ids[rows], valid_rows)
    row_of[rows[~(pt.uses_transit[rows] & pt.has_coords[rows])]] = -1
    search = grid.search_reach_km.copy()
    search[rows] = pt.reach_km[rows]
    new = TransitGrid(
        row_of,
        grid.col_of,
        grid.minutes,
        pt.transit_limit,
        pt.other_reach_km,
        pt.km_cap,
        search,
    )
    _widen_search(new, tables, rows[row_of[rows] >= 0], distance_km)
    return new
