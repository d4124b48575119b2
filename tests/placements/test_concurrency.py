"""Two guides agree the last slot at the same moment: exactly one wins, on SQLite and PostgreSQL."""

import threading

import pytest
from django.db import connection, connections

from core.exceptions import SlotUnavailable
from employers.models import TaskProfile
from placements.models import Placement
from placements.services import placement_agree
from tests.factories.matching import ParticipantFactory
from tests.factories.placements import PlacementFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.concurrency,
]


@pytest.mark.parametrize("attempt", range(3))
def test_the_last_slot_is_never_overbooked(unit, guide, colleague_guide, task_profile, attempt):
    TaskProfile.objects.filter(pk=task_profile.pk).update(slots_total=2, slots_taken=1)
    mine = PlacementFactory(
        participant=ParticipantFactory(unit=unit, guide=guide),
        task_profile=task_profile,
        status="proposed",
    )
    theirs = PlacementFactory(
        participant=ParticipantFactory(unit=unit, guide=colleague_guide),
        task_profile=task_profile,
        status="proposed",
    )
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def agree(name, placement, user):
        try:
            barrier.wait(timeout=10)
            placement_agree(placement=placement, by=user)
            outcomes[name] = "agreed"
        except SlotUnavailable:
            outcomes[name] = "full"
        except Exception as exc:  # noqa: BLE001 - reported in the assertion below
            outcomes[name] = f"error: {exc!r}"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=agree, args=("a", mine, guide)),
        threading.Thread(target=agree, args=("b", theirs, colleague_guide)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes.values()) == ["agreed", "full"], (connection.vendor, outcomes)
    profile = TaskProfile.objects.get(pk=task_profile.pk)
    assert (profile.slots_taken, profile.status) == (2, "filled")
    assert Placement.objects.filter(status="agreed").count() == 1
    assert Placement.objects.filter(status="proposed").count() == 1
