"""A new password ends both the user's other web sessions AND their API tokens, whichever way it
was set: the change-password page, a reset link, the admin (``set_password``). A sign-in, or
Django's re-hash of the same password, leaves the token alone."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PASSWORD = "pw-brygga-123"
NEW = "Ny-lösen-2026-stark"


@pytest.fixture(autouse=True)
def _fresh():
    cache.clear()


def api_token(username: str, password: str = PASSWORD) -> str:
    response = APIClient().post("/api/v1/auth/token/", {"username": username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def token_works(key: str) -> bool:
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/me/").status_code == 200


def signed_in(client: Client) -> bool:
    response = client.get("/deltagare/")
    return response.status_code == 200


def test_changing_the_password_in_the_pages_ends_tokens_and_other_sessions(guide):
    key = api_token("gustav")
    other_browser, this_browser = Client(), Client()
    other_browser.force_login(guide)
    this_browser.force_login(guide)
    assert token_works(key) and signed_in(other_browser)

    form = this_browser.get("/losenord/byt/").content.decode()
    assert "Byt lösenord" in form and "API" in form
    response = this_browser.post(
        "/losenord/byt/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302 and response.url == "/losenord/byt/klart/"
    assert "API-nycklar" in this_browser.get(response.url).content.decode()

    assert not token_works(key)
    assert not Token.objects.filter(user=guide).exists()
    assert not signed_in(other_browser)
    assert signed_in(this_browser)  # the browser that changed it stays signed in
    assert token_works(api_token("gustav", NEW))  # a fresh token with the new password works


def test_a_wrong_old_password_changes_nothing(guide):
    key = api_token("gustav")
    browser = Client()
    browser.force_login(guide)
    response = browser.post(
        "/losenord/byt/", {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 200  # the form again, with its error
    guide.refresh_from_db()
    assert guide.check_password(PASSWORD) and token_works(key)


def test_a_password_reset_ends_tokens_and_sessions(guide):
    key = api_token("gustav")
    other_browser = Client()
    other_browser.force_login(guide)

    Client().post("/losenord/aterstall/", {"email": guide.email})
    link = re.search(r"https?://[^/\s]+(/losenord/aterstall/\S+/\S+/)", mail.outbox[-1].body)
    person = Client()
    form = person.get(link.group(1), follow=True)
    assert form.status_code == 200
    done = person.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done.url == "/losenord/aterstall/klart/"

    assert not token_works(key)
    assert not signed_in(other_browser)


def test_an_administrator_setting_the_password_ends_the_tokens(guide):
    key = api_token("gustav")
    guide.set_password(NEW)
    guide.save()
    assert not Token.objects.filter(user=guide).exists() and not token_works(key)


def test_signing_in_and_a_rehash_keep_the_token(guide):
    key = api_token("gustav")
    assert Client().post("/logga-in/", {"username": "gustav", "password": PASSWORD}).status_code
    guide.refresh_from_db()
    guide.first_name = "Gustav"
    guide.save()  # an ordinary edit of the user
    # Django's re-hash of the same password on sign-in (a stronger hasher) is no new password
    guide.check_password(PASSWORD)
    guide.set_password(PASSWORD)
    guide._password = None  # exactly what the re-hash setter in check_password does
    guide.save(update_fields=["password"])
    assert token_works(key)
