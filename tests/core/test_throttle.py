"""core.throttle: the one counter every rate limit uses."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache

from core import throttle

RATE = throttle.Rate(limit=3, window=600)
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fresh():
    cache.clear()
    yield
    cache.clear()


def test_it_counts_per_scope_and_subject_up_to_the_limit():
    assert [throttle.hit("s", "alice", RATE) for _ in range(4)] == [True, True, True, False]
    assert throttle.exhausted("s", "alice", RATE)
    assert not throttle.exhausted("s", "bob", RATE)
    assert not throttle.exhausted("other-scope", "alice", RATE)
    assert throttle.used("s", "alice") == 4


def test_the_count_ends_with_the_window():
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(3):
            throttle.hit("s", "alice", RATE)
        assert throttle.exhausted("s", "alice", RATE)
        traveller.shift(dt.timedelta(seconds=601))
        assert throttle.used("s", "alice") == 0
        assert throttle.hit("s", "alice", RATE)


def test_no_secret_is_kept_in_the_cache_key():
    secret = "8AiwxhZpyfPiyVt2F_A8tSqrKBW7w_o2jU1_U0Swl84"
    throttle.hit("link", secret, RATE)
    keys = list(cache._cache)  # LocMemCache's own store
    assert keys and not any(secret in k for k in keys)


def test_clear_starts_over():
    for _ in range(3):
        throttle.hit("s", "alice", RATE)
    throttle.clear("s", "alice")
    assert throttle.used("s", "alice") == 0
