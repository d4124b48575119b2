"""Each profile request from an employer user e-mails the coordinators: at most
PROFILE_REQUEST_RATE per user per window, refused with a message (429 in the API, a form error in
the page) and without any e-mail, profile or next step beyond it."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from core.choices import Role
from employers.models import Interaction, TaskProfile
from tests.factories.core import UserFactory
from tests.factories.employers import MembershipFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/task-profiles/request/"
PAGE = "/arbetsgivarportal/onska-profil/"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _three_an_hour(settings):
    settings.PROFILE_REQUEST_RATE = {"limit": 3, "window_seconds": 3600}


def ask(api, user, title):
    return api(user).post(URL, {"title": title, "kind": "practice"})


def test_the_api_refuses_beyond_the_limit_without_mailing(
    api, employer_user, employer, site, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [ask(api, employer_user, f"Kassa {i}").status_code for i in range(3)]
        refused = ask(api, employer_user, "Kassa 4")
    assert statuses == [201, 201, 201]
    assert refused.status_code == 429
    message = refused.json()["non_field_errors"][0]
    assert "3" in message and "60" in message
    assert len(mailoutbox) == 3 and all(m.to == [coordinator.email] for m in mailoutbox)
    assert TaskProfile.objects.filter(requested_by=employer_user).count() == 3
    assert Interaction.objects.filter(employer=employer, notes__contains="Kassa 4").count() == 0


def test_the_limit_is_per_user_and_ends_with_the_window(api, employer_user, employer, site):
    colleague = UserFactory(username="elsa", role=Role.EMPLOYER)
    MembershipFactory(user=colleague, employer=employer)
    with time_machine.travel(START, tick=False) as traveller:
        for i in range(3):
            assert ask(api, employer_user, f"Lager {i}").status_code == 201
        assert ask(api, employer_user, "Lager 4").status_code == 429
        assert ask(api, colleague, "Lager från Elsa").status_code == 201
        traveller.shift(dt.timedelta(seconds=3601))
        assert ask(api, employer_user, "Lager 5").status_code == 201


def test_invalid_requests_do_not_use_up_the_limit(api, employer_user, employer, site):
    for _ in range(5):
        response = api(employer_user).post(URL, {"title": "Kassa", "hours_min": 30, "hours_max": 8})
        assert response.status_code == 400
    assert ask(api, employer_user, "Kassa").status_code == 201


def test_the_page_shows_the_limit_in_the_form_and_sends_nothing(
    employer_user, employer, site, mailoutbox, django_capture_on_commit_callbacks
):
    browser = Client()
    browser.force_login(employer_user)
    data = {"title": "Plock", "kind": "practice", "hours_min": 10, "hours_max": 20,
            "slots_total": 1}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert browser.post(PAGE, data).status_code == 302
        page = browser.post(PAGE, data)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'role="alert"' in body
    assert "Du kan skicka högst 3 profilönskemål på 60 minuter" in body
    assert len(mailoutbox) == 3
    assert TaskProfile.objects.filter(requested_by=employer_user).count() == 3


def test_the_429_matches_the_schema(api, employer_user, employer, site):
    from tests.security.test_permission_matrix import schema_violation
    from tests.security.test_schemathesis import SCHEMA

    sent = [ask(api, employer_user, f"Kassa {i}") for i in range(3)]
    assert schema_violation(SCHEMA[URL]["POST"], URL, sent[0]) == ""
    refused = ask(api, employer_user, "Kassa 4")
    assert refused.status_code == 429
    assert schema_violation(SCHEMA[URL]["POST"], URL, refused) == ""
