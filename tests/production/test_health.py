"""Probes, request ids and the 503 answer when the infrastructure is down."""

import pytest
from django.db import OperationalError
from django.test import Client
from kombu.exceptions import OperationalError as BrokerError

from config import health
from config.celery import app
from core import request_id
from matching.participants.models.participants import ParticipantQuerySet


@app.task(name="tests.production.current_request_id")
def current_request_id() -> str:
    return request_id.current()


def test_liveness_answers_without_touching_the_database(client):
    # No django_db mark: any query would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readiness_checks_database_broker_and_cache(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert set(body["checks"]) == {"database", "broker", "cache"}
    assert all(check["ok"] for check in body["checks"].values())


@pytest.mark.django_db
@pytest.mark.parametrize("failing", ["database", "broker", "cache"])
def test_readiness_is_503_with_retry_after_when_a_dependency_is_down(client, monkeypatch, failing):
    def down():
        raise ConnectionRefusedError(f"{failing} is down")

    monkeypatch.setitem(health.CHECKS, failing, down)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    checks = response.json()["checks"]
    assert checks[failing]["ok"] is False
    assert "is down" in checks[failing]["error"]
    assert all(c["ok"] for name, c in checks.items() if name != failing)


def test_a_request_id_is_echoed_or_made(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234")["X-Request-ID"] == "lb-1234"
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32
    # Arbitrary text does not reach the logs.
    hostile = client.get("/healthz", HTTP_X_REQUEST_ID="x\ny: 1 " + "a" * 200)["X-Request-ID"]
    assert hostile != "x\ny: 1 " + "a" * 200
    assert len(hostile) == 32


def test_the_request_id_is_stamped_on_queued_tasks_and_restored_in_the_worker():
    from celery.signals import before_task_publish

    headers: dict = {}
    token = request_id.activate("req-42")
    try:
        before_task_publish.send(sender="x", headers=headers, body=None)
    finally:
        request_id.reset(token)
    assert headers[request_id.TASK_HEADER] == "req-42"
    # The worker side: the header becomes the task's context, and is gone afterwards.
    result = current_request_id.apply(headers={request_id.TASK_HEADER: "req-42"})
    assert result.get() == "req-42"
    assert request_id.current() == request_id.NONE
    # A task nobody's request queued (beat, sweeps) gets its own id.
    assert current_request_id.apply(task_id="abc").get() == "task-abc"


def test_log_records_carry_the_request_id(client, caplog):
    caplog.set_level("INFO", logger="brygga.request")
    client.get("/healthz", HTTP_X_REQUEST_ID="trace-me")
    lines = [r for r in caplog.records if r.name == "brygga.request"]
    assert lines
    assert lines[-1].request_id == "trace-me"
    assert lines[-1].status == 200
    # The request's own CPU beside its duration: a slow request that waited shows it.
    assert 0 <= lines[-1].cpu_ms <= lines[-1].duration_ms + 1


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError("db down"), BrokerError("redis down")])
def test_api_answers_503_with_retry_after_when_infrastructure_is_down(
    api, guide, monkeypatch, error
):
    def boom(self, user):
        raise error

    monkeypatch.setattr(ParticipantQuerySet, "visible_to", boom)
    response = api(guide).get("/api/v1/participants/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "detail" in response.json()


@pytest.mark.django_db
def test_pages_answer_a_friendly_503_when_the_database_is_down(guide, monkeypatch):
    def boom(self, user):
        raise OperationalError("db down")

    monkeypatch.setattr(ParticipantQuerySet, "visible_to", boom)
    client = Client(raise_request_exception=False)
    client.force_login(guide)
    response = client.get("/deltagare/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Brygga är tillfälligt otillgängligt" in response.content.decode()  # Swedish default
    assert "Traceback" not in response.content.decode()


def test_errors_outside_views_become_503_through_handler500(rf):
    from core.unavailable import server_error

    request = rf.get("/api/v1/participants/")
    try:
        raise OperationalError("session save failed")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
