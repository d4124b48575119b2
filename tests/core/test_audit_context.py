"""The API's audit actor context is always left: no ``pre_save`` receiver outlives its request."""

import pytest
from django.db import OperationalError
from django.db.models.signals import pre_save
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from matching.participants.models.participants import ParticipantQuerySet


def audit_receivers() -> int:
    """Receivers django-auditlog connected for a request's actor (dispatch uid ``("set_actor", t)``)."""
    return sum(1 for (uid, _sender), *_ in pre_save.receivers if uid[0] == "set_actor")


@pytest.mark.django_db
def test_api_requests_leave_no_audit_receiver_behind(guide, participant):
    client = Client()
    client.force_login(guide)
    before = audit_receivers()
    for hours in (20, 21, 22):
        response = client.patch(
            f"/api/v1/participants/{participant.pk}/",
            {"hours_max": hours},
            content_type="application/json",
        )
        assert response.status_code == 200
        assert client.get("/api/v1/participants/").status_code == 200
    assert audit_receivers() == before


@pytest.mark.django_db
def test_an_api_request_that_fails_on_the_database_leaves_its_audit_context(guide, monkeypatch):
    def down(self, user):
        raise OperationalError("db down")

    monkeypatch.setattr(ParticipantQuerySet, "visible_to", down)
    client = Client(raise_request_exception=False)
    client.force_login(guide)
    before = audit_receivers()
    for _ in range(3):
        assert client.get("/api/v1/participants/").status_code == 503
    assert audit_receivers() == before


@pytest.mark.django_db
def test_a_token_users_api_write_is_attributed_to_them(guide, participant):
    from auditlog.models import LogEntry

    # Token auth happens after the middleware: the actor comes from the API's own context.
    token = Token.objects.create(user=guide)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")
    before = audit_receivers()
    response = client.patch(f"/api/v1/participants/{participant.pk}/", {"hours_max": 17})
    assert response.status_code == 200
    entry = LogEntry.objects.get_for_object(participant).filter(action=LogEntry.Action.UPDATE)
    assert entry.latest("pk").actor == guide
    assert audit_receivers() == before
