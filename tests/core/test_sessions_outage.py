"""Issue 22's cached sessions must not turn a cache outage into 503s: the fault check in CI
(Redis stopped under writes) caught Django's cached_db store writing back without a guard."""

import pytest
from django.contrib.sessions.backends.db import SessionStore as DBStore

from core.security.sessions import SessionStore

pytestmark = pytest.mark.django_db


class DownCache:
    """A cache whose server is gone: every call raises, as redis-py's ConnectionError does."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache down")

        return fail

    def __contains__(self, key):
        raise ConnectionError("cache down")


def test_a_session_is_read_saved_and_deleted_from_the_database_while_the_cache_is_down():
    stored = DBStore()
    stored["who"] = "gustav"
    stored.save()

    store = SessionStore(stored.session_key)
    store._cache = DownCache()
    assert store.load() == {"who": "gustav"}  # Django's cached_db raised here
    assert store.exists(stored.session_key)
    store["seen"] = 1
    store.save()
    assert DBStore(stored.session_key).load() == {"who": "gustav", "seen": 1}
    store.delete()
    assert not DBStore().exists(stored.session_key)


def test_with_the_cache_up_the_session_comes_from_the_cache():
    stored = DBStore()
    stored["who"] = "greta"
    stored.save()
    store = SessionStore(stored.session_key)
    assert store.load() == {"who": "greta"}
    stored.delete()  # gone from the database, still in the cache
    assert SessionStore(stored.session_key).load() == {"who": "greta"}
