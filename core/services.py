"""Writes of the core app: regions and units. Administrators create and edit both; a regional
administrator creates and edits the units of their own region (never moving one out of it)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.choices import Role
from core.exceptions import NotAllowed
from core.models import Municipality, Region, Unit, User
from core.roles import region_id_of, role_of

REGION_FIELDS = ("name", "county")
UNIT_FIELDS = ("name", "region", "email", "phone", "address")


def regions_visible_to(user: User) -> QuerySet[Region]:
    """Administrators see every region; everyone else with a unit sees only their own."""
    if role_of(user) == Role.ADMIN:
        return Region.objects.all()
    if role_of(user) is None or role_of(user) == Role.EMPLOYER:
        return Region.objects.none()
    return Region.objects.filter(pk=region_id_of(user))


def units_visible_to(user: User) -> QuerySet[Unit]:
    """The units of the user's region (administrators: all). Nothing crosses a region."""
    if role_of(user) == Role.ADMIN:
        return Unit.objects.all()
    if role_of(user) is None or role_of(user) == Role.EMPLOYER:
        return Unit.objects.none()
    return Unit.objects.filter(region_id=region_id_of(user))


def _ensure_admin(by: User) -> None:
    if role_of(by) != Role.ADMIN:
        raise NotAllowed(_("Only administrators may change regions."))


def _ensure_may_manage_unit(by: User, region_id: int | None) -> None:
    role = role_of(by)
    if role == Role.ADMIN:
        return
    if role != Role.REGIONAL_ADMIN or region_id != region_id_of(by):
        raise NotAllowed(_("Only administrators and the region's administrators may do this."))


def _set(obj, data: dict, fields: Iterable[str]) -> None:
    for field in fields:
        if field in data:
            setattr(obj, field, data[field])


@transaction.atomic
def region_create(*, by: User, **data) -> Region:
    _ensure_admin(by)
    region = Region()
    _set(region, data, REGION_FIELDS)
    region.full_clean()
    region.save()
    return region


@transaction.atomic
def region_update(*, region: Region, by: User, **data) -> Region:
    _ensure_admin(by)
    _set(region, data, REGION_FIELDS)
    region.full_clean()
    region.save()
    return region


@transaction.atomic
def unit_create(*, by: User, municipalities: Iterable[Municipality] | None = None, **data) -> Unit:
    region = data.get("region")
    _ensure_may_manage_unit(by, region.pk if region is not None else None)
    unit = Unit()
    _set(unit, data, UNIT_FIELDS)
    unit.full_clean()
    unit.save()
    if municipalities is not None:
        unit.municipalities.set(municipalities)
    return unit


@transaction.atomic
def unit_update(
    *, unit: Unit, by: User, municipalities: Iterable[Municipality] | None = None, **data
) -> Unit:
    _ensure_may_manage_unit(by, unit.region_id)
    new_region = data.get("region")
    if new_region is not None and new_region.pk != unit.region_id:
        _ensure_admin(by)
        # The unit's employers are the old region's register; moving would split it silently.
        if unit.employers.exists():
            raise ValidationError(
                {"region": _("The unit has employers in its region's register; it cannot move.")}
            )
    _set(unit, data, UNIT_FIELDS)
    unit.full_clean()
    unit.save()
    if municipalities is not None:
        unit.municipalities.set(municipalities)
    return unit
