"""Second factor (issue 13): staff may enable TOTP, administrators must have it (when required),
recovery codes work once."""

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enable(client, user) -> list[str]:
    client.get("/tvastegs/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/tvastegs/", {"token": code(device)})
    assert response.status_code == 200
    return response.context["codes"]


def test_an_administrator_must_set_up_a_second_factor_when_required(admin_user, settings):
    settings.OTP_REQUIRED_FOR_ADMINS = True
    client = signed_in(admin_user)
    response = client.get("/deltagare/")
    assert response.status_code == 302 and response["Location"].startswith("/tvastegs/")
    assert client.get("/api/v1/participants/").status_code == 403
    codes = enable(client, admin_user)
    assert len(codes) == 10
    assert client.get("/deltagare/").status_code == 200  # verified in this session


def test_not_required_for_administrators_when_turned_off(admin_user, settings):
    settings.OTP_REQUIRED_FOR_ADMINS = False
    assert signed_in(admin_user).get("/deltagare/").status_code == 200


def test_staff_without_a_device_are_not_asked(guide, settings):
    settings.OTP_REQUIRED_FOR_ADMINS = True
    assert signed_in(guide).get("/deltagare/").status_code == 200


@pytest.mark.parametrize("cached_user", [False, True], ids=["user-read", "user-cached"])
def test_whether_a_user_has_a_device_is_asked_once_and_forgotten_on_any_device_change(
    guide, settings, cached_user
):
    if cached_user:  # the answer is then kept with the cached user (core.security.user_cache)
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
        settings.AUTH_USER_CACHE_SECONDS = 300
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(guide)
    assert client.get("/").status_code in (200, 302)
    with CaptureQueriesContext(connection) as queries:
        client.get("/deltagare/")
    assert not [q for q in queries.captured_queries if "otp_" in q["sql"]]
    # A device confirmed elsewhere (another session, the admin) counts at once.
    TOTPDevice.objects.create(user=guide, name="totp", confirmed=True)
    response = client.get("/deltagare/")
    assert response.status_code == 302 and response["Location"].startswith("/tvastegs/verifiera/")
    TOTPDevice.objects.filter(user=guide).delete()
    assert client.get("/deltagare/").status_code == 200


def test_a_guide_who_enabled_it_must_give_a_code_at_the_next_sign_in(guide):
    enable(signed_in(guide), guide)
    client = signed_in(guide)  # a new session: password only
    response = client.get("/deltagare/")
    assert response.status_code == 302 and response["Location"].startswith("/tvastegs/verifiera/")
    assert client.post("/tvastegs/verifiera/", {"token": "000000"}).status_code == 200
    assert client.get("/deltagare/").status_code == 302
    device = TOTPDevice.objects.get(user=guide, confirmed=True)
    assert client.post("/tvastegs/verifiera/", {"token": code(device)}).status_code == 200  # used
    # As if the next 30 s step had come and django-otp's throttle (after 2 failures) had passed.
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    response = client.post("/tvastegs/verifiera/", {"token": code(device), "next": "/deltagare/"})
    assert response.status_code == 302 and response["Location"] == "/deltagare/"
    assert client.get("/deltagare/").status_code == 200


def test_a_recovery_code_works_once(guide):
    codes = enable(signed_in(guide), guide)
    first = signed_in(guide)
    assert first.post("/tvastegs/verifiera/", {"token": codes[0]}).status_code == 302
    assert first.get("/deltagare/").status_code == 200
    second = signed_in(guide)
    assert second.post("/tvastegs/verifiera/", {"token": codes[0]}).status_code == 200
    assert second.get("/deltagare/").status_code == 302
    assert StaticToken.objects.filter(device__user=guide).count() == 9


def test_a_wrong_first_code_does_not_enable_it(guide):
    client = signed_in(guide)
    client.get("/tvastegs/")
    response = client.post("/tvastegs/", {"token": "123456"})
    assert response.status_code == 200 and "codes" not in response.context
    assert not TOTPDevice.objects.filter(user=guide, confirmed=True).exists()


# --- the API token endpoint asks for the second factor --------------------------------------

PASSWORD = "pw-brygga-123"
LIMIT = 3


def token(username, address="10.4.4.4", **extra):
    from rest_framework.test import APIClient

    return APIClient(REMOTE_ADDR=address).post(
        "/api/v1/auth/token/", {"username": username, "password": PASSWORD, **extra}
    )


def fresh_step(device: TOTPDevice) -> None:
    """As if the next 30 s step had come and django-otp's own throttle had passed."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    device.refresh_from_db()


@pytest.fixture
def lockout_on(settings):
    from django.core.cache import cache

    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = LIMIT
    cache.clear()


def test_a_token_needs_the_code_of_a_user_with_a_device(guide):
    from rest_framework.authtoken.models import Token

    enable(signed_in(guide), guide)
    device = TOTPDevice.objects.get(user=guide, confirmed=True)
    fresh_step(device)
    for missing in ({}, {"otp": ""}, {"otp": "   "}):
        response = token("gustav", **missing)
        assert response.status_code == 400
        assert response.json()["otp"] == [
            "En kod från din autentiseringsapp (eller en reservkod) krävs."
        ]
    assert not Token.objects.filter(user=guide).exists()
    response = token("gustav", otp=code(device))
    assert response.status_code == 200
    assert Token.objects.get(user=guide).key == response.json()["token"]


def test_a_wrong_code_gives_no_token(guide):
    from rest_framework.authtoken.models import Token

    enable(signed_in(guide), guide)
    response = token("gustav", otp="000000")
    assert response.status_code == 400 and response.json()["otp"] == ["Koden stämmer inte."]
    assert not Token.objects.filter(user=guide).exists()


def test_a_recovery_code_gives_a_token_once(guide):
    codes = enable(signed_in(guide), guide)
    assert token("gustav", otp=codes[1]).status_code == 200
    assert token("gustav", otp=codes[1]).status_code == 400
    assert StaticToken.objects.filter(device__user=guide).count() == 9


def test_wrong_codes_count_towards_the_same_lockout_as_wrong_passwords(guide, lockout_on):
    from axes.models import AccessAttempt
    from rest_framework.test import APIClient

    enable(signed_in(guide), guide)
    device = TOTPDevice.objects.get(user=guide, confirmed=True)
    wrong_password = APIClient(REMOTE_ADDR="10.4.4.4").post(
        "/api/v1/auth/token/", {"username": "gustav", "password": "wrong"}
    )
    assert wrong_password.status_code == 400
    for _ in range(LIMIT - 2):
        assert token("gustav", otp="000000").status_code == 400
    assert token("gustav", otp="000000").status_code == 429  # the limit is reached
    fresh_step(device)
    assert token("gustav", otp=code(device)).status_code == 429  # locked: even the right code
    attempt = AccessAttempt.objects.get(username="gustav", ip_address="10.4.4.4")
    assert attempt.failures_since_start >= LIMIT
    assert "000000" not in attempt.post_data  # the code is not kept
    assert token("gustav", "10.4.4.5", otp=code(device)).status_code == 200  # another address


def test_a_missing_code_does_not_count_and_a_right_one_resets_the_count(guide, lockout_on):
    from axes.models import AccessAttempt

    enable(signed_in(guide), guide)
    device = TOTPDevice.objects.get(user=guide, confirmed=True)
    for _ in range(LIMIT + 1):
        assert token("gustav").status_code == 400
    assert token("gustav", otp="000000").status_code == 400
    assert AccessAttempt.objects.get(username="gustav").failures_since_start == 1
    fresh_step(device)
    assert token("gustav", otp=code(device)).status_code == 200
    assert not AccessAttempt.objects.filter(username="gustav", failures_since_start__gt=0).exists()


def test_an_administrator_needs_a_device_for_a_token_when_required(admin_user, settings):
    settings.OTP_REQUIRED_FOR_ADMINS = True
    response = token("ada")
    assert response.status_code == 400
    assert response.json()["otp"] == [
        "Aktivera tvåstegsverifiering i Bryggas sidor innan du hämtar en token."
    ]
    settings.OTP_REQUIRED_FOR_ADMINS = False
    assert token("ada").status_code == 200


def test_an_administrator_with_a_device_gives_the_code(admin_user, settings):
    settings.OTP_REQUIRED_FOR_ADMINS = True
    enable(signed_in(admin_user), admin_user)
    device = TOTPDevice.objects.get(user=admin_user, confirmed=True)
    fresh_step(device)
    assert token("ada").status_code == 400
    assert token("ada", otp=code(device)).status_code == 200


def test_staff_without_a_device_get_a_token_with_the_password_alone(guide, settings):
    settings.OTP_REQUIRED_FOR_ADMINS = True
    assert token("gustav").status_code == 200


def test_the_schema_documents_the_optional_code():
    from rest_framework.test import APIClient

    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()
    body = schema["components"]["schemas"]["TokenInputRequest"]
    assert "otp" in body["properties"] and "otp" not in body["required"]
