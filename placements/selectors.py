from __future__ import annotations

import datetime as dt

from django.utils import timezone

from placements.choices import FollowUpStatus, PlacementStatus
from placements.models import FollowUp


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
