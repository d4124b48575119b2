"""Anonymising a participant who has not exited (issue 20): one POST used to wipe an ongoing case.
Now the administrator must give a reason, and for an active participant confirm it explicitly;
otherwise the API answers 400 with field messages and the page shows the form again with its
errors. The reason and whether the participant was active are kept in the audit entry."""

import pytest
from auditlog.models import LogEntry
from django.test import Client

from matching.models import Participant
from matching.participants.retention import ANONYMISED

pytestmark = pytest.mark.django_db


def _url(participant):
    return f"/api/v1/participants/{participant.pk}/anonymise/"


def _page(participant):
    return f"/sakerhet/deltagare/{participant.pk}/anonymisera/"


@pytest.fixture
def exited(participant):
    Participant.objects.filter(pk=participant.pk).update(phase="exited", active=False)
    participant.refresh_from_db()
    return participant


def _untouched(participant):
    participant.refresh_from_db()
    return participant.last_name == "Yusuf" and participant.personnummer


def test_the_api_refuses_an_active_participant_without_confirmation(api, admin_user, participant):
    response = api(admin_user).post(_url(participant), {"reason": "Begäran"}, format="json")
    assert response.status_code == 400
    assert "confirm_active" in response.json()
    response = api(admin_user).post(_url(participant), {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = api(admin_user).post(
        _url(participant), {"reason": "  ", "confirm_active": True}, format="json"
    )
    assert response.status_code == 400 and "reason" in response.json()
    assert _untouched(participant)


def test_the_api_anonymises_an_active_participant_with_confirmation_and_logs_why(
    api, admin_user, participant
):
    response = api(admin_user).post(
        _url(participant),
        {"reason": "Begäran art. 17", "confirm_active": True},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["code"] == participant.code
    participant.refresh_from_db()
    assert participant.last_name == ANONYMISED and participant.personnummer == ""
    entry = LogEntry.objects.filter(object_pk=str(participant.pk)).latest("pk")
    assert entry.actor == admin_user
    assert entry.additional_data == {"reason": "Begäran art. 17", "active_when_anonymised": True}


def test_the_api_anonymises_an_exited_participant_with_a_reason(api, admin_user, exited):
    response = api(admin_user).post(_url(exited), {"reason": "Begäran art. 17"}, format="json")
    assert response.status_code == 200, response.content
    exited.refresh_from_db()
    assert exited.last_name == ANONYMISED
    entry = LogEntry.objects.filter(object_pk=str(exited.pk)).latest("pk")
    assert entry.additional_data["active_when_anonymised"] is False


@pytest.mark.parametrize("who", ["guide", "coordinator", "manager", "employer_user"])
def test_only_administrators_anonymise_through_the_api(request, api, who, participant):
    user = request.getfixturevalue(who)
    body = {"reason": "Begäran", "confirm_active": True}
    assert api(user).post(_url(participant), body, format="json").status_code == 403
    assert _untouched(participant)


def test_the_page_asks_for_confirmation_for_an_active_participant(admin_user, participant):
    client = Client()
    client.force_login(admin_user)
    page = client.get(f"/sakerhet/deltagare/{participant.pk}/utdrag/").content.decode()
    assert 'name="confirm_active"' in page and 'name="reason"' in page
    response = client.post(_page(participant), {"reason": "Begäran art. 17"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Deltagaren har inte avslutats" in body  # the field message, in Swedish
    assert _untouched(participant)
    response = client.post(
        _page(participant), {"reason": "Begäran art. 17", "confirm_active": "on"}
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.last_name == ANONYMISED


def test_the_page_needs_no_confirmation_once_the_participant_has_exited(admin_user, exited):
    client = Client()
    client.force_login(admin_user)
    page = client.get(f"/sakerhet/deltagare/{exited.pk}/utdrag/").content.decode()
    assert 'name="confirm_active"' not in page
    response = client.post(_page(exited), {"reason": ""})
    assert response.status_code == 400 and "Ange skälet" in response.content.decode()
    assert client.post(_page(exited), {"reason": "Begäran art. 17"}).status_code == 302
    exited.refresh_from_db()
    assert exited.last_name == ANONYMISED
