"""Who wrote an audit entry, and from where (core/security/audit_actor.py): one receiver connected
once, a context variable per request, never a receiver connected per request."""

import pytest
from django.db import OperationalError
from django.db.models.signals import pre_save
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from matching.participants.models.participants import ParticipantQuerySet


def audit_receivers() -> int:
    """``pre_save`` receivers for the audit entries: ours, and any django-auditlog's own context
    connects per request (dispatch uid ``("set_actor", t)``)."""
    from auditlog.models import LogEntry

    return len(pre_save._live_receivers(LogEntry)[0])


def test_one_receiver_attributes_the_entries():
    assert audit_receivers() == 1
    assert not [uid for (uid, _sender), *_ in pre_save.receivers if uid[0] == "set_actor"]


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


@pytest.mark.django_db
def test_a_page_write_is_attributed_to_the_user_from_the_client_address_not_a_forwarded_one(
    guide, participant, settings
):
    """django-auditlog's middleware logged X-Forwarded-For whoever sent it: a page's write could
    be logged from any address its sender chose. Now the client address, as for the access log."""
    from auditlog.models import LogEntry
    from django.test import RequestFactory

    from core.security.audit_actor import AuditActorMiddleware

    settings.AXES_IPWARE_PROXY_COUNT = 0

    def view(request):
        participant.hours_max = 13
        participant.save()
        return None

    request = RequestFactory().post("/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="6.6.6.6")
    request.user = guide
    AuditActorMiddleware(view)(request)
    entry = LogEntry.objects.get_for_object(participant).latest("pk")
    assert (entry.actor, entry.actor_email, entry.remote_addr) == (guide, guide.email, "10.1.2.3")

    settings.AXES_IPWARE_PROXY_COUNT = 1  # behind one trusted proxy: the address it forwarded
    participant.hours_max = 14
    AuditActorMiddleware(lambda r: participant.save())(request)
    assert LogEntry.objects.get_for_object(participant).latest("pk").remote_addr == "6.6.6.6"

    participant.hours_max = 15
    participant.save()  # outside any request: no actor, no address
    entry = LogEntry.objects.get_for_object(participant).latest("pk")
    assert (entry.actor, entry.remote_addr) == (None, None)
