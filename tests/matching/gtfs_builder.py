"""Write small GTFS zips for tests (issue 24)."""

from __future__ import annotations

import csv
import io
import zipfile


def gtfs_zip(tables: dict[str, list[dict]]) -> bytes:
    """{'stops.txt': [{'stop_id': ..., ...}, ...], ...} → the bytes of a GTFS zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, rows in tables.items():
            text = io.StringIO()
            columns: list[str] = []
            for row in rows:
                columns += [c for c in row if c not in columns]
            writer = csv.DictWriter(text, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            archive.writestr(name, text.getvalue())
    return buffer.getvalue()


def hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def small_county() -> dict[str, list[dict]]:
    """Lines 1 (A→B→C), 2 (C→D), 3 (C2→E, C2 a short walk from C), a weekday night bus N (A→B→D,
    past midnight), a communal taxi T (A→X, every day), and three faulty rows for the report.

    Weekday service runs Mon–Fri 2026-01-01..2026-12-31 except Wednesday 2026-03-04."""
    stops = [
        ("A", 56.60, 16.00),
        ("B", 56.60, 16.10),
        ("C", 56.60, 16.20),
        ("C2", 56.6005, 16.20),
        ("D", 56.60, 16.30),
        ("E", 56.70, 16.20),
        ("X", 56.80, 16.00),
    ]
    trips = [  # trip, route, service, [(stop, arrival, departure)]
        (
            "1a",
            "R1",
            "WK",
            [
                ("A", "08:00:00", "08:00:00"),
                ("B", "08:10:00", "08:10:00"),
                ("C", "08:20:00", "08:20:00"),
            ],
        ),
        ("2a", "R2", "WK", [("C", "08:21:00", "08:21:00"), ("D", "08:40:00", "08:40:00")]),
        ("2b", "R2", "WK", [("C", "08:25:00", "08:25:00"), ("D", "08:45:00", "08:45:00")]),
        ("2c", "R2", "WK", [("C", "08:35:00", "08:35:00"), ("D", "08:55:00", "08:55:00")]),
        ("3a", "R3", "WK", [("C2", "08:24:00", "08:24:00"), ("E", "08:40:00", "08:40:00")]),
        (
            "Na",
            "RN",
            "WK",
            [
                ("A", "23:50:00", "23:50:00"),
                ("B", "24:05:00", "24:05:00"),
                ("D", "24:20:00", "24:20:00"),
            ],
        ),
        ("Ta", "RT", "ALL", [("A", "08:05:00", "08:05:00"), ("X", "08:30:00", "08:30:00")]),
        # Faulty: times go backwards; a service nobody defined; a stop that does not exist.
        ("bad", "R1", "WK", [("A", "09:00:00", "09:00:00"), ("B", "08:50:00", "08:50:00")]),
        ("ghost", "R1", "NOPE", [("A", "10:00:00", "10:00:00"), ("B", "10:10:00", "10:10:00")]),
        ("lost", "R1", "WK", [("A", "11:00:00", "11:00:00"), ("ZZ", "11:10:00", "11:10:00")]),
    ]
    return {
        "stops.txt": [
            {"stop_id": s, "stop_name": f"Stop {s}", "stop_lat": lat, "stop_lon": lon}
            for s, lat, lon in stops
        ],
        "routes.txt": [
            {"route_id": "R1", "route_short_name": "1", "route_long_name": "", "route_type": 3},
            {"route_id": "R2", "route_short_name": "2", "route_long_name": "", "route_type": 3},
            {
                "route_id": "R3",
                "route_short_name": "",
                "route_long_name": "Kustpilen",
                "route_type": 700,
            },
            {"route_id": "RN", "route_short_name": "N", "route_long_name": "", "route_type": 3},
            {"route_id": "RT", "route_short_name": "T", "route_long_name": "", "route_type": 1501},
        ],
        "trips.txt": [
            {"route_id": route, "service_id": service, "trip_id": trip}
            for trip, route, service, _ in trips
        ],
        "stop_times.txt": [
            {
                "trip_id": trip,
                "arrival_time": arr,
                "departure_time": dep,
                "stop_id": stop,
                "stop_sequence": seq,
            }
            for trip, _, _, times in trips
            for seq, (stop, arr, dep) in enumerate(times, start=1)
        ],
        "calendar.txt": [
            {
                "service_id": "WK",
                "monday": 1,
                "tuesday": 1,
                "wednesday": 1,
                "thursday": 1,
                "friday": 1,
                "saturday": 0,
                "sunday": 0,
                "start_date": "20260101",
                "end_date": "20261231",
            },
            {
                "service_id": "ALL",
                "monday": 1,
                "tuesday": 1,
                "wednesday": 1,
                "thursday": 1,
                "friday": 1,
                "saturday": 1,
                "sunday": 1,
                "start_date": "20260101",
                "end_date": "20261231",
            },
        ],
        "calendar_dates.txt": [{"service_id": "WK", "date": "20260304", "exception_type": 2}],
        "transfers.txt": [
            {"from_stop_id": "C", "to_stop_id": "C", "transfer_type": 2, "min_transfer_time": 600}
        ],
    }
