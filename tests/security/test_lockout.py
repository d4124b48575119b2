"""Hole 3 of issue 13: the lockout locks the username + address pair, a success resets it, the API
token endpoint follows the same policy; password reset e-mails are rate-limited; tokens expire and
can be revoked."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PASSWORD = "pw-brygga-123"
LIMIT = 3


@pytest.fixture(autouse=True)
def lockout_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = LIMIT
    from django.core.cache import cache

    cache.clear()


def login(username, password, address):
    return Client(REMOTE_ADDR=address).post(
        "/logga-in/", {"username": username, "password": password}
    )


def token(username, password, address):
    return APIClient(REMOTE_ADDR=address).post(
        "/api/v1/auth/token/", {"username": username, "password": password}
    )


@pytest.mark.parametrize("attempt", [login, token])
def test_failures_from_one_address_do_not_lock_the_user_out_elsewhere(attempt, guide):
    for _ in range(LIMIT):
        attempt("gustav", "wrong", "10.0.0.66")
    assert attempt("gustav", PASSWORD, "10.0.0.66").status_code == 429  # the pair is locked
    ok = attempt("gustav", PASSWORD, "10.0.0.7")
    assert ok.status_code in (200, 302) and ok.status_code != 429


@pytest.mark.parametrize("attempt", [login, token])
def test_invented_names_do_not_lock_a_shared_address(attempt, guide):
    for i in range(LIMIT + 2):
        attempt(f"nobody{i}", "wrong", "10.1.1.1")
    response = attempt("gustav", PASSWORD, "10.1.1.1")
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("attempt", [login, token])
def test_a_success_resets_the_count(attempt, guide):
    for _ in range(LIMIT - 1):
        attempt("gustav", "wrong", "10.0.0.5")
    assert attempt("gustav", PASSWORD, "10.0.0.5").status_code in (200, 302)
    assert not AccessAttempt.objects.filter(username="gustav", failures_since_start__gt=0).exists()
    for _ in range(LIMIT - 1):
        attempt("gustav", "wrong", "10.0.0.5")
    assert attempt("gustav", PASSWORD, "10.0.0.5").status_code in (200, 302)


def test_the_token_endpoint_locks_after_the_limit(guide):
    for _ in range(LIMIT - 1):
        assert token("gustav", "wrong", "10.0.0.9").status_code == 400
    assert token("gustav", "wrong", "10.0.0.9").status_code == 429  # the limit is reached
    assert token("gustav", PASSWORD, "10.0.0.9").status_code == 429
    assert not Token.objects.filter(user=guide).exists()


def test_password_reset_mails_are_rate_limited(guide, settings):
    settings.PASSWORD_RESET_RATE = {"per_email": 2, "per_address": 10, "window_seconds": 3600}
    client = Client(REMOTE_ADDR="10.2.2.2")
    for _ in range(5):
        response = client.post("/losenord/aterstall/", {"email": guide.email})
        assert response.status_code == 302  # same answer every time: nothing to learn
    assert len(mail.outbox) == 2


def test_password_reset_is_rate_limited_per_address(guide, colleague_guide, settings):
    settings.PASSWORD_RESET_RATE = {"per_email": 5, "per_address": 1, "window_seconds": 3600}
    client = Client(REMOTE_ADDR="10.3.3.3")
    client.post("/losenord/aterstall/", {"email": guide.email})
    client.post("/losenord/aterstall/", {"email": colleague_guide.email})
    assert [m.to for m in mail.outbox] == [[guide.email]]


# --- tokens expire and can be revoked ----------------------------------------------------


def test_a_token_works_until_it_expires(guide, settings, time_machine):
    key = token("gustav", PASSWORD, "10.0.0.1").json()["token"]
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/me/").status_code == 200
    time_machine.move_to(timezone.now() + settings.API_TOKEN_TTL + dt.timedelta(minutes=1))
    assert client.get("/api/v1/me/").status_code in (401, 403)
    assert not Token.objects.filter(key=key).exists()


def test_the_user_revokes_their_token(guide):
    key = token("gustav", PASSWORD, "10.0.0.1").json()["token"]
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.delete("/api/v1/auth/token/").status_code == 204
    assert client.get("/api/v1/me/").status_code in (401, 403)
    assert not Token.objects.filter(user=guide).exists()


@pytest.mark.parametrize(("role", "expected"), [("admin_user", 204), ("coordinator", 403)])
def test_an_administrator_revokes_a_users_token(request, api, guide, role, expected):
    key = token("gustav", PASSWORD, "10.0.0.1").json()["token"]
    response = api(request.getfixturevalue(role)).delete(f"/api/v1/auth/tokens/{guide.pk}/")
    assert response.status_code == expected
    assert Token.objects.filter(key=key).exists() == (expected != 204)
