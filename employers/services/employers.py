"""Employers: create and update (one register per region, orgnr unique in it), and
employer-user memberships."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import Role
from core.exceptions import DuplicateRecord
from core.models import User
from core.roles import role_of
from employers.choices import EmployerStatus
from employers.models import Employer, EmployerMembership
from employers.services._shared import ensure_can_write, set_fields
from employers.services.identifiers import normalise_orgnr


def existing_in_region(orgnr: str, region_id: int | None, exclude_id: int | None = None):
    """The employer of the region with this organisation number, if any. Other regions are never
    looked at: a number registered elsewhere neither blocks nor reveals anything."""
    if not orgnr or region_id is None:
        return None
    return Employer.objects.filter(orgnr=orgnr, region_id=region_id).exclude(pk=exclude_id).first()


def _check_orgnr_free(orgnr: str, region_id: int | None, exclude_id: int | None = None) -> None:
    existing = existing_in_region(orgnr, region_id, exclude_id)
    if existing is not None:
        raise DuplicateRecord(
            _(
                "Organisation number %(orgnr)s is already in the region's register as "
                "“%(name)s” (%(municipality)s); add your unit's sites, contacts and profiles "
                "there."
            )
            % {"orgnr": orgnr, "name": existing.name, "municipality": existing.municipality.name},
            field="orgnr",
        )


EMPLOYER_FIELDS = (
    "name",
    "orgnr",
    "industry",
    "sector",
    "size_class",
    "status",
    "owner",
    "municipality",
    "website",
    "notes",
    "status_reason",
)


@transaction.atomic
def employer_create(*, by: User, unit=None, **data) -> Employer:
    unit_id = unit.pk if unit is not None else by.unit_id
    ensure_can_write(by, unit_id=unit_id)
    data["orgnr"] = normalise_orgnr(data.get("orgnr", ""))
    from core.models import Unit

    region_id = Unit.objects.values_list("region_id", flat=True).get(pk=unit_id)
    _check_orgnr_free(data["orgnr"], region_id)
    employer = Employer(unit_id=unit_id, region_id=region_id)
    set_fields(employer, data, EMPLOYER_FIELDS)
    if employer.owner_id is None and role_of(by) == Role.COORDINATOR:
        employer.owner = by
    _check_owner(employer)
    employer.full_clean()
    employer.save()
    return employer


@transaction.atomic
def employer_update(*, employer: Employer, by: User, **data) -> Employer:
    ensure_can_write(by, employer)
    if "orgnr" in data:
        data["orgnr"] = normalise_orgnr(data["orgnr"])
        _check_orgnr_free(data["orgnr"], employer.region_id, exclude_id=employer.pk)
    if "status" in data and data["status"] != employer.status:
        employer.status_changed_at = timezone.now()
        if (
            data["status"] in (EmployerStatus.PAUSED, EmployerStatus.ENDED)
            and not (data.get("status_reason") or "").strip()
        ):
            raise ValidationError(
                {"status_reason": _("Give a reason for pausing or ending the relation.")}
            )
        if data["status"] not in (EmployerStatus.PAUSED, EmployerStatus.ENDED):
            data.setdefault("status_reason", "")
    set_fields(employer, data, EMPLOYER_FIELDS)
    _check_owner(employer)
    employer.full_clean()
    employer.save()
    return employer


def _check_owner(employer: Employer) -> None:
    """The responsible coordinator is a coordinator of the employer's own unit."""
    owner = employer.owner
    if owner is not None and (
        role_of(owner) != Role.COORDINATOR or owner.unit_id != employer.unit_id
    ):
        raise ValidationError(
            {"owner": _("The coordinator must be a coordinator of the employer's unit.")}
        )


def membership_create(*, user: User, employer: Employer) -> EmployerMembership:
    from django.contrib.auth.models import Group

    membership = EmployerMembership(user=user, employer=employer)
    membership.full_clean()
    membership.save()
    user.groups.add(Group.objects.get(name=Role.EMPLOYER))
    return membership
