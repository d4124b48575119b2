"""The unit's public-transport matrix from its stored feed (issue 24)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from employers.choices import ProfileStatus
from matching.transit.feeds import transit_feed_store
from matching.transit.matrix import next_working_day, transit_matrix_for_unit
from tests.factories.core import UnitFactory
from tests.factories.employers import SiteFactory, TaskProfileFactory
from tests.factories.matching import ParticipantFactory
from tests.matching.gtfs_builder import gtfs_zip, small_county

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)
A = (56.60, 16.00)
D = (56.60, 16.30)
E = (56.70, 16.20)


def county_with_evening_returns():
    """The small county, plus line 9 home to A in the afternoon: from D at 15:30 and 17:00, from
    E at 17:05."""
    feed = small_county()
    feed["routes.txt"].append(
        {"route_id": "R9", "route_short_name": "9", "route_long_name": "", "route_type": 3}
    )
    returns = [("9a", "D", "15:30:00", "15:50:00"), ("9b", "D", "17:00:00", "17:20:00")]
    returns.append(("9c", "E", "17:05:00", "17:30:00"))
    for trip, origin, leave, home in returns:
        feed["trips.txt"].append({"route_id": "R9", "service_id": "WK", "trip_id": trip})
        feed["stop_times.txt"] += [
            {
                "trip_id": trip,
                "arrival_time": leave,
                "departure_time": leave,
                "stop_id": origin,
                "stop_sequence": 1,
            },
            {
                "trip_id": trip,
                "arrival_time": home,
                "departure_time": home,
                "stop_id": "A",
                "stop_sequence": 2,
            },
        ]
    return feed


@pytest.fixture
def unit(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    unit = UnitFactory()
    source = tmp_path / "feed.zip"
    source.write_bytes(gtfs_zip(county_with_evening_returns()))
    transit_feed_store(source=source, unit_id=unit.pk)
    return unit


def person(unit, where, means=("public_transport",), **kwargs):
    return ParticipantFactory(
        unit=unit, latitude=where[0], longitude=where[1], commute_means=list(means), **kwargs
    )


def profile(unit, where, **kwargs):
    site = SiteFactory(employer__unit=unit, latitude=where[0], longitude=where[1])
    return TaskProfileFactory(unit=unit, site=site, employer=site.employer, **kwargs)


def test_it_routes_bus_riders_to_open_profiles_arriving_by_the_start(unit):
    rider = person(unit, A)
    person(unit, A, means=("car",))  # drives: not routed
    person(unit, A, active=False)  # not active: not routed
    to_d, to_e = profile(unit, D), profile(unit, E)
    profile(unit, D, status=ProfileStatus.CLOSED)  # closed: not a column
    matrix = transit_matrix_for_unit(unit_id=unit.pk, day=MONDAY, arrive_by=dt.time(9, 0))
    assert matrix.participant_ids == [rider.pk]
    assert matrix.profile_ids == [to_d.pk, to_e.pk]
    assert matrix.service_date == MONDAY
    # A → D: leave with line 1 at 08:00 (the only one), change at C for 10 minutes, arrive 08:55.
    assert matrix.leave_at[0].tolist() == [8 * 3600, 8 * 3600]
    assert matrix.minutes[0].tolist() == [60.0, 60.0]
    journey = matrix.journey(rider.pk, to_d.pk)
    assert (journey.first_line, journey.transfers) == ("1", 1)


def test_too_early_a_start_has_no_journey(unit):
    person(unit, A)
    profile(unit, D)
    matrix = transit_matrix_for_unit(unit_id=unit.pk, day=MONDAY, arrive_by=dt.time(8, 50))
    assert np.isnan(matrix.minutes[0, 0])


def test_a_weekend_day_routes_the_following_monday(unit):
    assert next_working_day(dt.date(2026, 2, 28)) == MONDAY
    assert next_working_day(MONDAY) == MONDAY
    person(unit, A)
    profile(unit, D)
    matrix = transit_matrix_for_unit(
        unit_id=unit.pk, day=dt.date(2026, 2, 28), arrive_by=dt.time(9, 0)
    )
    assert (matrix.service_date, matrix.minutes[0, 0]) == (MONDAY, 60.0)


def test_a_unit_without_a_feed_has_no_matrix(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "empty"
    assert transit_matrix_for_unit(unit_id=UnitFactory().pk, day=MONDAY) is None


def test_a_stored_trip_is_found_by_its_pair_and_unknown_pairs_have_none():
    from matching.transit.matrix import StoredMatrix

    minutes = np.array([[12.0, np.inf], [30.0, 45.0]])
    matrix = StoredMatrix(
        participant_ids=np.array([7, 3]),
        homes=np.zeros((2, 2)),
        profile_ids=np.array([20, 10]),
        sites=np.zeros((2, 2)),
        minutes=minutes,
        distance_km=np.zeros((2, 2)),
        leave_at=np.array([[7 * 3600, 0], [6 * 3600, 6 * 3600 + 1800]]),
        home_at=np.array([[17 * 3600, 0], [16 * 3600, 18 * 3600]]),
        first_line=np.array([["3", ""], ["9", ""]]),
        first_type=np.array([[3, 3], [2, 3]]),
        transfers=np.array([[0, 0], [1, 2]]),
        service_date=MONDAY,
    )
    assert matrix.trip(7, 20) == {
        "found": True,
        "minutes": 12,
        "line": "3",
        "route_type": 3,
        "transfers": 0,
        "leave": "07:00",
        "arrive_by": "07:12",
        "last_home": "17:00",
    }
    assert matrix.trip(np.int64(3), 10)["minutes"] == 45
    assert matrix.trip(3, 10)["line"] is None
    assert matrix.trip(3, 20)["arrive_by"] == "06:30"
    assert matrix.trip(7, 10) == {"found": False}
    assert matrix.trip(8, 20) is None
    assert matrix.trip(7, 99) is None
