from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from placements.choices import FollowUpStatus, PlacementStatus
from placements.models import FollowUp, Placement


def my_followups(user, *, when: str, today: dt.date | None = None):
    """A guide's planned follow-ups: ``today``, ``week`` (today + 6 days) or ``overdue``."""
    today = today or timezone.localdate()
    qs = (
        FollowUp.objects.visible_to(user)
        .filter(
            status=FollowUpStatus.PLANNED,
            placement__guide=user,
            placement__status__in=[PlacementStatus.AGREED, PlacementStatus.ONGOING],
        )
        .select_related("placement__participant", "placement__task_profile__employer")
    )
    if when == "today":
        return qs.filter(planned_on=today)
    if when == "week":
        return qs.filter(planned_on__gte=today, planned_on__lte=today + dt.timedelta(days=6))
    if when == "overdue":
        return qs.filter(planned_on__lt=today)
    raise ValueError(when)


@dataclass(frozen=True)
class ExitContext:
    """What the exit-date rule (``rules.DATE_RULES["exit"]``) needs to know about a participant."""

    participant: object
    latest_placement_date: dt.date | None


def exit_context(participant) -> ExitContext:
    """The latest day a placement of the participant still happens on: the start (or hiring) of
    an open one, or the end of an ended one. Withdrawn proposals never happened, so they do not
    count. The exit cannot be before it, or the participant would leave before the placement."""
    dates: list[dt.date] = []
    for status, started, hired, ended, withdrawn in Placement.objects.filter(
        participant=participant
    ).values_list("status", "started_on", "hired_on", "ended_on", "withdraw_reason"):
        if status == PlacementStatus.ENDED:
            if ended and not withdrawn:
                dates.append(ended)
        else:
            dates += [d for d in (started, hired) if d]
    return ExitContext(participant=participant, latest_placement_date=max(dates, default=None))
