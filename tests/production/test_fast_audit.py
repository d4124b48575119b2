"""The audit of reads written without model saves (issue 14) writes the rows the ORM would."""

import pytest
from auditlog.models import LogEntry

from matching.participants.services import audit
from tests.factories.matching import ParticipantFactory

pytestmark = pytest.mark.django_db

COMPARED = [
    f.attname
    for f in LogEntry._meta.concrete_fields
    if f.attname not in ("id", "timestamp", "actor_email")
]


def test_one_read_is_the_entry_log_create_writes(participant, guide):
    audit.audit_participant_read(participant=participant, user=guide, what="api matches")
    fast = LogEntry.objects.latest("pk")
    slow = LogEntry.objects.log_create(
        participant,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=guide,
        remote_addr=None,
        changes={"read": ["api matches", ""]},
    )
    slow.refresh_from_db()
    assert {a: getattr(fast, a) for a in COMPARED} == {a: getattr(slow, a) for a in COMPARED}
    assert fast.timestamp is not None


def test_many_reads_are_one_entry_each_in_chunks(unit, guide):
    people = ParticipantFactory.create_batch(450, unit=unit, guide=guide)
    before = LogEntry.objects.count()
    written = audit.audit_participants_read(
        ids=[p.pk for p in people] + [people[0].pk, None], user=guide, what="list"
    )
    assert written == 450
    rows = LogEntry.objects.order_by("pk")[before:]
    assert len(rows) == 450
    assert {r.object_id for r in rows} == {p.pk for p in people}
    codes = {p.pk: p.code for p in people}
    assert all(r.object_repr == codes[r.object_id] for r in rows)
    assert all(r.object_pk == str(r.object_id) for r in rows)
    assert all(r.actor_id == guide.pk and r.changes == {"read": ["list", ""]} for r in rows)
    assert all(r.action == LogEntry.Action.ACCESS for r in rows)
