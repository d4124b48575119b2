"""Keeping the units' public-transport matrices current (issue 24): background work, queued with
the change that calls for it (an outbox row, like every other refresh) and coalesced per unit.

A participant's home or ways of travelling, a site's position or a profile's times change a few
pairs; until the unit's run finishes, the engine leaves any moved row or column out and estimates
those pairs (``matrix.transit_grid_for``), so no request waits for the router."""

from __future__ import annotations

from core import outbox
from core.models import Unit
from matching.transit.feeds import transit_feed_for_unit

COALESCE_SECONDS = 5


def schedule_transit_refresh(*, unit_id: int) -> bool:
    """Queue a matrix run for the unit if it routes with a feed. True if queued."""
    if transit_feed_for_unit(unit_id=unit_id) is None:
        return False
    message = outbox.enqueue(
        "matching.tasks.refresh_transit_matrix",
        args=[unit_id],
        countdown=COALESCE_SECONDS,
        key=f"transit:unit:{unit_id}",
    )
    return message is not None


def schedule_transit_refresh_for_units(unit_ids) -> int:
    return sum(schedule_transit_refresh(unit_id=u) for u in unit_ids)


def units_matching(*, region_id: int | None, unit_id: int) -> set[int]:
    """The units whose participants are matched to a profile of ``unit_id``: a regional profile
    (``region_id`` given) is matched by every unit of its region."""
    units = (
        Unit.objects.filter(region_id=region_id).values_list("pk", flat=True)
        if region_id is not None
        else []
    )
    return set(units) | {unit_id}


def schedule_transit_refresh_for_region(*, region_id: int | None, unit_id: int) -> int:
    return schedule_transit_refresh_for_units(units_matching(region_id=region_id, unit_id=unit_id))
