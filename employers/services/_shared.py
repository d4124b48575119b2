"""What the employers' service modules share: who may write what, and copying fields."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from core.choices import Role
from core.exceptions import NotAllowed
from core.models import User
from core.roles import region_id_of, role_of
from employers.models import Employer


def ensure_can_write(
    by: User, employer: Employer | None = None, unit_id: int | None = None
) -> None:
    role = role_of(by)
    if role == Role.ADMIN:
        return
    target_unit = employer.unit_id if employer is not None else unit_id
    if role != Role.COORDINATOR or target_unit != by.unit_id:
        raise NotAllowed(_("Only the unit's coordinators may change its employers."))


def ensure_in_region(by: User, employer: Employer) -> None:
    """Adding to a shared employer (a site, a contact, a log entry, a profile of one's own unit):
    any coordinator of a unit in the employer's region."""
    role = role_of(by)
    if role == Role.ADMIN:
        return
    if role != Role.COORDINATOR or employer.region_id != region_id_of(by):
        raise NotAllowed(_("Only coordinators of the region's units may add to this employer."))


def ensure_own_unit(by: User, unit_id: int | None) -> None:
    """Changing what a unit added (its sites, contacts, log entries, profiles): that unit only."""
    role = role_of(by)
    if role == Role.ADMIN:
        return
    if role != Role.COORDINATOR or unit_id != by.unit_id:
        raise NotAllowed(_("Only the coordinators of the unit that added it may change it."))


def set_fields(obj, data: dict[str, Any], fields: Iterable[str]) -> None:
    for field in fields:
        if field in data:
            setattr(obj, field, data[field])
