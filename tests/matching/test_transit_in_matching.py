"""The unit's timetable in its matches (issue 24): the stored matrix decides public-transport
reach, the guide reads the trip, moved homes fall back to the estimate, and changes queue a run."""

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from core.choices import Role
from core.models import OutboxMessage
from matching import features
from matching.participants.services.participants import participant_update
from matching.services.suggestions import rank_participants_for, rank_profiles_for
from matching.transit.feeds import transit_feed_store
from matching.transit.matrix import (
    matrix_path,
    participant_routing_changed,
    transit_matrix_store,
)
from matching.transit.refresh import schedule_transit_refresh
from tests.factories.core import UnitFactory, UserFactory
from tests.factories.matching import ParticipantFactory
from tests.matching.gtfs_builder import gtfs_zip
from tests.matching.test_transit_matrix import A, D, E, county_with_evening_returns, profile

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)
NOBUS = (56.65, 16.00)  # ~5.6 km from A: inside the estimate, and no line goes there


@pytest.fixture
def unit(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    features.forget()
    unit = UnitFactory()
    source = tmp_path / "feed.zip"
    source.write_bytes(gtfs_zip(county_with_evening_returns()))
    transit_feed_store(source=source, unit_id=unit.pk)
    yield unit
    features.forget()


def rider(unit, where=A, **kwargs):
    return ParticipantFactory(
        unit=unit,
        latitude=where[0],
        longitude=where[1],
        commute_means=["public_transport"],
        commute_max_minutes=70,
        **kwargs,
    )


def by_profile(matches):
    return {m["task_profile"]: m for m in matches}


def test_the_timetable_decides_and_the_guide_reads_the_trip(unit):
    person = rider(unit)
    to_d = profile(unit, D, start_time=dt.time(9, 0), end_time=dt.time(16, 30))
    to_e = profile(unit, E, start_time=dt.time(9, 0), end_time=dt.time(16, 30))
    nobus = profile(unit, NOBUS, start_time=dt.time(9, 0), end_time=dt.time(16, 30))
    late = profile(unit, D, start_time=dt.time(9, 0), end_time=dt.time(17, 30))
    # Before any run: the straight-line estimate, marked as one.
    with translation.override("sv"):
        first = by_profile(rank_profiles_for(person, include_excluded=True))
    assert not first[nobus.pk]["reasons"]
    assert "(uppskattad)" in first[nobus.pk]["transit"]["text"]
    assert first[nobus.pk]["transit"]["estimated"] is True

    assert transit_matrix_store(unit_id=unit.pk, day=MONDAY)["participants"] == 1
    with translation.override("sv"):
        timed = by_profile(rank_profiles_for(person, include_excluded=True))
    assert timed[to_d.pk]["reasons"] == []
    assert timed[to_d.pk]["transit"] == {
        "text": "60 min med buss 1 (1 byte), avgång 08:00, framme senast 09:00; sista hem 17:00",
        "estimated": False,
    }
    assert timed[to_e.pk]["transit"]["text"].startswith("60 min med buss 1 (1 byte)")
    # No line to the site, and no trip home after a day that ends 17:30: out of reach, in words.
    for excluded in (nobus, late):
        reasons = timed[excluded.pk]["reasons"]
        assert [r["code"] for r in reasons] == ["outside_commute_reach"]
        assert reasons[0]["text"] == (
            "Ingen resa med kollektivtrafik dit i tid och hem efter dagen (tidtabell)"
        )
    # The other direction agrees.
    ranked = {m["participant"]: m for m in rank_participants_for(to_d)}
    assert list(ranked) == [person.pk]
    assert rank_participants_for(nobus) == []


def test_a_moved_home_is_estimated_until_the_next_run(unit):
    person = rider(unit)
    nobus = profile(unit, NOBUS)
    transit_matrix_store(unit_id=unit.pk, day=MONDAY)
    assert rank_profiles_for(person) == []  # the timetable: no bus to the site
    person.latitude, person.longitude = 56.64, 16.0
    person.save()
    features.forget()
    with translation.override("sv"):
        (match,) = rank_profiles_for(person)
    assert match["task_profile"] == nobus.pk and match["transit"]["estimated"] is True


def test_a_participant_change_queues_one_run_for_the_unit(unit):
    guide = UserFactory(unit=unit, role=Role.GUIDE)
    person = rider(unit, guide=guide)
    unit.municipalities.add(person.municipality)
    OutboxMessage.objects.all().delete()
    participant_update(participant=person, by=guide, commute_max_minutes=45)
    participant_update(participant=person, by=guide, commute_max_minutes=50)
    runs = OutboxMessage.objects.filter(task="matching.tasks.refresh_transit_matrix")
    assert list(runs.values_list("args", flat=True)) == [[unit.pk]]


def test_no_feed_no_run_and_no_matrix(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "none"
    unit = UnitFactory()
    assert schedule_transit_refresh(unit_id=unit.pk) is False
    assert transit_matrix_store(unit_id=unit.pk) is None
    assert not matrix_path(unit.pk).exists()


@time_machine.travel(dt.datetime(2026, 3, 7, 12, tzinfo=dt.UTC), tick=False)
def test_the_nightly_run_routes_the_next_working_day(unit):
    rider(unit)
    profile(unit, D, start_time=dt.time(9, 0))
    counts = transit_matrix_store(unit_id=unit.pk)  # a Saturday: Monday's timetable
    assert counts == {"participants": 1, "profiles": 1, "pairs_with_trip": 1}


def test_a_moved_site_queues_a_run_for_the_units_matched_to_it(unit):
    from core.choices import Role
    from employers.services.sites import site_update

    coordinator = UserFactory(unit=unit, role=Role.COORDINATOR)
    job = profile(unit, D)
    job.site.unit = unit
    job.site.save()
    OutboxMessage.objects.all().delete()
    site_update(site=job.site, by=coordinator, name="Nytt namn")  # not moved: nothing to route
    assert not OutboxMessage.objects.filter(task="matching.tasks.refresh_transit_matrix").exists()
    site_update(site=job.site, by=coordinator, latitude=56.61, longitude=16.31)
    runs = OutboxMessage.objects.filter(task="matching.tasks.refresh_transit_matrix")
    assert list(runs.values_list("args", flat=True)) == [[unit.pk]]


def transit_runs():
    return list(
        OutboxMessage.objects.filter(task="matching.tasks.refresh_transit_matrix").values_list(
            "args", flat=True
        )
    )


def test_an_edit_that_does_not_move_anyone_in_the_matrix_queues_no_run(unit):
    """Issue 22: a guide's ordinary edit (hours, the limit in minutes) leaves the stored matrix as
    it is; a new home, or stopping the bus, calls for a run."""
    guide = UserFactory(unit=unit, role=Role.GUIDE)
    person = rider(unit, guide=guide)
    walker = ParticipantFactory(unit=unit, guide=guide, commute_means=["walk"])
    unit.municipalities.add(person.municipality)
    profile(unit, D)
    transit_matrix_store(unit_id=unit.pk, day=MONDAY)
    OutboxMessage.objects.all().delete()
    participant_update(participant=person, by=guide, hours_max=25, commute_max_minutes=45)
    participant_update(participant=walker, by=guide, hours_max=20)
    assert transit_runs() == []
    person.refresh_from_db()
    assert participant_routing_changed(person) is False
    person.latitude = 56.64  # a new home (the gazetteer places it from the address)
    assert participant_routing_changed(person) is True
    person.refresh_from_db()
    participant_update(participant=person, by=guide, commute_means=["bike"])
    assert transit_runs() == [[unit.pk]]
    OutboxMessage.objects.all().delete()
    participant_update(participant=walker, by=guide, commute_means=["public_transport"])
    assert transit_runs() == [[unit.pk]]


def test_a_profile_runs_again_only_when_its_site_or_working_day_changes(unit):
    from employers.services.profiles import task_profile_update

    coordinator = UserFactory(unit=unit, role=Role.COORDINATOR)
    rider(unit)
    job = profile(unit, D)
    transit_matrix_store(unit_id=unit.pk, day=MONDAY)
    OutboxMessage.objects.all().delete()
    task_profile_update(profile=job, by=coordinator, title="Lagerarbete, kväll")
    assert transit_runs() == []
    task_profile_update(profile=job, by=coordinator, start_time=dt.time(9, 0))
    assert transit_runs() == [[unit.pk]]


def assert_same_grid(grid, fresh):
    import dataclasses

    import numpy as np

    for f in dataclasses.fields(grid):
        assert np.array_equal(getattr(grid, f.name), getattr(fresh, f.name), equal_nan=True), f.name


def test_a_patched_participant_s_rows_of_the_timetable_grid_equal_a_fresh_grid(
    unit, settings, django_capture_on_commit_callbacks, monkeypatch, tmp_path
):
    """With patching on (the engine is patched in place after one participant's edit), only that
    participant's rows of the timetable grid are worked out again, and the grid equals one made
    afresh for the patched engine: a person who stops travelling by public transport and starts
    again, a shorter limit, a home moved off the matrix and back."""
    from django.core.cache import cache

    from matching import engine_version
    from matching.transit import matrix as transit_matrix

    settings.ENGINE_VERSION_RECHECK_SECONDS = 60
    settings.ENGINE_STORE_DIR = str(tmp_path / "engine")
    cache.clear()
    features.forget()
    engine_version.forget_pending()
    people = [rider(unit), rider(unit), rider(unit, where=D)]
    for where in (D, E, NOBUS):
        profile(unit, where, start_time=dt.time(9, 0), end_time=dt.time(16, 30))
    transit_matrix_store(unit_id=unit.pk, day=MONDAY)
    features.unit_engine(unit.pk)
    fresh_grids = []
    made = transit_matrix.transit_grid_for
    monkeypatch.setattr(
        transit_matrix,
        "transit_grid_for",
        lambda *args: fresh_grids.append(args) or made(*args),
    )
    person = people[1]
    edits = [
        {"commute_means": ["car"]},
        {"commute_means": ["public_transport"]},
        {"commute_max_minutes": 40},
        {"latitude": 56.64, "longitude": 16.0},
        {"latitude": A[0], "longitude": A[1]},
    ]
    for edit in edits:
        for field, value in edit.items():
            setattr(person, field, value)
        with django_capture_on_commit_callbacks(execute=True):
            person.save()
        ue = features.unit_engine(unit.pk)
        assert ue.patched_rows > 0  # patched, not rebuilt
        assert fresh_grids == []  # the grid followed the one participant's rows
        assert_same_grid(ue.engine.transit, made(unit.pk, ue.engine))
    features.forget()
    engine_version.forget_pending()
