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
