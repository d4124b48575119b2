"""Public transport from a GTFS feed (issue 24): reader, timetable and router."""

from __future__ import annotations

import datetime as dt
import heapq
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.engine.transit import TransitSettings, compile_timetable
from matching.engine.transit_routing import (
    INF,
    earliest_arrivals,
    last_trip_home,
    latest_departures,
)
from matching.transit.gtfs import GtfsError, parse_times, read_gtfs
from tests.matching.gtfs_builder import gtfs_zip, hms, small_county

MONDAY = dt.date(2026, 3, 2)
WEDNESDAY_REMOVED = dt.date(2026, 3, 4)
FRIDAY = dt.date(2026, 3, 6)
SATURDAY = dt.date(2026, 3, 7)
SUNDAY = dt.date(2026, 3, 8)


def t(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 3600 + int(m) * 60


@pytest.fixture(scope="module")
def feed():
    return read_gtfs(gtfs_zip(small_county()))


def at(feed, *stops):
    index = {s: i for i, s in enumerate(feed.stop_ids)}
    return np.array([[feed.stop_lat[index[s]], feed.stop_lon[index[s]]] for s in stops])


def route(feed, day, origin, destination, depart, **kwargs):
    tt = compile_timetable(feed, day, TransitSettings(**kwargs))
    return earliest_arrivals(tt, at(feed, origin), at(feed, destination), t(depart)).journey(0, 0)


def test_times_past_midnight_and_malformed_ones_are_parsed():
    import pyarrow as pa

    got = parse_times(pa.array(["08:00:00", "7:05:30", "24:20:00", "25:00:01", "", None, "8h"]))
    assert got.tolist() == [28800, 25530, 87600, 90001, -1, -1, -1]


def test_the_report_counts_the_feed_and_lists_its_problems(feed):
    report = feed.report()
    assert report["stops"] == 7
    assert report["routes"] == 5
    assert report["prebooked_routes"] == 1
    assert report["trips"] == 10
    assert report["first_service_date"] == "2026-01-01"
    assert report["last_service_date"] == "2026-12-31"
    problems = "\n".join(report["problems"])
    assert "1 trips whose service_id has no calendar" in problems
    assert "unknown stop_id (e.g. ['ZZ'])" in problems
    assert "times are not increasing (left out, e.g. ['bad'])" in problems


def test_a_feed_without_stop_times_is_refused():
    tables = small_county()
    del tables["stop_times.txt"]
    with pytest.raises(GtfsError, match="stop_times.txt is missing"):
        read_gtfs(gtfs_zip(tables))
    with pytest.raises(GtfsError, match="Not a zip"):
        read_gtfs(b"not a zip")


def test_a_change_takes_the_stops_minimum_transfer_time(feed):
    # Line 1 reaches C at 08:20. C's minimum change is 10 minutes (transfers.txt), so line 2 at
    # 08:21 and 08:25 are missed and the 08:35 one arrives at D at 08:55.
    journey = route(feed, MONDAY, "A", "D", "07:55")
    assert (journey.arrival, journey.minutes) == (t("08:55"), 60)
    assert (journey.first_line, journey.last_line, journey.transfers) == ("1", "2", 1)


def test_without_the_stops_own_minimum_the_default_change_catches_an_earlier_bus():
    tables = small_county()
    del tables["transfers.txt"]
    journey = route(read_gtfs(gtfs_zip(tables)), MONDAY, "A", "D", "07:55")
    assert journey.arrival == t("08:45")  # 08:20 + 2 min default: 08:21 missed, 08:25 taken


def test_a_footpath_to_a_nearby_stop_connects_two_lines(feed):
    journey = route(feed, MONDAY, "A", "E", "07:55")
    assert journey.arrival == t("08:40")
    assert (journey.first_line, journey.last_line, journey.transfers) == ("1", "Kustpilen", 1)


def test_a_weekday_service_does_not_run_on_saturday(feed):
    assert route(feed, SATURDAY, "A", "D", "07:55") is None


def test_calendar_dates_remove_a_day(feed):
    assert route(feed, WEDNESDAY_REMOVED, "A", "D", "07:55") is None
    assert route(feed, dt.date(2026, 3, 3), "A", "D", "07:55").arrival == t("08:55")


def test_times_past_midnight_belong_to_the_service_day(feed):
    friday_night = route(feed, FRIDAY, "A", "D", "23:45")
    assert friday_night.arrival == 24 * 3600 + 20 * 60
    assert friday_night.arrival_clock == "00:20"
    # Early Saturday the Friday night bus is still on its way: it is found from Saturday's date.
    assert route(feed, SATURDAY, "B", "D", "00:00").arrival == 20 * 60
    # Saturday has no weekday service, so the night into Sunday has no bus.
    assert route(feed, SUNDAY, "B", "D", "00:00") is None


def test_a_prebooked_service_is_left_out_unless_allowed(feed):
    assert route(feed, MONDAY, "A", "X", "08:00") is None
    allowed = route(feed, MONDAY, "A", "X", "08:00", allow_prebooked=True)
    assert (allowed.arrival, allowed.first_line) == (t("08:30"), "T")


def test_a_journey_longer_than_the_horizon_is_none(feed):
    assert route(feed, MONDAY, "A", "D", "07:55", horizon_min=59) is None
    assert route(feed, MONDAY, "A", "D", "07:55", horizon_min=60).arrival == t("08:55")


def test_walking_all_the_way_within_the_limit(feed):
    journey = route(feed, MONDAY, "C", "C2", "12:00")
    # 55.6 m great-circle × 1.3 at 5 km/h → 53 s.
    assert journey.arrival - t("12:00") == 53
    assert (journey.first_line, journey.transfers) == (None, 0)


def test_the_last_trip_home_is_the_latest_departure_after_work(feed):
    tt = compile_timetable(feed, MONDAY)
    last = last_trip_home(tt, at(feed, "A"), at(feed, "D", "E"), t("17:00"))
    assert last.departure[0, 0] == t("23:50")  # the night bus
    assert last.journey(0, 0).first_line == "N"
    assert last.arrival[0, 1] == INF  # no bus A → E after 17:00
    latest = latest_departures(tt, at(feed, "A"), at(feed, "D"), t("09:00"))
    assert latest.departure[0, 0] == t("08:00")


def test_many_origins_in_one_scan_match_one_at_a_time(feed):
    tt = compile_timetable(feed, MONDAY)
    stops = ["A", "B", "C", "C2", "D", "E"]
    together = earliest_arrivals(tt, at(feed, *stops), at(feed, *stops), t("07:55"), chunk=4)
    for i, origin in enumerate(stops):
        alone = earliest_arrivals(tt, at(feed, origin), at(feed, *stops), t("07:55"))
        assert together.arrival[i].tolist() == alone.arrival[0].tolist()


# --- The router against a plain search over trips, on random feeds --------------------------------

WALK = TransitSettings(max_walk_m=400, transfer_walk_m=300, default_transfer_s=300, horizon_min=150)


def ref_walk(p, q):
    """Great-circle (haversine, written out again here) × detour → (metres, seconds)."""
    r = 6371.0088
    p1, p2 = math.radians(p[0]), math.radians(q[0])
    dl = math.radians(q[1] - p[1])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    metres = 2 * r * math.asin(min(1.0, math.sqrt(h))) * 1000 * WALK.detour
    return metres, math.ceil(metres / (WALK.walk_kmh / 3.6))


def reference(spec, day, depart, origins, destinations):
    """Dijkstra over 'ready to board at stop s at time r', boarding whole trips."""
    stops, trips, transfers = spec["stops"], spec["trips"], spec["transfers"]
    runs = []  # (times shifted to the day, route)
    for offset, service_day in ((0, day), (-86400, day - dt.timedelta(days=1))):
        for trip in trips:
            daily = trip["service"] == "D"
            weekday = trip["service"] == "W" and service_day.weekday() < 5
            if (daily or weekday) and service_day not in trip["removed"] and not trip["prebooked"]:
                runs.append([(s, a + offset, d + offset) for s, a, d in trip["times"]])
    change = dict.fromkeys(range(len(stops)), WALK.default_transfer_s)
    paths = {}
    for a in range(len(stops)):
        for b in range(len(stops)):
            metres, secs = ref_walk(stops[a], stops[b])
            if a != b and metres <= WALK.transfer_walk_m:
                paths[(a, b)] = max(secs, WALK.default_transfer_s)
    for (a, b), (kind, minimum) in transfers.items():
        if a == b and kind == 2:
            change[a] = minimum
        elif a != b and kind == 3:
            paths.pop((a, b), None)
        elif a != b and kind == 2:
            paths[(a, b)] = max(ref_walk(stops[a], stops[b])[1], minimum)
    out = []
    for origin in origins:
        best = [INF] * len(destinations)
        for j, dest in enumerate(destinations):
            metres, secs = ref_walk(origin, dest)
            if metres <= WALK.max_walk_m:
                best[j] = depart + secs
        ready = {}
        queue = []
        for s, p in enumerate(stops):
            metres, secs = ref_walk(origin, p)
            if metres <= WALK.max_walk_m:
                heapq.heappush(queue, (depart + secs, s))
        while queue:
            r, s = heapq.heappop(queue)
            if s in ready:
                continue
            ready[s] = r
            for run in runs:
                for i, (stop, _a, dep) in enumerate(run):
                    if stop != s or dep < r:
                        continue
                    for stop_j, arr_j, _d in run[i + 1 :]:
                        for j, dest in enumerate(destinations):
                            metres, secs = ref_walk(stops[stop_j], dest)
                            if metres <= WALK.max_walk_m:
                                best[j] = min(best[j], arr_j + secs)
                        heapq.heappush(queue, (arr_j + change[stop_j], stop_j))
                        for (a, b), dur in paths.items():
                            if a == stop_j:
                                heapq.heappush(queue, (arr_j + dur, b))
        out.append([b if b <= depart + WALK.horizon_min * 60 else INF for b in best])
    return out


@st.composite
def random_feeds(draw):
    n_stops = draw(st.integers(2, 5))
    cells = draw(
        st.lists(
            st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=n_stops, max_size=n_stops
        )
    )
    stops = [(56.6 + y * 0.0035, 16.3 + x * 0.006) for y, x in cells]
    trips = []
    for _ in range(draw(st.integers(1, 10))):
        length = draw(st.integers(2, 5))
        path = draw(st.lists(st.integers(0, n_stops - 1), min_size=length, max_size=length))
        clock_s = draw(st.sampled_from([7 * 3600, 23 * 3600])) + 60 * draw(st.integers(0, 40))
        times = []
        for stop in path:
            arrive = clock_s
            clock_s += 60 * draw(st.integers(0, 2))  # dwell
            times.append((stop, arrive, clock_s))
            clock_s += 60 * draw(st.integers(1, 8))  # ride to the next stop
        trips.append(
            {
                "times": times,
                "route": draw(st.integers(0, 2)),
                "service": draw(st.sampled_from(["W", "D"])),
                "removed": set(draw(st.sets(st.sampled_from([MONDAY, SATURDAY]), max_size=1))),
                "prebooked": False,
            }
        )
    transfers = {}
    for _ in range(draw(st.integers(0, 4))):
        a, b = draw(st.integers(0, n_stops - 1)), draw(st.integers(0, n_stops - 1))
        transfers[(a, b)] = (draw(st.sampled_from([2, 3])), 60 * draw(st.integers(0, 10)))
    for stop in draw(st.sets(st.integers(0, n_stops - 1), max_size=2)):  # a stop's own minimum
        transfers[(stop, stop)] = (2, 60 * draw(st.integers(0, 10)))
    prebooked_route = draw(st.sampled_from([None, 0, 1, 2]))
    for trip in trips:
        trip["prebooked"] = trip["route"] == prebooked_route
    return {
        "stops": stops,
        "trips": trips,
        "transfers": transfers,
        "prebooked_route": prebooked_route,
    }


def spec_to_gtfs(spec) -> bytes:
    service_ids = {}
    calendar, calendar_dates = [], []
    for number, trip in enumerate(spec["trips"]):
        key = (trip["service"], tuple(sorted(trip["removed"])))
        if key not in service_ids:
            sid = f"S{len(service_ids)}"
            service_ids[key] = sid
            weekend = 1 if trip["service"] == "D" else 0
            calendar.append(
                {
                    "service_id": sid,
                    "monday": 1,
                    "tuesday": 1,
                    "wednesday": 1,
                    "thursday": 1,
                    "friday": 1,
                    "saturday": weekend,
                    "sunday": weekend,
                    "start_date": "20260101",
                    "end_date": "20261231",
                }
            )
            calendar_dates += [
                {"service_id": sid, "date": d.strftime("%Y%m%d"), "exception_type": 2}
                for d in trip["removed"]
            ]
        trip["service_id"] = service_ids[key]
        trip["id"] = f"T{number}"
    kinds = {0: 3, 1: 700, 2: 3}
    return gtfs_zip(
        {
            "stops.txt": [
                {"stop_id": f"s{i}", "stop_lat": lat, "stop_lon": lon}
                for i, (lat, lon) in enumerate(spec["stops"])
            ],
            "routes.txt": [
                {
                    "route_id": f"r{r}",
                    "route_short_name": str(r),
                    "route_type": 715 if r == spec["prebooked_route"] else kinds[r],
                }
                for r in range(3)
            ],
            "trips.txt": [
                {
                    "route_id": f"r{trip['route']}",
                    "service_id": trip["service_id"],
                    "trip_id": trip["id"],
                }
                for trip in spec["trips"]
            ],
            "stop_times.txt": [
                {
                    "trip_id": trip["id"],
                    "arrival_time": hms(a),
                    "departure_time": hms(d),
                    "stop_id": f"s{s}",
                    "stop_sequence": seq * 10,
                }
                for trip in spec["trips"]
                for seq, (s, a, d) in enumerate(trip["times"])
            ],
            "calendar.txt": calendar,
            "calendar_dates.txt": calendar_dates,
            "transfers.txt": [
                {
                    "from_stop_id": f"s{a}",
                    "to_stop_id": f"s{b}",
                    "transfer_type": kind,
                    "min_transfer_time": minimum,
                }
                for (a, b), (kind, minimum) in spec["transfers"].items()
            ],
        }
    )


@settings(max_examples=300, deadline=None)
@given(
    spec=random_feeds(),
    day=st.sampled_from([MONDAY, MONDAY, SATURDAY, SUNDAY]),
    depart_min=st.sampled_from([0, 10, 7 * 60, 7 * 60 + 5, 7 * 60 + 10, 7 * 60 + 20, 23 * 60 + 20]),
    extra=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=3),
)
def test_the_router_agrees_with_a_plain_search_over_trips(spec, day, depart_min, extra):
    feed = read_gtfs(spec_to_gtfs(spec))
    assert not [p for p in feed.problems if "not increasing" in p]
    tt = compile_timetable(feed, day, WALK)
    points = list(spec["stops"]) + [(56.6 + y * 0.00175, 16.3 + x * 0.003) for y, x in extra]
    got = earliest_arrivals(tt, np.array(points), np.array(points), depart_min * 60, chunk=3)
    expected = reference(spec, day, depart_min * 60, points, points)
    assert got.arrival.tolist() == expected
    one_by_one = earliest_arrivals(tt, np.array(points), np.array(points), depart_min * 60, chunk=1)
    assert one_by_one.arrival.tolist() == expected
    assert one_by_one.transfers.tolist() == got.transfers.tolist()


@settings(max_examples=100, deadline=None)
@given(
    spec=random_feeds(),
    day=st.sampled_from([MONDAY, SATURDAY]),
    arrive_min=st.sampled_from([7 * 60 + 30, 8 * 60 + 30, 9 * 60, 23 * 60 + 59, 24 * 60 + 30]),
)
def test_the_latest_departure_is_the_last_one_that_still_arrives_in_time(spec, day, arrive_min):
    """The backwards scan agrees with the forward one: leaving at the latest departure arrives
    in time, leaving a second later does not (or the horizon is reached)."""
    tt = compile_timetable(read_gtfs(spec_to_gtfs(spec)), day, WALK)
    points = np.array(spec["stops"])
    deadline = arrive_min * 60
    latest = latest_departures(tt, points, points, deadline)
    earliest_allowed = deadline - WALK.horizon_min * 60
    for i in range(len(points)):
        for j in range(len(points)):
            leave = int(latest.departure[i, j])
            if leave < INF:
                assert leave >= earliest_allowed
                on_time = earliest_arrivals(tt, points[i : i + 1], points[j : j + 1], leave)
                assert on_time.arrival[0, 0] <= deadline
                later = leave + 1
            else:
                later = earliest_allowed
            too_late = earliest_arrivals(tt, points[i : i + 1], points[j : j + 1], later)
            assert too_late.arrival[0, 0] > deadline


def test_the_engine_modules_import_no_django():
    import subprocess
    import sys

    code = (
        "import sys, matching.engine.transit_routing; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'django', 'pandas'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
