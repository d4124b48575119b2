"""The fixed cost of a signed-in request (issue 22): with a shared cache, a warm signed-in
request asks the database nothing for the session, the user, the role or the unit, and every
change to what is kept reaches the next request at once."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.choices import Role

pytestmark = pytest.mark.django_db

PLUMBING = ("django_session", "core_user", "auth_group", "core_unit", "otp_")


@pytest.fixture
def shared_cache(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.AUTH_USER_CACHE_SECONDS = 300


def plumbing_queries(client: Client, path: str, status: int = 200) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == status
    return [q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in PLUMBING)]


def test_a_warm_signed_in_request_asks_nothing_before_its_view(shared_cache, guide):
    client = Client()
    client.force_login(guide)
    client.get("/api/v1/me/")  # warm-up: the session and the user enter the cache
    assert plumbing_queries(client, "/api/v1/me/") == []
    assert plumbing_queries(client, "/deltagare/") == []


def test_without_a_shared_cache_the_user_is_read_each_time(guide):
    client = Client()
    client.force_login(guide)
    client.get("/api/v1/me/")
    assert plumbing_queries(client, "/api/v1/me/")  # session and user from the database


def test_a_role_change_counts_at_the_next_request(shared_cache, guide):
    client = Client()
    client.force_login(guide)
    assert client.get("/deltagare/").status_code == 200
    guide.groups.set([Group.objects.get(name=Role.EMPLOYER)])
    assert client.get("/deltagare/").status_code in (302, 403)


def test_a_deactivated_user_is_signed_out_at_the_next_request(shared_cache, guide):
    client = Client()
    client.force_login(guide)
    assert client.get("/api/v1/me/").status_code == 200
    guide.is_active = False
    guide.save()
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_a_new_password_ends_other_sessions_at_once(shared_cache, guide):
    client = Client()
    client.force_login(guide)
    assert client.get("/api/v1/me/").status_code == 200
    guide.set_password("a-new-long-password-42")
    guide.save()
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_a_group_taken_away_from_the_group_side_counts(shared_cache, guide):
    client = Client()
    client.force_login(guide)
    assert client.get("/deltagare/").status_code == 200
    Group.objects.get(name=Role.GUIDE).user_set.remove(guide)
    assert client.get("/deltagare/").status_code in (302, 403)


@pytest.mark.parametrize("path", ["/healthz"])
def test_health_probes_touch_no_session(shared_cache, path):
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(path).status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]


def _cache_reads(monkeypatch) -> list[str]:
    """The keys the default cache is asked for, one list entry per round trip (a ``get_many`` is
    one, as Redis answers it, even where the backend asks key by key)."""
    from django.core.cache import cache

    reads: list[str] = []
    inside = []
    get, get_many = cache.get, cache.get_many

    def one(key, *args, **kwargs):
        if not inside:
            reads.append(key)
        return get(key, *args, **kwargs)

    def many(keys, *args, **kwargs):
        reads.append(",".join(keys))
        inside.append(1)
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    monkeypatch.setattr(cache, "get", one)
    monkeypatch.setattr(cache, "get_many", many)
    return reads


def test_whether_the_user_has_a_device_is_kept_with_the_cached_user(
    shared_cache, guide, monkeypatch
):
    """A warm signed-in request reads no second-factor key of its own (that a device confirmed
    meanwhile still counts at once: ``tests/security/test_two_factor.py``)."""
    client = Client()
    client.force_login(guide)
    assert client.get("/deltagare/").status_code == 200
    reads = _cache_reads(monkeypatch)
    assert client.get("/deltagare/").status_code == 200
    assert reads and not [key for key in reads if "has-device" in key]


def test_a_cached_list_is_read_in_one_round_trip_and_never_outlives_its_version(monkeypatch):
    """``core.choice_cache``: a kept list and its version come in one read; a change (or a lost
    version, as when the cache evicts it) builds the list again instead of serving the old one."""
    from django.core.cache import cache

    from core.choice_cache import _version_key, cached_choices, forget_choices

    built = []

    def build():
        built.append(1)
        return [f"list {len(built)}"]

    assert cached_choices("test-list", 7, build) == ["list 1"]
    reads = _cache_reads(monkeypatch)
    assert cached_choices("test-list", 7, build) == ["list 1"]
    assert len(reads) == 1 and len(built) == 1
    # The cache evicts the version, then the rows change: nothing is there to move on.
    cache.delete(_version_key("test-list"))
    forget_choices("test-list")
    assert cached_choices("test-list", 7, build) == ["list 2"]
    forget_choices("test-list")
    assert cached_choices("test-list", 7, build) == ["list 3"]
    assert cached_choices("test-list", 8, build) == ["list 4"]  # another scope, its own list
    assert cached_choices("test-list", 7, build) == ["list 3"]
