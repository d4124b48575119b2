"""A warm API request writes nothing it need not (issue 14): the session's last activity is saved
at most once a minute, and the idle limit still ends the session."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db


def session_writes(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum(
        1
        for q in queries.captured_queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    )


def test_the_session_is_saved_at_most_once_a_minute(guide, time_machine, settings):
    time_machine.move_to(timezone.now(), tick=False)
    client = Client()
    client.force_login(guide)
    session_writes(client, "/api/v1/me/")
    assert session_writes(client, "/api/v1/me/") == 0  # within the minute: nothing written
    time_machine.shift(dt.timedelta(seconds=30))
    assert session_writes(client, "/api/v1/me/") == 0
    time_machine.shift(dt.timedelta(seconds=31))
    assert session_writes(client, "/api/v1/me/") == 1  # a minute on: the activity is recorded
    # Activity recorded once a minute still keeps the session alive past the idle limit …
    for _ in range(3):
        time_machine.shift(settings.SESSION_IDLE_TIMEOUT - dt.timedelta(minutes=2))
        assert client.get("/api/v1/me/").status_code == 200
    # … and idleness still ends it.
    time_machine.shift(settings.SESSION_IDLE_TIMEOUT + dt.timedelta(minutes=1))
    assert client.get("/api/v1/me/").status_code in (401, 403)


@pytest.mark.parametrize("query", ["", "?include_excluded=true&page_size=5"])
def test_every_matches_read_is_audited(api, guide, participant, query):
    from auditlog.models import LogEntry

    before = LogEntry.objects.filter(object_pk=str(participant.pk)).count()
    response = api(guide).get(f"/api/v1/participants/{participant.pk}/matches/{query}")
    assert response.status_code == 200
    entries = LogEntry.objects.filter(object_pk=str(participant.pk)).order_by("pk")
    assert entries.count() == before + 1
    assert entries.last().changes == {"read": ["api matches", ""]}
    assert entries.last().actor_id == guide.pk
