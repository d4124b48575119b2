"""The engine's version from one cheap lookup: a warm matches request asks the database nothing to
know its engine is current, and any change is seen at once."""

import pytest
from django.core.cache import cache
from redis.exceptions import ConnectionError as RedisDown

from matching import engine_version, features
from tests.factories.matching import ParticipantFactory


@pytest.fixture(autouse=True)
def trust_the_counter(settings):
    settings.ENGINE_VERSION_RECHECK_SECONDS = 60
    cache.clear()
    features.forget()
    yield
    features.forget()


@pytest.mark.django_db
def test_a_warm_engine_lookup_runs_no_query(unit, participant, django_assert_num_queries):
    first = features.unit_engine(unit.pk)
    with django_assert_num_queries(0):
        again = features.unit_engine(unit.pk)
    assert again is first


@pytest.mark.django_db
def test_a_change_is_seen_by_the_next_lookup(
    unit, guide, participant, django_capture_on_commit_callbacks
):
    before = features.unit_engine(unit.pk)
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = ParticipantFactory(unit=unit, guide=guide)
    after = features.unit_engine(unit.pk)
    assert after is not before
    after.engine.participant_row(newcomer.pk)  # the new participant is in the engine
    with pytest.raises(KeyError):
        before.engine.participant_row(newcomer.pk)


@pytest.mark.django_db
def test_with_the_cache_down_every_lookup_confirms_in_full(
    unit, guide, participant, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise RedisDown("Connection refused.")

    for method in ("get", "add", "incr"):
        monkeypatch.setattr(cache, method, down)
    assert engine_version.counter() is None
    before = features.unit_engine(unit.pk)
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = ParticipantFactory(unit=unit, guide=guide)  # the bump fails quietly
    after = features.unit_engine(unit.pk)
    after.engine.participant_row(newcomer.pk)
    assert after is not before
