"""A generated, county-sized GTFS feed imitating Kalmar county (≈ 11 200 km², 12 towns): town
lines every 15–30 minutes, regional lines between towns every hour or two, and rural lines with a
few trips a day, some of them communal taxis (pre-booked). Used by the transit benchmark (≈ 10 000
stops, ≈ 5 000 weekday trips) and, smaller and with feeder lines to the demo's own homes and sites,
by the demo (``seed_demo``), so the pages show real trip explanations. Deterministic per seed.
Weekday service only, 2026-01-01 to 2027-12-31."""

from __future__ import annotations

import csv
import io
import zipfile

import numpy as np

from matching.transit.gtfs import COLUMNS

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
KM_LAT = 1 / 111.2
KM_LON = 1 / (111.2 * np.cos(np.radians(57.0)))


def hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class FeedBuilder:
    def __init__(self, seed: int, *, max_stops: int = 10_000, anchors=(), feeder_km: float = 15.0):
        """``anchors``: (lat, lon) points to serve with a feeder line to the nearest town, hourly
        (only those within ``feeder_km`` of a town: farther ones stay without a bus)."""
        self.rng = np.random.default_rng(seed)
        self.max_stops = max_stops
        self.anchors = [tuple(a) for a in anchors]
        self.feeder_km = feeder_km
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
        for number, anchor in enumerate(self.anchors):
            km = np.hypot((towns[:, 0] - anchor[0]) / KM_LAT, (towns[:, 1] - anchor[1]) / KM_LON)
            t = int(np.argmin(km))
            if km[t] > self.feeder_km or km[t] < 0.8:
                continue
            stops = self.line_stops(anchor, tuple(towns[t]), 1.0, None, self.hubs[t])
            self.line(str(500 + number), 3, stops, 0.7, 6 * 3600, 20 * 3600, 60)
        rural = 0
        while len(self.stops) < self.max_stops:
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
                    [("WK", 1, 1, 1, 1, 1, 0, 0, "20260101", "20271231")],
                ),
            )
        return buffer.getvalue()
