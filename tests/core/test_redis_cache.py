"""The Redis cache with one client per pool (core/redis_cache.py, issue 22). Runs where a Redis
is configured (the PostgreSQL + Redis run of scripts/test)."""

import os
import threading

import pytest

from core.redis_cache import RedisCache

REDIS = os.environ.get("CELERY_BROKER_URL", "")
pytestmark = pytest.mark.skipif(not REDIS.startswith("redis://"), reason="needs a Redis")


@pytest.fixture
def cache():
    base = REDIS.rsplit("/", 1)[0]
    backend = RedisCache(f"{base}/9", {"KEY_PREFIX": "brygga-test-redis-cache"})
    yield backend
    backend.clear()


def test_it_stores_and_reads_like_djangos_and_makes_one_client(cache):
    cache.set("a", {"x": 1}, 30)
    assert cache.get("a") == {"x": 1}
    assert cache.add("a", 2) is False and cache.get("a") == {"x": 1}
    assert cache.add("n", 0) is True and cache.incr("n") == 1
    assert cache.get_many(["a", "missing"]) == {"a": {"x": 1}}
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client
    cache.delete("a")
    assert cache.get("a") is None


def test_threads_share_the_client_safely(cache):
    errors = []

    def work(n):
        try:
            for i in range(50):
                cache.set(f"k{n}:{i}", i, 30)
                assert cache.get(f"k{n}:{i}") == i
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
