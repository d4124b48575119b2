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
