"""Contact persons at an employer (phone in E.164)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.models import User
from employers.models import ContactPerson, Employer, Site
from employers.services._shared import ensure_in_region, ensure_own_unit, set_fields
from employers.services.identifiers import normalise_phone

CONTACT_FIELDS = (
    "name",
    "title",
    "phone",
    "email",
    "role",
    "preferred_channel",
    "is_supervisor",
    "supervisor_trained_on",
    "site",
)


def _check_site_belongs(site: Site | None, employer: Employer) -> None:
    if site is not None and site.employer_id != employer.pk:
        raise ValidationError({"site": _("The site belongs to another employer.")})


@transaction.atomic
def contact_create(*, employer: Employer, by: User, **data) -> ContactPerson:
    ensure_in_region(by, employer)
    data["phone"] = normalise_phone(data.get("phone", ""))
    _check_site_belongs(data.get("site"), employer)
    contact = ContactPerson(employer=employer, unit_id=by.unit_id or employer.unit_id)
    set_fields(contact, data, CONTACT_FIELDS)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def contact_update(*, contact: ContactPerson, by: User, **data) -> ContactPerson:
    ensure_own_unit(by, contact.unit_id)
    if "phone" in data:
        data["phone"] = normalise_phone(data["phone"])
    _check_site_belongs(data.get("site"), contact.employer)
    set_fields(contact, data, CONTACT_FIELDS)
    contact.full_clean()
    contact.save()
    return contact
