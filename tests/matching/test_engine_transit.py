"""Timetable travel times in the engine (issue 24): a hard limit in minutes, a soft score, the
estimate where no timetable covers a pair — and the vectorised scorer equal to the reference."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.engine import Engine, ParticipantRecord, ProfileRecord, Weights, score_pair
from matching.engine.transit_times import build_transit_grid

KALMAR = (56.6634, 16.3568)
# ~15 km north along the coast, and ~15 km inland: the same distance, a bus to one of them only.
COAST = (56.7984, 16.3568)
INLAND = (56.6634, 16.1118)


def person(**kw):
    base = {
        "id": 1,
        "lat": KALMAR[0],
        "lon": KALMAR[1],
        "hours_min": 10,
        "hours_max": 30,
        "means": ("public_transport",),
    }
    return ParticipantRecord(**{**base, **kw})


def job(rid, where, **kw):
    base = {"id": rid, "employer_id": 7, "lat": where[0], "lon": where[1], "hours_min": 10}
    return ProfileRecord(**{"hours_max": 20, **base, **kw})


def with_matrix(engine, minutes: dict):
    """``engine`` with a timetable matrix: {(participant, profile): minutes (inf: no trip)}."""
    pids = sorted({p for p, _ in minutes})
    rids = sorted({r for _, r in minutes})
    grid = np.full((len(pids), len(rids)), np.inf)
    for (p, r), value in minutes.items():
        grid[pids.index(p), rids.index(r)] = value
    transit = build_transit_grid(
        engine.tables, participant_ids=np.array(pids), profile_ids=np.array(rids), minutes=grid
    )
    return engine.with_transit(transit)


def ranked(engine, pid=1):
    return {m.profile_id: m for m in engine.rank_profiles(pid, include_excluded=True, limit=100)}


def test_same_distance_the_bus_decides():
    engine = Engine([person()], [job(10, COAST), job(11, INLAND)])
    # Estimated, both ~20 km look the same: both inside the 60-minute default.
    estimated = ranked(engine)
    assert not estimated[10].reasons and not estimated[11].reasons
    assert estimated[10].components["geography"] == pytest.approx(
        estimated[11].components["geography"], abs=0.02
    )
    timed = ranked(with_matrix(engine, {(1, 10): 28.0, (1, 11): np.inf}))
    assert timed[10].reasons == []
    assert timed[11].reasons == ["outside_commute_reach"]
    assert timed[10].components["geography"] == pytest.approx(1 - 28 / 60)


def test_the_hard_limit_is_the_persons_own_minutes_capped():
    engine = Engine([person(own_minutes=40)], [job(10, COAST)])
    assert ranked(with_matrix(engine, {(1, 10): 41.0}))[10].reasons == ["outside_commute_reach"]
    assert ranked(with_matrix(engine, {(1, 10): 40.0}))[10].reasons == []
    capped = Engine([person(own_minutes=200)], [job(10, COAST)])
    assert ranked(with_matrix(capped, {(1, 10): 91.0}))[10].reasons == ["outside_commute_reach"]


def test_a_site_far_beyond_the_estimate_is_found_when_the_train_gets_there():
    far = (57.2, 16.3568)  # ~60 km: beyond the estimated 60-minute reach by public transport
    engine = Engine([person()], [job(10, far)])
    assert engine.rank_profiles(1) == []
    fast = with_matrix(engine, {(1, 10): 50.0})
    assert [m.profile_id for m in fast.rank_profiles(1)] == [10]
    assert [m.participant_id for m in fast.rank_participants(10)] == [1]
    assert dict(fast.batch_top_k(k=5))[1][0][0] == 10


def test_other_ways_of_travelling_keep_their_estimate():
    near = (KALMAR[0] + 0.02, KALMAR[1])  # ~2 km: a bike ride
    engine = Engine([person(means=("bike", "public_transport"))], [job(10, near)])
    result = ranked(with_matrix(engine, {(1, 10): np.inf}))
    assert result[10].reasons == []


def test_uncovered_pairs_and_people_without_public_transport_keep_the_estimate():
    engine = Engine(
        [person(), person(id=2, means=("car",), has_licence=True, has_car=True)],
        [job(10, COAST), job(11, INLAND)],
    )
    timed = with_matrix(engine, {(1, 10): np.inf, (2, 10): np.inf})
    assert ranked(timed)[11].reasons == []  # profile 11 is not in the matrix: estimated
    assert ranked(timed, 2)[10].reasons == []  # a car driver is never routed by bus
    explanation = timed.explain(1, 11)
    assert explanation.timetable_minutes is None and explanation.travel_minutes


def test_the_explanation_names_the_timetable_trip_and_the_limit():
    engine = with_matrix(Engine([person()], [job(10, COAST)]), {(1, 10): 75.0})
    explanation = engine.explain(1, 10)
    assert explanation.timetable_minutes == 75.0 and explanation.timetable_limit == 60.0
    assert explanation.reasons[0].params == {
        "distance_km": pytest.approx(15.0, abs=0.2),
        "basis": "timetable",
        "minutes": 75.0,
        "limit_minutes": 60.0,
    }
    none = with_matrix(Engine([person()], [job(10, COAST)]), {(1, 10): np.inf})
    assert none.explain(1, 10).reasons[0].params["minutes"] is None


people = st.builds(
    ParticipantRecord,
    id=st.integers(1, 10**6),
    lat=st.floats(56.4, 57.0),
    lon=st.floats(15.8, 16.6),
    hours_min=st.just(0),
    hours_max=st.just(40),
    means=st.lists(
        st.sampled_from(["walk", "bike", "public_transport", "car"]),
        min_size=1,
        max_size=4,
        unique=True,
    ).map(tuple),
    has_licence=st.booleans(),
    has_car=st.booleans(),
    own_minutes=st.none() | st.integers(10, 120),
    own_km=st.none() | st.integers(2, 80),
)
jobs = st.builds(
    ProfileRecord,
    id=st.integers(1, 10**6),
    employer_id=st.just(1),
    lat=st.floats(56.4, 57.0),
    lon=st.floats(15.8, 16.6),
    hours_min=st.just(0),
    hours_max=st.just(40),
)
trip = st.none() | st.just(np.inf) | st.floats(1, 150)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(people, min_size=1, max_size=4, unique_by=lambda p: p.id),
    st.lists(jobs, min_size=1, max_size=5, unique_by=lambda r: r.id),
    st.data(),
)
def test_vectorised_scores_with_timetables_equal_the_reference(persons, profiles, data):
    engine = Engine(persons, profiles)
    trips = {(p.id, r.id): data.draw(trip) for p in persons for r in profiles}  # None: not covered
    pids = [p.id for p in persons]
    rids = [r.id for r in profiles]
    grid = np.array(
        [[trips[p, r] if trips[p, r] is not None else np.inf for r in rids] for p in pids]
    )
    covered_row = np.ones(len(pids), bool)
    covered_col = np.ones(len(rids), bool)
    # Not covered is decided per row or column in a matrix: drop whole rows/columns at random.
    for i, p in enumerate(pids):
        if all(trips[p, r] is None for r in rids):
            covered_row[i] = False
    for j, r in enumerate(rids):
        if all(trips[p, r] is None for p in pids):
            covered_col[j] = False
    timed = engine.with_transit(
        build_transit_grid(
            engine.tables,
            participant_ids=np.array(pids),
            profile_ids=np.array(rids),
            minutes=grid,
            valid_rows=covered_row,
            valid_cols=covered_col,
        )
    )
    batch = dict(timed.batch_top_k(k=100))
    for i, p in enumerate(persons):
        got = ranked(timed, p.id)
        for j, r in enumerate(profiles):
            covered = covered_row[i] and covered_col[j]
            minutes = float(grid[i, j]) if covered else None
            score, components, reasons, _ = score_pair(p, r, Weights(), transit_minutes=minutes)
            assert got[r.id].reasons == reasons
            assert got[r.id].score == pytest.approx(score, abs=1e-9)
            assert got[r.id].components["geography"] == pytest.approx(
                components["geography"], abs=1e-9
            )
        included = sorted((r.id for r in profiles if not got[r.id].reasons), key=lambda rid: rid)
        assert sorted(rid for rid, _ in batch[p.id]) == included


def test_whole_numbers_keep_their_zeros():
    from django.utils import translation

    from matching.explanations import num

    with translation.override("sv"):
        assert [num(60, 0), num(100, 0), num(28.9), num(15.0), num(0.5, 0)] == [
            "60",
            "100",
            "28,9",
            "15",
            "0",
        ]


def test_a_km_limit_holds_for_the_timetable_trip_too():
    engine = Engine([person(own_km=10)], [job(10, COAST)])  # ~15 km away
    timed = with_matrix(engine, {(1, 10): 30.0})
    assert ranked(timed)[10].reasons == ["outside_commute_reach"]
    assert with_matrix(
        Engine([person(own_km=20)], [job(10, COAST)]), {(1, 10): 30.0}
    ).rank_profiles(1)
