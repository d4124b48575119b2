"""Retention and erasure (issue 13): rules anonymise exited participants after a notice period,
the job logs what it did, an administrator exports everything held and anonymises on request;
statistics counts stay."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from core.retention import RetentionRun, retention_run
from matching.choices import Phase
from matching.models import Participant, PhaseChange
from matching.participants.retention import ANONYMISED, retention_due, retention_notice_list
from tests.factories.matching import ParticipantFactory

pytestmark = pytest.mark.django_db


def exited(unit, guide, years_ago: float, **kw):
    person = ParticipantFactory(unit=unit, guide=guide, phase=Phase.EXITED, active=False, **kw)
    PhaseChange.objects.create(
        participant=person,
        from_phase=Phase.FINNA,
        to_phase=Phase.EXITED,
        reason="Slutade",
        at=timezone.now() - dt.timedelta(days=365.25 * years_ago),
    )
    return person


def test_the_rule_anonymises_after_the_period_with_a_notice_list_first(unit, guide, settings):
    settings.RETENTION = {"participant_exited_years": 5, "notice_days": 30}
    old = exited(unit, guide, 6, personnummer="19850709-9805", support_needs="Epilepsi")
    soon = exited(unit, guide, 5 - 10 / 365)
    recent = exited(unit, guide, 1)
    assert list(retention_due()) == [old]
    assert list(retention_notice_list()) == [soon]
    counts = Participant.objects.count(), Participant.objects.filter(phase=Phase.EXITED).count()
    run = retention_run()
    assert run.counts["participants"] == 1 and run.notice["participants"] == 1
    old.refresh_from_db()
    assert old.first_name == ANONYMISED and old.personnummer == "" and old.support_needs == ""
    assert old.code and old.birth_year and old.gender  # what statistics count stays
    recent.refresh_from_db()
    assert recent.first_name != ANONYMISED
    assert counts == (
        Participant.objects.count(),
        Participant.objects.filter(phase=Phase.EXITED).count(),
    )
    assert retention_run().counts["participants"] == 0  # idempotent


def test_the_job_runs_from_celery_and_keeps_a_run_record(unit, guide, settings, caplog):
    from core.tasks import apply_retention
    from matching.tasks import apply_retention as queued_before_the_move

    settings.RETENTION = {"participant_exited_years": 5, "notice_days": 30}
    exited(unit, guide, 7)
    with caplog.at_level("INFO"):
        result = apply_retention.delay().get()
    assert result["counts"]["participants"] == 1
    assert "Retention: 1 participants anonymised, 0 on the notice list" in caplog.text
    run = RetentionRun.objects.get(pk=result["run"])
    assert run.counts["participants"] == 1 and run.finished_at is not None
    assert queued_before_the_move.delay().get()["counts"]["participants"] == 0
    assert RetentionRun.objects.count() == 2
    assert "apply-retention-rules" in settings.CELERY_BEAT_SCHEDULE
    assert (
        settings.CELERY_BEAT_SCHEDULE["apply-retention-rules"]["task"]
        == "core.tasks.apply_retention"
    )


@pytest.mark.parametrize(("role", "expected"), [("admin_user", 200), ("guide", 403), (None, 302)])
def test_only_an_administrator_exports_everything_held(request, participant, role, expected):
    client = Client()
    if role:
        client.force_login(request.getfixturevalue(role))
    response = client.get(f"/sakerhet/deltagare/{participant.pk}/utdrag/?format=json")
    assert response.status_code == expected
    if expected == 200:
        sections = {s["key"]: s for s in json.loads(response.content)["sections"]}
        identity = {f["key"]: f["value"] for f in sections["identity"]["fields"]}
        assert identity["personnummer"] == "19850709-9805"
        needs = {t["key"]: t for t in sections["profile"]["tables"]}["adaptation_needs"]
        assert needs["rows"][0]["description"] == "Ljudkänslig efter stroke."
        page = client.get(f"/sakerhet/deltagare/{participant.pk}/utdrag/")
        assert "Yusuf" in page.content.decode()


def test_an_administrator_anonymises_on_request(admin_user, guide, participant):
    client = Client()
    client.force_login(guide)
    assert client.post(f"/sakerhet/deltagare/{participant.pk}/anonymisera/").status_code == 403
    client.force_login(admin_user)
    response = client.post(
        f"/sakerhet/deltagare/{participant.pk}/anonymisera/",
        {"reason": "Begäran art. 17", "confirm_active": "on"},  # still active (issue 20)
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.last_name == ANONYMISED and participant.personnummer == ""
    assert participant.adaptation_needs.get().description == ""
    assert Participant.objects.filter(pk=participant.pk).exists()  # counted in statistics
