"""A km limit never admits a trip the product itself estimates longer than the participant's minute
limit: their own minutes, or the unit's usual minutes for their ways of travelling."""

import pytest

from matching.engine import Engine, ParticipantRecord, ProfileRecord, TravelModel

KALMAR = (56.6634, 16.3568)
FAR = (57.50, 16.36)  # ≈ 93 km north: ≈ 126 minutes by car in the product's own estimate


def driver(**kw):
    base = {
        "id": 1,
        "lat": KALMAR[0],
        "lon": KALMAR[1],
        "hours_min": 10,
        "hours_max": 30,
        "means": ("car",),
        "has_licence": True,
        "has_car": True,
    }
    return ParticipantRecord(**{**base, **kw})


def site(lat, lon):
    return ProfileRecord(id=100, employer_id=7, lat=lat, lon=lon, hours_min=10, hours_max=20)


@pytest.mark.parametrize(
    "limits", [{"own_km": 100, "own_minutes": 60}, {"own_km": 100}], ids=["own", "default"]
)
def test_a_93_km_two_hour_drive_is_not_a_match_under_a_100_km_limit(limits):
    engine = Engine([driver(**limits)], [site(*FAR)])
    explanation = engine.explain(1, 100)
    distance = explanation.match.distance_km
    assert 90 < distance < 96
    minutes = TravelModel().minutes("car", distance)
    assert minutes > 110  # the product's own estimate: about two hours
    assert engine.rank_profiles(1) == []
    assert explanation.match.reasons == ["outside_commute_reach"]
    # The limit that applied is the minutes' reach, named as such.
    assert explanation.reach_basis == ("own_minutes" if "own_minutes" in limits else "default")
    assert explanation.reach_km < 45


def test_a_km_limit_shorter_than_the_minutes_still_applies():
    near = site(KALMAR[0] + 0.15, KALMAR[1])  # ≈ 17 km, ≈ 27 minutes by car
    engine = Engine([driver(own_km=10), driver(id=2, own_km=20)], [near])
    assert engine.rank_profiles(1) == []
    assert [m.profile_id for m in engine.rank_profiles(2)] == [100]
    assert engine.explain(1, 100).reach_basis == "own_km"


def test_the_page_text_says_the_usual_minutes_apply_over_a_longer_km_limit(db, participant):
    from matching import features
    from matching.participants.commute import commute_limit_text, commute_reach

    participant.commute_means, participant.has_driving_licence, participant.has_car = (
        ["car"],
        True,
        True,
    )
    participant.commute_max_km, participant.commute_max_minutes = 100, None
    participant.save()
    features.forget()
    engine = features.unit_engine(participant.unit_id).engine
    reach = engine.tables.participants.reach_km[engine.participant_row(participant.pk)]
    assert round(commute_reach(participant)["km"], 6) == round(float(reach), 6) < 35
    text = commute_limit_text(participant)
    assert text.startswith("De vanliga 45 minuterna med bil gäller: ungefär 30,8 km")
    assert "kortare än kilometergränsen (100 km)" in text
