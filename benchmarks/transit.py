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
import csv
import datetime as dt
import io
import resource
import statistics
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matching.engine.transit import compile_timetable  # noqa: E402
from matching.engine.transit_routing import earliest_arrivals, last_trip_home  # noqa: E402
from matching.transit.gtfs import COLUMNS, read_gtfs  # noqa: E402

TARGETS = {"all_pairs_s": 10.0, "one_origin_ms": 100.0}
TOWNS = [  # name, lat, lon, urban lines
    ("Kalmar", 56.663, 16.356, 10),
    ("Västervik", 57.758, 16.637, 5),
    ("Oskarshamn", 57.264, 16.448, 5),
    ("Nybro", 56.744, 15.908, 3),
    ("Vimmerby", 57.666, 15.855, 3),
    ("Hultsfred", 57.488, 15.844, 2),
    ("Emmaboda", 56.630, 15.537, 2),
    ("Mönsterås", 57.041, 16.444, 2),
    ("Borgholm", 56.879, 16.656, 2),
    ("Mörbylånga", 56.525, 16.385, 2),
    ("Torsås", 56.412, 16.000, 2),
    ("Högsby", 57.166, 16.027, 2),
]
DAY = dt.date(2026, 3, 2)  # a Monday
KM_LAT = 1 / 111.2
KM_LON = 1 / (111.2 * np.cos(np.radians(57.0)))


def hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class FeedBuilder:
    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.stops: list[tuple[float, float]] = []
        self.routes: list[tuple[str, str, int]] = []
        self.trips: list[tuple[str, str, str]] = []
        self.stop_times: list[tuple[str, str, str, str, int]] = []
        self.hubs = [self.stop(lat, lon) for _name, lat, lon, _lines in TOWNS]

    def stop(self, lat: float, lon: float) -> int:
        self.stops.append((round(lat, 6), round(lon, 6)))
        return len(self.stops) - 1

    def line_stops(
        self,
        start: tuple[float, float],
        end: tuple[float, float],
        spacing_km: float,
        first: int | None,
        last: int | None,
    ) -> list[int]:
        """Stops along a wiggly line from start to end, reusing the given end stops (hubs)."""
        dist_km = np.hypot((end[0] - start[0]) / KM_LAT, (end[1] - start[1]) / KM_LON)
        n = max(2, int(dist_km / spacing_km))
        out = []
        for k in range(n + 1):
            if k == 0 and first is not None:
                out.append(first)
                continue
            if k == n and last is not None:
                out.append(last)
                continue
            f = k / n
            wiggle = self.rng.normal(0, 0.25, 2)
            out.append(
                self.stop(
                    start[0] + f * (end[0] - start[0]) + wiggle[0] * KM_LAT,
                    start[1] + f * (end[1] - start[1]) + wiggle[1] * KM_LON,
                )
            )
        return out

    def line(
        self,
        name: str,
        route_type: int,
        stops: list[int],
        km_per_min: float,
        first: int,
        last: int,
        headway_min: int,
    ) -> None:
        route_id = f"R{len(self.routes)}"
        self.routes.append((route_id, name, route_type))
        coords = np.array([self.stops[s] for s in stops])
        hop_km = np.hypot(np.diff(coords[:, 0]) / KM_LAT, np.diff(coords[:, 1]) / KM_LON)
        hop_s = np.maximum(60, np.round(hop_km / km_per_min * 60 / 60) * 60).astype(int)
        for direction, seq in ((0, stops), (1, stops[::-1])):
            hops = hop_s if direction == 0 else hop_s[::-1]
            start = first + int(self.rng.integers(0, headway_min)) * 60
            while start <= last:
                trip_id = f"{route_id}-{direction}-{start}"
                self.trips.append((route_id, "WK", trip_id))
                clock = start
                for i, stop in enumerate(seq):
                    self.stop_times.append((trip_id, hms(clock), hms(clock), f"S{stop}", i + 1))
                    if i < len(hops):
                        clock += int(hops[i])
                start += headway_min * 60

    def build(self) -> bytes:
        rng = self.rng
        for t, (name, lat, lon, lines) in enumerate(TOWNS):
            for k in range(lines):
                angle = rng.uniform(0, 2 * np.pi)
                reach = rng.uniform(3, 6)
                a = (lat + np.sin(angle) * reach * KM_LAT, lon + np.cos(angle) * reach * KM_LON)
                b = (lat - np.sin(angle) * reach * KM_LAT, lon - np.cos(angle) * reach * KM_LON)
                half1 = self.line_stops(a, (lat, lon), 0.4, None, self.hubs[t])
                half2 = self.line_stops((lat, lon), b, 0.4, self.hubs[t], None)
                stops = half1 + half2[1:]
                self.line(
                    f"{name[:3]}{k + 1}",
                    3,
                    stops,
                    0.5,
                    6 * 3600,
                    22 * 3600,
                    int(rng.choice([20, 30, 30])),
                )
        pairs = [(i, j) for i in range(len(TOWNS)) for j in range(i + 1, len(TOWNS))]
        towns = np.array([[lat, lon] for _n, lat, lon, _l in TOWNS])
        for number, (i, j) in enumerate(pairs):
            dist = np.hypot(*(towns[i] - towns[j]) / [KM_LAT, KM_LON])
            if dist > 70 and number % 3:
                continue
            stops = self.line_stops(
                tuple(towns[i]), tuple(towns[j]), 1.5, self.hubs[i], self.hubs[j]
            )
            self.line(
                str(100 + number),
                700,
                stops,
                1.0,
                6 * 3600,
                22 * 3600,
                int(rng.choice([60, 90, 120])),
            )
        rural = 0
        while len(self.stops) < 10_000:
            t = int(rng.integers(0, len(TOWNS)))
            angle = rng.uniform(0, 2 * np.pi)
            reach = rng.uniform(15, 40)
            far = (
                towns[t][0] + np.sin(angle) * reach * KM_LAT,
                towns[t][1] + np.cos(angle) * reach * KM_LON,
            )
            stops = self.line_stops(tuple(towns[t]), far, 1.0, self.hubs[t], None)
            prebooked = rural % 12 == 11
            self.line(
                str(300 + rural),
                1501 if prebooked else 3,
                stops,
                0.8,
                6 * 3600,
                19 * 3600,
                int(rng.choice([240, 360, 480])),
            )
            rural += 1
        return self.zip()

    def zip(self) -> bytes:
        def table(header, rows):
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
            return text.getvalue()

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(
                "stops.txt",
                table(
                    ["stop_id", "stop_name", "stop_lat", "stop_lon"],
                    [
                        (f"S{i}", f"Hållplats {i}", lat, lon)
                        for i, (lat, lon) in enumerate(self.stops)
                    ],
                ),
            )
            z.writestr(
                "routes.txt", table(["route_id", "route_short_name", "route_type"], self.routes)
            )
            z.writestr("trips.txt", table(["route_id", "service_id", "trip_id"], self.trips))
            z.writestr(
                "stop_times.txt",
                table(
                    ["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"],
                    self.stop_times,
                ),
            )
            z.writestr(
                "calendar.txt",
                table(
                    list(COLUMNS["calendar.txt"]),
                    [("WK", 1, 1, 1, 1, 1, 0, 0, "20260101", "20261231")],
                ),
            )
        return buffer.getvalue()


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
    last, last_s = timed(last_trip_home, tt, sites, homes, 16 * 3600)
    print(
        f"last trip home {args.sites}×{args.homes}: {last_s:6.2f} s  "
        f"({last.found.mean():.0%} of pairs have one after 16:00)"
    )


if __name__ == "__main__":
    main()
