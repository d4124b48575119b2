"""Counts the menu shows beside a link. Each is one cheap COUNT, and only computed when the page's
template actually reads it (the menu does; a fragment or a download never asks)."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from core.choices import Role
from core.compiled import CompiledRows
from core.roles import role_of


def open_requests(user):
    """Employers' requests (a profile or a change) the user's scope has not yet marked handled."""
    from employers.models import TaskProfile

    return TaskProfile.objects.visible_to(user).waiting_requests().values_list("pk")


def qa_waiting(user):
    """The OCN cases waiting for the user's internal quality assurance (their worklist)."""
    from matching.participants.selectors import ocn_cases_awaiting_internal_qa

    return ocn_cases_awaiting_internal_qa(user).values_list("pk")


# Counted on every staff page: compiled once per role (``core.compiled``), a handful of rows.
_OPEN_REQUESTS = CompiledRows(open_requests, scoped=True)
_QA_WAITING = CompiledRows(qa_waiting, scoped=True)


def _counts(user) -> dict[str, int]:
    from matching.participants.selectors import is_quality_assurer

    role = role_of(user)
    counts: dict[str, int] = {}
    if role in (Role.COORDINATOR, Role.ADMIN):
        counts["open_requests"] = len(_OPEN_REQUESTS.rows(user=user))
    if role == Role.ADMIN or (
        role in (Role.GUIDE, Role.COORDINATOR, Role.MANAGER) and is_quality_assurer(user)
    ):
        counts["qa_waiting"] = len(_QA_WAITING.rows(user=user))
    return counts


def menu_counts(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"menu_counts": SimpleLazyObject(lambda: _counts(user))}
