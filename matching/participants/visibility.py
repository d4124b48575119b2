"""Who sees which participant fields. One function, used by serializers and pages alike."""

from __future__ import annotations

from enum import StrEnum

from core.choices import Role
from core.roles import role_of


class Access(StrEnum):
    FULL = "full"  # assigned guide, administrators: identity, personnummer, need descriptions
    LIMITED = "limited"  # other staff of the unit: code, name, profile; masked personnummer; no descriptions
    NONE = "none"


SENSITIVE_FIELDS = frozenset(
    {"personnummer", "support_needs", "adaptation_need_descriptions", "home_address"}
)


def participant_access(user, participant) -> Access:
    role = role_of(user)
    if role == Role.ADMIN:
        return Access.FULL
    if role == Role.GUIDE and participant.guide_id == user.pk:
        return Access.FULL
    if role in (Role.GUIDE, Role.COORDINATOR, Role.MANAGER) and participant.unit_id == user.unit_id:
        return Access.LIMITED
    return Access.NONE


def may_see_sensitive(user, participant) -> bool:
    return participant_access(user, participant) == Access.FULL
