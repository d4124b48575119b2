"""Two guides agree the last slot at the same moment: exactly one wins, on SQLite and PostgreSQL."""

import threading

import pytest
from django.db import connection, connections

from core.exceptions import SlotUnavailable
from employers.models import TaskProfile
from placements.models import Placement
from placements.services.placements import placement_agree
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


@pytest.mark.parametrize("attempt", range(2))
def test_two_proposals_for_the_same_pair_at_once_make_one(
    guide, participant, task_profile, attempt
):
    import datetime as dt

    from django.core.exceptions import ValidationError

    from placements.services.placements import placement_propose

    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def propose(name):
        try:
            barrier.wait(timeout=10)
            placement_propose(
                participant=participant,
                task_profile=task_profile,
                by=guide,
                planned_start=dt.date(2026, 12, 1),
                planned_end=dt.date(2027, 2, 1),
                hours_per_week=10,
            )
            outcomes[name] = "proposed"
        except ValidationError as exc:
            outcomes[name] = "duplicate" if "task_profile" in exc.message_dict else repr(exc)
        except Exception as exc:  # noqa: BLE001 - reported in the assertion below
            outcomes[name] = f"error: {exc!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=propose, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes.values()) == ["duplicate", "proposed"], (connection.vendor, outcomes)
    assert Placement.objects.filter(participant=participant, task_profile=task_profile).count() == 1
