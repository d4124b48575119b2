"""Backup and restore round trip: row counts of every table and one participant's full record come
back exactly (SQLite in the normal run, PostgreSQL in the PostgreSQL run)."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.forms.models import model_to_dict

from matching.models import Participant, ParticipantSkill
from tests.factories.matching import ParticipantFactory


def row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def full_record(pk: int) -> dict:
    person = Participant.objects.get(pk=pk)
    record = {"fields": model_to_dict(person)}
    for relation in Participant._meta.related_objects:
        if relation.one_to_many or relation.one_to_one:
            rows = relation.related_model._default_manager.filter(**{relation.field.name: person})
            record[relation.name] = list(rows.order_by("pk").values())
    return record


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_then_restore_gives_back_every_row_and_the_full_record(participant, tmp_path):
    ParticipantSkill.objects.create(
        participant=participant, free_text="Truckkort A", source="validated", level=3
    )
    ParticipantFactory.create_batch(3, unit=participant.unit, guide=participant.guide)
    before_counts, before_record = row_counts(), full_record(participant.pk)
    assert before_record["fields"]["personnummer"]
    assert before_counts["matching.Participant"] == 4

    target = tmp_path / ("brygga.dump" if connection.vendor == "postgresql" else "brygga.sqlite3")
    call_command("backup", str(target))
    assert target.stat().st_size > 0

    # Damage: the participant is gone, another appears, an edit is made.
    Participant.objects.filter(pk=participant.pk).delete()
    ParticipantFactory(unit=participant.unit, guide=participant.guide)
    Participant.objects.update(support_needs="overwritten")
    assert row_counts() != before_counts

    call_command("restore", str(target), "--yes")

    assert row_counts() == before_counts
    assert full_record(participant.pk) == before_record


def test_restore_asks_for_confirmation(tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "x"))
