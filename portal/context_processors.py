"""Counts the menu shows beside a link. Each is one cheap COUNT, and only computed when the page's
template actually reads it (the menu does; a fragment or a download never asks)."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from core.choices import Role
from core.roles import role_of


def _counts(user) -> dict[str, int]:
    from employers.models import TaskProfile
    from matching.participants.selectors import is_quality_assurer, ocn_cases_awaiting_internal_qa

    role = role_of(user)
    counts: dict[str, int] = {}
    if role in (Role.COORDINATOR, Role.ADMIN):
        # Employers' requests (a profile or a change) not yet marked handled.
        counts["open_requests"] = (
            TaskProfile.objects.visible_to(user)
            .filter(requested_by__isnull=False, request_handled_at__isnull=True)
            .count()
        )
    if role == Role.ADMIN or (
        role in (Role.GUIDE, Role.COORDINATOR, Role.MANAGER) and is_quality_assurer(user)
    ):
        counts["qa_waiting"] = ocn_cases_awaiting_internal_qa(user).count()
    return counts


def menu_counts(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"menu_counts": SimpleLazyObject(lambda: _counts(user))}
