"""Overdue follow-ups and e-mail reminders, with a frozen clock; the job on the embedded broker."""

import datetime as dt
import time

import pytest
import time_machine
from django.core import mail

from placements.models import FollowUp, ReminderSent
from placements.services.followups import send_followup_reminders

pytestmark = pytest.mark.django_db


def at(day):
    return time_machine.travel(dt.datetime(2026, 11, day, 6, tzinfo=dt.UTC), tick=False)


def test_overdue_is_flagged_by_the_clock(placement):
    followup = FollowUp.objects.create(placement=placement, planned_on=dt.date(2026, 11, 20))
    with at(20):
        assert not followup.is_overdue
    with at(21):
        assert followup.is_overdue
        assert list(FollowUp.objects.overdue(dt.date(2026, 11, 21))) == [followup]


def test_reminders_go_to_the_guide_once_a_day(placement, guide):
    due = FollowUp.objects.create(placement=placement, planned_on=dt.date(2026, 11, 24))
    late = FollowUp.objects.create(placement=placement, planned_on=dt.date(2026, 11, 17))
    FollowUp.objects.create(placement=placement, planned_on=dt.date(2026, 11, 30))  # not yet
    FollowUp.objects.create(placement=placement, planned_on=dt.date(2026, 11, 10), status="done")
    with at(24):
        assert send_followup_reminders() == 1
        assert send_followup_reminders() == 0  # idempotent for the day
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [guide.email]
    assert (
        placement.participant.code in message.body
        and "2026-11-17" in message.body
        and "2026-11-30" not in message.body
    )
    assert "Yusuf" not in message.body  # e-mail carries the pseudonymous code, not the name
    assert set(ReminderSent.objects.values_list("followup_id", flat=True)) == {due.pk, late.pk}
    with at(25):
        send_followup_reminders()
    assert len(mail.outbox) == 2  # still overdue the next day


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reminder_job_runs_on_the_embedded_filesystem_broker(placement, guide, tmp_path, settings):
    """The default installation has no broker server: a worker on kombu's filesystem transport runs the job."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from placements.tasks import send_followup_reminders as task

    FollowUp.objects.create(placement=placement, planned_on=dt.date(2026, 11, 20))
    queue = tmp_path / "queue"
    queue.mkdir()
    original = dict(app.conf)
    app.conf.update(
        broker_url="filesystem://",
        broker_transport_options={
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "processed_folder": str(tmp_path),
            "store_processed": False,
        },
        task_always_eager=False,
    )
    app._pool = None  # connections made with the old settings must not be reused
    try:
        with at(24), start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            with app.connection_for_write() as connection:
                task.apply_async(connection=connection)
            deadline = time.monotonic() + 20
            while not ReminderSent.objects.exists() and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        app.conf.update(
            {
                k: original[k]
                for k in ("broker_url", "broker_transport_options", "task_always_eager")
            }
        )
        app._pool = None
    assert len(mail.outbox) == 1
