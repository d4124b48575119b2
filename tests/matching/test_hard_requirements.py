"""Licences, legitimations and must-have skills are hard requirements: a participant without one
is excluded in both ranking directions, with a reason that names what is missing."""

from matching.engine import Engine, ParticipantRecord, ProfileRecord

KALMAR = (56.6634, 16.3568)
B, C, TRUCK_A, DENTIST = 1, 2, 3, 4


def person(**kw):
    base = {"id": 1, "lat": KALMAR[0], "lon": KALMAR[1], "hours_min": 10, "hours_max": 30}
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


def test_a_required_licence_excludes_who_lacks_it_in_both_directions():
    truck = profile(id=100, required_licences=frozenset({C}))
    plain = profile(id=101)
    driver = person(id=1, licences=frozenset({B, C}))
    no_c = person(id=2, licences=frozenset({B}))
    engine = Engine([driver, no_c], [truck, plain])
    # participant → profiles
    assert {m.profile_id for m in engine.rank_profiles(1)} == {100, 101}
    assert [m.profile_id for m in engine.rank_profiles(2)] == [101]
    excluded = {m.profile_id: m for m in engine.rank_profiles(2, include_excluded=True)}[100]
    assert excluded.reasons == ["licence_missing"] and excluded.score == 0
    # profile → participants
    assert [m.participant_id for m in engine.rank_participants(100)] == [1]
    assert {m.participant_id: m for m in engine.rank_participants(100, include_excluded=True)}[
        2
    ].reasons == ["licence_missing"]
    # The explanation names each missing licence.
    reasons = engine.explain(2, 100).reasons
    assert [(r.code, r.params) for r in reasons] == [("licence_missing", {"licence": C})]


def test_every_required_licence_must_be_held_and_a_licence_is_never_a_score():
    clinic = profile(id=100, required_licences=frozenset({DENTIST, B}))
    engine = Engine(
        [
            person(id=1, licences=frozenset({DENTIST})),
            person(id=2, licences=frozenset({DENTIST, B})),
        ],
        [clinic],
    )
    assert [m.participant_id for m in engine.rank_participants(100)] == [2]
    assert [r.params for r in engine.explain(1, 100).reasons] == [{"licence": B}]
    # Held or not, the licence changes no component: it only includes or excludes.
    one, two = engine.explain(1, 100).match, engine.explain(2, 100).match
    assert one.components == two.components


def test_a_must_skill_excludes_who_lacks_it_and_a_weighted_one_only_lowers_the_score():
    must = profile(
        id=100, skills={"truck": (5, True), "lager": (3, False)}, must_skills=frozenset({"truck"})
    )
    weighted = profile(id=101, skills={"truck": (5, True), "lager": (3, False)})
    has = person(id=1, skills={"truck": ("self_reported", 2)})
    lacks = person(id=2, skills={"lager": ("observed", 3)})
    engine = Engine([has, lacks], [must, weighted])
    assert [m.profile_id for m in engine.rank_profiles(2)] == [101]
    assert {m.participant_id for m in engine.rank_participants(100)} == {1}
    assert {m.participant_id for m in engine.rank_participants(101)} == {1, 2}
    reasons = engine.explain(2, 100).reasons
    assert [(r.code, r.params) for r in reasons] == [("must_skill_missing", {"skill": "truck"})]
    assert engine.explain(2, 101).reasons == []


def test_a_related_skill_does_not_meet_a_must_skill():
    job = profile(id=100, skills={"truckvana": (5, True)}, must_skills=frozenset({"truckvana"}))
    near = person(id=1, skills={"truckkörning": ("validated", 4)})
    engine = Engine([near], [job], related={"truckkörning": [("truckvana", 0.9)]})
    match = engine.explain(1, 100).match
    assert match.components["skills"] > 0  # the related skill still counts in the score
    assert match.reasons == ["must_skill_missing"]


def test_batches_exclude_the_same_pairs():
    jobs = [profile(id=100, required_licences=frozenset({TRUCK_A})), profile(id=101)]
    people = [person(id=1, licences=frozenset({TRUCK_A})), person(id=2)]
    engine = Engine(people, jobs)
    batch = dict(engine.batch_top_k(k=5))
    assert [pid for pid, _ in batch[1]] == [m.profile_id for m in engine.rank_profiles(1)]
    assert [pid for pid, _ in batch[2]] == [101]
