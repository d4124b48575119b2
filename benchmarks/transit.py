"""Public-transport routing benchmark (issue 24) on a generated, county-sized GTFS feed.

    uv run python benchmarks/transit.py [--seed 24] [--homes 400] [--sites 300]

The feed imitates Kalmar county (≈ 11 200 km², 12 towns): town lines every 15–30 minutes, regional
lines between towns every hour, and many rural lines with a few trips a day, ≈ 10 000 stops and
≈ 5 000 weekday trips; some rural lines are communal taxis (pre-booked, left out). Times: reading
the zip, compiling one weekday, all homes × all sites (leaving 07:00), one home re-routed to all
sites, and the last trip home for all pairs. Targets are printed next to the figures, not
asserted (a shared machine is noisy).
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matching.engine.transit import compile_timetable  # noqa: E402
from matching.engine.transit_routing import (  # noqa: E402
    earliest_arrivals,
    last_trip_home,
    latest_departures,
)
from matching.transit.gtfs import read_gtfs  # noqa: E402
from matching.transit.synthetic import KM_LAT, KM_LON, TOWNS, FeedBuilder  # noqa: E402

TARGETS = {"all_pairs_s": 10.0, "one_origin_ms": 100.0}
DAY = dt.date(2026, 3, 2)  # a Monday


def points_near_towns(rng, n: int, spread_km: float) -> np.ndarray:
    weights = np.array([lines for *_x, lines in TOWNS], dtype=float)
    town = rng.choice(len(TOWNS), size=n, p=weights / weights.sum())
    centre = np.array([[lat, lon] for _n, lat, lon, _l in TOWNS])[town]
    offset = rng.normal(0, spread_km, (n, 2)) * [KM_LAT, KM_LON]
    return centre + offset


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=24)
    parser.add_argument("--homes", type=int, default=400)
    parser.add_argument("--sites", type=int, default=300)
    args = parser.parse_args()

    data, gen_s = timed(FeedBuilder(args.seed).build)
    feed, read_s = timed(read_gtfs, data)
    report = feed.report()
    tt, compile_s = timed(compile_timetable, feed, DAY)
    print(
        f"feed: {report['stops']} stops, {report['routes']} routes, {report['trips']} trips, "
        f"{report['stop_times']} stop times, {len(data) / 1e6:.1f} MB zipped "
        f"(generated in {gen_s:.1f} s)"
    )
    print(f"read_gtfs:         {read_s:6.2f} s")
    print(
        f"compile_timetable: {compile_s:6.2f} s  ({tt.trips_active} trips on {DAY}, "
        f"{len(tt.c_dep)} connections, {len(tt.fp_to)} footpaths)"
    )

    rng = np.random.default_rng(args.seed)
    homes = points_near_towns(rng, args.homes, 6.0)
    sites = points_near_towns(rng, args.sites, 2.5)
    depart = 7 * 3600
    result, all_s = timed(earliest_arrivals, tt, homes, sites, depart)
    found = result.found.mean()
    minutes = result.minutes()
    print(
        f"all pairs {args.homes}×{args.sites}: {all_s:6.2f} s  (target ≤ "
        f"{TARGETS['all_pairs_s']:.0f} s; {found:.0%} of pairs reachable, median "
        f"{np.nanmedian(minutes):.0f} min)"
    )
    singles = []
    for i in range(10):
        _r, seconds = timed(earliest_arrivals, tt, homes[i : i + 1], sites, depart)
        singles.append(seconds * 1000)
        assert _r.arrival[0].tolist() == result.arrival[i].tolist()
    print(
        f"one home → all sites: median {statistics.median(singles):6.1f} ms  (target ≤ "
        f"{TARGETS['one_origin_ms']:.0f} ms; max {max(singles):.1f} ms)"
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory so far: {peak_mb:.0f} MB")
    there, there_s = timed(latest_departures, tt, homes, sites, 8 * 3600)
    print(
        f"the matrix's question, latest departure to arrive by 08:00, {args.homes}×{args.sites}: "
        f"{there_s:6.2f} s  ({there.found.mean():.0%} of pairs have one)"
    )
    last, last_s = timed(last_trip_home, tt, sites, homes, 16 * 3600)
    print(
        f"last trip home {args.sites}×{args.homes}: {last_s:6.2f} s  "
        f"({last.found.mean():.0%} of pairs have one after 16:00)"
    )
    print(
        f"a unit's whole matrix (there by 08:00 + home after 16:00): {there_s + last_s:6.2f} s  "
        f"(target ≤ {TARGETS['all_pairs_s']:.0f} s)"
    )


if __name__ == "__main__":
    main()
