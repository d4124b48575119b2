"""Matching listens to the layers below it: a changed participant (``matching.participants``) or
kravprofil (``employers``) refreshes the suggestions that depend on it. Each receiver runs inside the
sender's transaction, so the refresh is an outbox row written with the change. Connected in
``MatchingConfig.ready``."""

from __future__ import annotations

from employers.models import TaskProfile
from employers.signals import site_moved, task_profile_changed
from matching.models import Participant
from matching.participants.signals import participant_changed
from matching.services.recompute import refreshes_suppressed_now, schedule_refresh
from matching.transit.matrix import participant_routing_changed, profile_routing_changed
from matching.transit.refresh import (
    schedule_transit_refresh,
    schedule_transit_refresh_for_region,
    units_matching,
)


def refresh_changed_participant(sender, *, participant_id: int, saved=None, **kwargs) -> None:
    """The participant's suggestions always; the unit's timetable matrix only when the change
    moves them in it (a new home, starting or stopping the bus: ``participant_routing_changed``).
    ``saved``: the row as the sender's transaction just wrote it (no need to fetch it again)."""
    schedule_refresh(participant_id=participant_id)
    if not refreshes_suppressed_now():
        participant = saved or Participant.objects.filter(pk=participant_id).first()
        if participant is not None and participant_routing_changed(participant):
            schedule_transit_refresh(unit_id=participant.unit_id)


def refresh_changed_profile(sender, *, profile_id: int, **kwargs) -> None:
    schedule_refresh(profile_id=profile_id)
    if not refreshes_suppressed_now():
        profile = TaskProfile.objects.filter(pk=profile_id).select_related("site", "unit").first()
        if profile is None or profile.unit_id is None:
            return
        region_id = profile.unit.region_id if profile.regional else None
        for unit_id in units_matching(region_id=region_id, unit_id=profile.unit_id):
            if profile_routing_changed(profile, unit_id):
                schedule_transit_refresh(unit_id=unit_id)


def refresh_moved_site(sender, *, site_id: int, **kwargs) -> None:
    """Every unit whose open profiles are at the site routes to it again."""
    rows = TaskProfile.objects.filter(site_id=site_id).values_list(
        "unit_id", "unit__region_id", "regional"
    )
    for unit_id, region_id, regional in set(rows):
        if unit_id is not None:
            schedule_transit_refresh_for_region(
                region_id=region_id if regional else None, unit_id=unit_id
            )


def connect() -> None:
    site_moved.connect(refresh_moved_site, dispatch_uid="matching.transit_site_moved")
    participant_changed.connect(
        refresh_changed_participant, dispatch_uid="matching.refresh_participant"
    )
    task_profile_changed.connect(refresh_changed_profile, dispatch_uid="matching.refresh_profile")
