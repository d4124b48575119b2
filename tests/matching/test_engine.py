"""The engine on its own: constraints, components, ties, and equality with the per-pair reference."""

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.engine import (
    Engine,
    ParticipantRecord,
    ProfileRecord,
    Weights,
    WeightsError,
    score_pair,
)
from matching.engine.related import related_skills

KALMAR = (56.6634, 16.3568)
NYBRO = (56.7445, 15.9070)  # ~28 km
VASTERVIK = (57.7584, 16.6373)  # ~123 km
OSKARSHAMN_ISH = (57.38, 16.36)  # ~80 km north of Kalmar
SIXTY_KM_NORTH = (57.203, 16.3568)


def person(**kw):
    base = {
        "id": 1,
        "lat": KALMAR[0],
        "lon": KALMAR[1],
        "hours_min": 10,
        "hours_max": 30,
        "means": ("bike", "public_transport"),
    }
    return ParticipantRecord(**{**base, **kw})


def profile(**kw):
    base = {
        "id": 100,
        "employer_id": 7,
        "lat": KALMAR[0] + 0.01,
        "lon": KALMAR[1],
        "hours_min": 10,
        "hours_max": 20,
    }
    return ProfileRecord(**{**base, **kw})


def only(engine, pid=1, **kw):
    return {m.profile_id: m for m in engine.rank_profiles(pid, include_excluded=True, **kw)}


STEP_FREE, QUIET = 1, 2


def test_wheelchair_user_is_never_matched_without_step_free_access():
    user = person(needs=frozenset({STEP_FREE}))
    engine = Engine(
        [user],
        [
            profile(id=100, offered=frozenset({QUIET})),
            profile(id=101, offered=frozenset({STEP_FREE, QUIET})),
        ],
    )
    assert [m.profile_id for m in engine.rank_profiles(1)] == [101]
    assert only(engine)[100].reasons == ["adaptation_not_offered"] and only(engine)[100].score == 0


def test_no_car_is_not_matched_60_km_away_but_car_with_100_km_and_90_minutes_is():
    # 60 km is about 83 minutes by car in the product's estimate: within 90 minutes. A km limit
    # alone would leave the usual 45 minutes by car in force (issue 23: km never beats minutes).
    far = profile(id=100, lat=SIXTY_KM_NORTH[0], lon=SIXTY_KM_NORTH[1])
    walker = person(id=1, means=("walk", "public_transport"))
    driver = person(
        id=2, means=("car",), has_licence=True, has_car=True, own_km=100, own_minutes=90
    )
    licence_no_car = person(
        id=3, means=("car", "public_transport"), has_licence=True, has_car=False
    )
    km_only = person(id=4, means=("car",), has_licence=True, has_car=True, own_km=100)
    engine = Engine([walker, driver, licence_no_car, km_only], [far])
    assert 55 < only(engine, 1)[100].distance_km < 65
    assert only(engine, 1)[100].reasons == ["outside_commute_reach"]
    assert engine.rank_profiles(2) and engine.rank_profiles(2)[0].profile_id == 100
    assert only(engine, 3)[100].reasons == ["outside_commute_reach"]
    assert only(engine, 4)[100].reasons == ["outside_commute_reach"]


def test_default_limits_by_means():
    nybro = profile(id=100, lat=NYBRO[0], lon=NYBRO[1])
    bike = person(id=1, means=("bike",))  # 30 min by bike ≈ 6 km
    car = person(id=2, means=("car",), has_licence=True, has_car=True)  # 45 min ≈ 30 km
    engine = Engine([bike, car], [nybro])
    assert only(engine, 1)[100].excluded and not only(engine, 2)[100].excluded


def test_own_minute_limit_is_capped_at_90_minutes():
    far = profile(id=100, lat=VASTERVIK[0], lon=VASTERVIK[1])
    engine = Engine(
        [person(means=("car",), has_licence=True, has_car=True, own_minutes=300)], [far]
    )
    assert only(engine)[100].reasons == ["outside_commute_reach"]


def test_validated_skill_outranks_the_same_skill_self_reported():
    job = profile(id=100, skills={"truck": (4, True)})
    validated = person(id=1, skills={"truck": ("validated", 3)})
    observed = person(id=2, skills={"truck": ("observed", 3)})
    told = person(id=3, skills={"truck": ("self_reported", 3)})
    engine = Engine([validated, observed, told], [job])
    ranked = engine.rank_participants(100)
    assert [m.participant_id for m in ranked] == [1, 2, 3]
    assert ranked[0].score > ranked[1].score > ranked[2].score


def test_profile_without_free_slot_or_not_open_is_excluded():
    engine = Engine([person()], [profile(id=100, available=False), profile(id=101)])
    assert [m.profile_id for m in engine.rank_profiles(1)] == [101]
    assert only(engine)[100].reasons == ["profile_not_open_or_full"]


def test_hours_the_participant_cannot_do():
    engine = Engine(
        [person(hours_min=5, hours_max=15)],
        [profile(id=100, hours_min=30, hours_max=40), profile(id=101, hours_min=10, hours_max=20)],
    )
    assert only(engine)[100].reasons == ["hours_incompatible"]
    assert not only(engine)[101].excluded


def test_required_validations():
    job = profile(id=100, ocn_required=frozenset({55}), kga_required={3: 3})
    engine = Engine(
        [
            person(id=1, certified_modules={55: 2}, kga={3: 3}),
            person(id=2, certified_modules={55: 2}, kga={3: 2}),
            person(id=3, kga={3: 4}),
        ],
        [job],
    )
    assert not only(engine, 1)[100].excluded
    assert only(engine, 2)[100].reasons == ["validation_missing"]
    assert only(engine, 3)[100].reasons == ["validation_missing"]
    explanation = engine.explain(2, 100)
    assert ("ocn", 55, 2, 1) in explanation.validations_counting and (
        "kga",
        3,
        2,
        3,
    ) in explanation.validations_missing


def test_a_certificate_below_the_required_level_does_not_count():
    """Module 55 is a level-2 module; a case certified at level 1 must not meet a level-2 need."""
    job = profile(id=100, ocn_required={55: 2})
    engine = Engine(
        [person(id=1, certified_modules={55: 1}), person(id=2, certified_modules={55: 2})],
        [job],
    )
    low = only(engine, 1)[100]
    assert low.reasons == ["validation_missing"]
    assert low.components["validations"] == 0.0
    explanation = engine.explain(1, 100)
    assert explanation.validations_missing == [("ocn", 55, 1, 2)]
    assert explanation.reasons[0].params == {
        "kind": "ocn",
        "module": 55,
        "certified_level": 1,
        "level": 2,
    }
    assert not only(engine, 2)[100].excluded
    assert engine.explain(2, 100).validations_counting == [("ocn", 55, 2, 2)]
    assert score_pair(person(certified_modules={55: 1}), job, Weights())[2] == [
        "validation_missing"
    ]


def test_an_excluded_pair_never_scores_full_marks_for_what_excluded_it():
    quiet_needed = person(id=1, needs=frozenset({QUIET}), certified_modules={})
    job = profile(id=100, ocn_required={55: 1}, kga_required={3: 2}, offered=frozenset())
    engine = Engine([quiet_needed], [job])
    match = only(engine)[100]
    assert set(match.reasons) == {"adaptation_not_offered", "validation_missing"}
    assert match.components["validations"] == 0.0
    assert match.components["adaptations_hours"] == 0.0
    half = Engine([person(id=1, kga={3: 2})], [job])
    assert only(half)[100].components["validations"] == 0.5  # one of two requirements met
    hours = Engine([person(id=1, hours_min=5, hours_max=9)], [profile(id=100, hours_min=10)])
    assert only(hours)[100].reasons == ["hours_incompatible"]
    assert only(hours)[100].components["adaptations_hours"] < 0.6  # only the supervisor part
    assert hours.explain(1, 100).hours_overlap is None


def test_the_explanation_names_each_failure_and_the_facts_behind_each_component():
    job = profile(
        id=100,
        hours_min=20,
        hours_max=40,
        skills={"a": (1, True), "b": (1, False), "c": (1, False)},
        offered=frozenset({STEP_FREE}),
        lat=NYBRO[0],
        lon=NYBRO[1],
    )
    p = person(
        hours_min=10,
        hours_max=10,
        means=("bike",),
        own_km=15,
        own_minutes=90,  # by bike ≈ 18 km: the km limit is the shorter one
        needs=frozenset({QUIET}),
        skills=dict.fromkeys("abc", ("self_reported", 2)),
    )
    explanation = Engine([p], [job]).explain(1, 100)
    by_code = {r.code: r.params for r in explanation.reasons}
    assert by_code["adaptation_not_offered"] == {"adaptation": QUIET}
    assert by_code["hours_incompatible"] == {
        "hours_min": 10,
        "hours_max": 10,
        "profile_min": 20,
        "profile_max": 40,
    }
    reach = by_code["outside_commute_reach"]
    assert reach["means"] == "bike" and reach["limit_km"] == 15 and reach["basis"] == "own_km"
    assert reach["distance_km"] == pytest.approx(28.9, abs=0.2)
    skills = explanation.details["skills"]
    assert (skills["matched"], skills["total"]) == (3, 3)
    assert skills["sources"] == {"self_reported": 0.6} and skills["levels"] == {2: 0.85}
    assert explanation.match.components["skills"] == pytest.approx(0.6 * 0.85)
    assert explanation.details["validations"]["requirements"] == 0
    assert explanation.details["preferences"]["kind"] == "none"


def test_consent_only_for_employer_facing_results():
    engine = Engine(
        [person(consent_employers=frozenset({8}))],
        [profile(id=100, employer_id=7), profile(id=101, employer_id=8)],
    )
    assert {m.profile_id for m in engine.rank_profiles(1)} == {100, 101}
    assert [m.profile_id for m in engine.rank_profiles(1, employer_facing=True)] == [101]
    assert only(engine, employer_facing=True)[100].reasons == ["no_consent"]


def test_related_skills_count_at_a_discount():
    related = related_skills(
        {"städ": "Städning", "hotellstäd": "Städning, hotell", "svets": "Svetsning"}
    )
    assert related["städ"][0][0] == "hotellstäd"
    job = profile(id=100, skills={"hotellstäd": (3, False)})
    engine = Engine(
        [
            person(id=1, skills={"städ": ("observed", 4)}),
            person(id=2, skills={"svets": ("observed", 4)}),
            person(id=3, skills={"hotellstäd": ("observed", 4)}),
        ],
        [job],
        related=related,
    )
    scores = {m.participant_id: m.components["skills"] for m in engine.rank_participants(100)}
    assert scores[3] > scores[1] > scores[2] == 0
    assert engine.explain(1, 100).related_skills[0][:2] == ("hotellstäd", "städ")


def test_preferences_and_substitutable_occupations():
    jobs = [
        profile(id=100, occupation_id=1),
        profile(id=101, occupation_id=2),
        profile(id=102, occupation_id=3, industry="G"),
        profile(id=103, occupation_id=4),
    ]
    engine = Engine(
        [
            person(
                desired_occupations=frozenset({1}),
                substitute_occupations={2: 75},
                desired_industries=frozenset({"G"}),
            )
        ],
        jobs,
    )
    prefs = {k: m.components["preferences"] for k, m in only(engine).items()}
    assert prefs == {100: 1.0, 101: pytest.approx(0.6), 102: pytest.approx(0.6), 103: 0.0}


def test_employer_load_ranks_a_flooded_profile_a_little_lower():
    engine = Engine(
        [person()],
        [
            profile(id=100, open_proposals=6, slots_free=1),
            profile(id=101, open_proposals=0, slots_free=1),
        ],
    )
    ranked = engine.rank_profiles(1)
    assert [m.profile_id for m in ranked] == [101, 100]
    assert ranked[0].score - ranked[1].score < 0.1


def test_swedish_level_below_requirement_lowers_skills():
    engine = Engine(
        [person(swedish_level=2)],
        [profile(id=100, swedish_level=2), profile(id=101, swedish_level=4)],
    )
    m = only(engine)
    assert m[101].components["skills"] < m[100].components["skills"]


def test_ties_are_broken_by_id_and_rankings_are_reproducible():
    twins = [profile(id=i) for i in (105, 101, 103, 102, 104)]
    engine = Engine([person()], twins)
    first = [m.profile_id for m in engine.rank_profiles(1, limit=3)]
    assert first == [101, 102, 103]
    assert [
        m.profile_id for m in Engine([person()], list(reversed(twins))).rank_profiles(1, limit=3)
    ] == first


def test_kind_and_max_distance_filters():
    engine = Engine(
        [person()],
        [
            profile(id=100, kind="practice"),
            profile(id=101, kind="employment"),
            profile(id=102, lat=NYBRO[0], lon=NYBRO[1], kind="employment"),
        ],
    )
    assert [
        m.profile_id for m in engine.rank_profiles(1, kind="employment", include_excluded=True)
    ] == [101, 102]
    assert [
        m.profile_id for m in engine.rank_profiles(1, max_distance_km=10, include_excluded=True)
    ] == [100, 101]


@pytest.mark.parametrize(
    "bad",
    [
        {"skills": -1},
        {
            "skills": 0,
            "validations": 0,
            "geography": 0,
            "adaptations_hours": 0,
            "preferences": 0,
            "load": 0,
        },
        {"load": float("nan")},
    ],
)
def test_weights_are_validated(bad):
    with pytest.raises(WeightsError):
        Weights(**bad)


def test_records_have_no_gender_age_or_origin():
    forbidden = {"gender", "birth_year", "age", "newly_arrived", "origin", "country", "language"}
    assert not forbidden & {f.name for f in dataclasses.fields(ParticipantRecord)}


# --- equality with the per-pair reference, on random data -------------------------------------

skill_keys = st.sampled_from(["a", "b", "c", "d", 1, 2])
participants = st.builds(
    ParticipantRecord,
    id=st.integers(1, 10**6),
    lat=st.floats(55.5, 58.5),
    lon=st.floats(12.0, 18.0),
    hours_min=st.integers(0, 20),
    hours_max=st.integers(20, 40),
    swedish_level=st.integers(0, 7),
    needs=st.frozensets(st.integers(1, 5), max_size=2),
    means=st.lists(
        st.sampled_from(["walk", "bike", "public_transport", "car"]),
        min_size=1,
        max_size=4,
        unique=True,
    ).map(tuple),
    has_licence=st.booleans(),
    has_car=st.booleans(),
    own_minutes=st.none() | st.integers(10, 200),
    own_km=st.none() | st.integers(5, 200),
    skills=st.dictionaries(
        skill_keys,
        st.tuples(st.sampled_from(["validated", "observed", "self_reported"]), st.integers(1, 4)),
        max_size=4,
    ),
    certified_modules=st.dictionaries(st.integers(1, 3), st.integers(1, 3), max_size=2),
    kga=st.dictionaries(st.integers(1, 4), st.integers(1, 4), max_size=3),
    desired_occupations=st.frozensets(st.integers(1, 4), max_size=2),
    substitute_occupations=st.dictionaries(st.integers(1, 4), st.integers(10, 100), max_size=2),
    desired_industries=st.frozensets(st.sampled_from(["A", "G", "I"]), max_size=2),
    consent_employers=st.frozensets(st.integers(1, 3), max_size=2),
    licences=st.frozensets(st.integers(1, 3), max_size=2),
)
profiles = st.builds(
    ProfileRecord,
    id=st.integers(1, 10**6),
    employer_id=st.integers(1, 3),
    lat=st.floats(55.5, 58.5),
    lon=st.floats(12.0, 18.0),
    hours_min=st.integers(0, 25),
    hours_max=st.integers(25, 40),
    swedish_level=st.integers(0, 7),
    offered=st.frozensets(st.integers(1, 5), max_size=5),
    available=st.booleans(),
    occupation_id=st.none() | st.integers(1, 4),
    industry=st.none() | st.sampled_from(["A", "G", "I"]),
    skills=st.dictionaries(skill_keys, st.tuples(st.integers(1, 5), st.booleans()), max_size=4),
    ocn_required=st.dictionaries(st.integers(1, 3), st.integers(1, 3), max_size=2),
    kga_required=st.dictionaries(st.integers(1, 4), st.integers(1, 4), max_size=2),
    supervisor=st.booleans(),
    open_proposals=st.integers(0, 8),
    slots_free=st.integers(0, 4),
    required_licences=st.frozensets(st.integers(1, 3), max_size=2),
    must_skills=st.frozensets(skill_keys, max_size=2),
)
RELATED = {"a": [("b", 0.8)], "c": [("d", 0.6), ("a", 0.55)]}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(participants, min_size=1, max_size=4, unique_by=lambda p: p.id),
    st.lists(profiles, min_size=1, max_size=5, unique_by=lambda r: r.id),
    st.booleans(),
)
def test_vectorised_scores_equal_the_per_pair_reference(people, jobs, employer_facing):
    weights = Weights(
        skills=0.3,
        validations=0.1,
        geography=0.25,
        adaptations_hours=0.1,
        preferences=0.15,
        load=0.1,
    )
    engine = Engine(people, jobs, weights=weights, related=RELATED)
    for p in people:
        got = {
            m.profile_id: m
            for m in engine.rank_profiles(
                p.id, limit=100, include_excluded=True, employer_facing=employer_facing
            )
        }
        for r in jobs:
            score, components, reasons, distance = score_pair(
                p, r, weights, related=RELATED, employer_facing=employer_facing
            )
            assert got[r.id].reasons == reasons
            assert got[r.id].score == pytest.approx(score, abs=1e-9)
            for name, value in components.items():
                assert got[r.id].components[name] == pytest.approx(value, abs=1e-9), name
            assert got[r.id].distance_km == pytest.approx(distance, rel=1e-9)


def test_batch_equals_single_rankings():
    rng = np.random.default_rng(3)
    people = [
        person(
            id=i,
            lat=KALMAR[0] + rng.normal(0, 0.1),
            lon=KALMAR[1] + rng.normal(0, 0.1),
            skills={"a": ("observed", 2)},
        )
        for i in range(1, 40)
    ]
    jobs = [
        profile(
            id=100 + j,
            lat=KALMAR[0] + rng.normal(0, 0.1),
            lon=KALMAR[1] + rng.normal(0, 0.1),
            skills={"a": (3, False), "b": (2, False)},
            hours_min=int(rng.integers(5, 25)),
            hours_max=40,
        )
        for j in range(60)
    ]
    engine = Engine(people, jobs)
    batch = dict(engine.batch_top_k(k=5, chunk=7))
    for p in people:
        assert [rid for rid, _ in batch[p.id]] == [
            m.profile_id for m in engine.rank_profiles(p.id, limit=5)
        ]


def test_parts_of_a_batch_cover_everyone_once_and_score_only_their_own_rows(monkeypatch):
    from matching.engine import ranking

    people = [person(id=i, lat=KALMAR[0] + i / 100, lon=KALMAR[1]) for i in range(1, 31)]
    engine = Engine(people, [profile(id=100)])
    whole = dict(engine.batch_top_k(k=3, chunk=4))
    scored = []
    real = ranking.score_block

    def counting(tables, rows, *args, **kwargs):
        scored.append(len(rows))
        return real(tables, rows, *args, **kwargs)

    monkeypatch.setattr(ranking, "score_block", counting)
    parts = {}
    for i in range(3):
        parts.update(engine.batch_top_k(k=3, chunk=4, part=(i, 3)))
    assert parts == whole
    # 3 parts of 10 rows in chunks of 4: 3 blocks each, every one non-empty (a split recompute's
    # worker must not walk the whole participant list).
    assert scored == [4, 4, 2] * 3


def test_no_profiles_or_no_participants_is_an_empty_ranking_not_an_error():
    assert Engine([person()], []).rank_profiles(1) == []
    assert Engine([], [profile()]).rank_participants(100) == []
    assert list(Engine([person()], []).batch_top_k()) == [(1, [])]
