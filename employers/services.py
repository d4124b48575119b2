"""Writes of the employers app. Every rule about employers, sites, contacts, the contact log and
task profiles lives here; the API, the pages, the importer and the demo all call these."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz import fuzz
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import orgnr as stdnum_orgnr

from core import outbox, taxonomy, throttle
from core.choices import CoordinatePrecision, GeocodeStatus, Role
from core.exceptions import DuplicateRecord, InvalidTransition, NotAllowed, TooManyRequests
from core.geography import gazetteer_lookup
from core.models import Adaptation, KgaCompetence, KgaScale, OcnModule, Skill, User
from core.roles import region_id_of, role_of
from employers.choices import PROFILE_TRANSITIONS, EmployerStatus, ProfileStatus
from employers.models import (
    ContactPerson,
    Employer,
    EmployerMembership,
    ImportJob,
    Interaction,
    NotDuplicate,
    Site,
    TaskProfile,
    TaskProfileKgaRequirement,
    TaskProfileOcnRequirement,
    TaskProfileSkill,
)

FUZZY_DUPLICATE_THRESHOLD = 88.0
_LEGAL_SUFFIXES = (" ab", " aktiebolag", " hb", " kb", " ek för", " ekonomisk förening")


# --- validation helpers -------------------------------------------------------------------------


def normalise_orgnr(value: str) -> str:
    """Validate a Swedish organisation number and return it as NNNNNN-NNNN ('' stays '')."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return stdnum_orgnr.format(stdnum_orgnr.validate(value))
    except StdnumError as exc:
        raise ValidationError(
            {
                "orgnr": _("“%(value)s” is not a valid Swedish organisation number.")
                % {"value": value}
            }
        ) from exc


def orgnr_stored_form(value: str) -> str | None:
    """An organisation number as it is stored (NNNNNN-NNNN) however it is written: with or
    without the dash, 10 digits or 12 with the ``16`` prefix; None when it is no such number.
    The checksum is not checked: a lookup with a wrong one simply finds nothing."""
    digits = "".join(ch for ch in (value or "") if ch not in " -")
    if not (digits.isascii() and digits.isdigit()):
        return None
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]
    return f"{digits[:6]}-{digits[6:]}" if len(digits) == 10 else None


def orgnr_search_term(term: str) -> str:
    """A search term in the stored form when it is an organisation number, whole or a start of
    one typed without its dash (``5560360`` → ``556036-0``); any other term as it is."""
    whole = orgnr_stored_form(term)
    if whole:
        return whole
    if term.isascii() and term.isdigit() and 6 < len(term) < 10:
        return f"{term[:6]}-{term[6:]}"
    return term


def normalise_phone(value: str, *, field: str = "phone") -> str:
    """Validate a phone number (Swedish unless it has a country code) and return it in E.164."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "SE")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            {field: _("“%(value)s” is not a phone number.") % {"value": value}}
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            {field: _("“%(value)s” is not a valid phone number.") % {"value": value}}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def fold_name(name: str) -> str:
    """Case-, accent-spacing- and punctuation-insensitive form of an employer name."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in text)
    text = " ".join(text.split())
    for suffix in _LEGAL_SUFFIXES:
        if text.endswith(suffix):
            text = text[: -len(suffix)].strip()
    return text


@dataclass(frozen=True)
class PossibleDuplicate:
    employer: Employer
    score: float


def find_possible_duplicates(
    *, name: str, municipality_id: str, exclude_id: int | None = None, unit_id: int | None = None
) -> list[PossibleDuplicate]:
    """Employers in the same municipality whose name fuzzy-matches ("ICA Maxi Kalmar" ~ "Ica maxi, Kalmar")."""
    folded = fold_name(name)
    candidates = Employer.objects.filter(municipality_id=municipality_id)
    if unit_id is not None:
        # One register per region: a possible duplicate is looked for in the unit's region.
        candidates = candidates.filter(region__units=unit_id)
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    dismissed = not_duplicate_pairs([exclude_id]) if exclude_id is not None else set()
    found = []
    for employer in candidates.only("pk", "name", "municipality_id", "orgnr"):
        if exclude_id is not None and _pair(exclude_id, employer.pk) in dismissed:
            continue
        score = fuzz.token_sort_ratio(folded, fold_name(employer.name))
        if score >= FUZZY_DUPLICATE_THRESHOLD:
            found.append(PossibleDuplicate(employer, float(score)))
    return sorted(found, key=lambda d: (-d.score, d.employer.pk))


def _ensure_can_write(
    by: User, employer: Employer | None = None, unit_id: int | None = None
) -> None:
    role = role_of(by)
    if role == Role.ADMIN:
        return
    target_unit = employer.unit_id if employer is not None else unit_id
    if role != Role.COORDINATOR or target_unit != by.unit_id:
        raise NotAllowed(_("Only the unit's coordinators may change its employers."))


def _ensure_in_region(by: User, employer: Employer) -> None:
    """Adding to a shared employer (a site, a contact, a log entry, a profile of one's own unit):
    any coordinator of a unit in the employer's region."""
    role = role_of(by)
    if role == Role.ADMIN:
        return
    if role != Role.COORDINATOR or employer.region_id != region_id_of(by):
        raise NotAllowed(_("Only coordinators of the region's units may add to this employer."))


def _ensure_own_unit(by: User, unit_id: int | None) -> None:
    """Changing what a unit added (its sites, contacts, log entries, profiles): that unit only."""
    role = role_of(by)
    if role == Role.ADMIN:
        return
    if role != Role.COORDINATOR or unit_id != by.unit_id:
        raise NotAllowed(_("Only the coordinators of the unit that added it may change it."))


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


def _set_fields(obj, data: dict[str, Any], fields: Iterable[str]) -> None:
    for field in fields:
        if field in data:
            setattr(obj, field, data[field])


# --- employers ----------------------------------------------------------------------------------

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
    _ensure_can_write(by, unit_id=unit_id)
    data["orgnr"] = normalise_orgnr(data.get("orgnr", ""))
    from core.models import Unit

    region_id = Unit.objects.values_list("region_id", flat=True).get(pk=unit_id)
    _check_orgnr_free(data["orgnr"], region_id)
    employer = Employer(unit_id=unit_id, region_id=region_id)
    _set_fields(employer, data, EMPLOYER_FIELDS)
    if employer.owner_id is None and role_of(by) == Role.COORDINATOR:
        employer.owner = by
    _check_owner(employer)
    employer.full_clean()
    employer.save()
    return employer


@transaction.atomic
def employer_update(*, employer: Employer, by: User, **data) -> Employer:
    _ensure_can_write(by, employer)
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
    _set_fields(employer, data, EMPLOYER_FIELDS)
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


@transaction.atomic
def employer_merge(*, keep: Employer, remove: Employer, by: User) -> Employer:
    """Move everything of ``remove`` to ``keep`` and delete ``remove``. Nothing is lost: sites,
    contacts, the contact log, profiles and logins move; empty fields of ``keep`` are filled from
    ``remove``, and its notes are appended."""
    if keep.pk == remove.pk:
        raise ValidationError({"remove": _("An employer cannot be merged with itself.")})
    _ensure_can_write(by, keep)
    _ensure_can_write(by, remove)
    keep = Employer.objects.select_for_update().get(pk=keep.pk)
    remove = Employer.objects.select_for_update().get(pk=remove.pk)
    moved = employer_merge_preview(remove=remove)
    removed = {"id": remove.pk, "name": remove.name, "orgnr": remove.orgnr}
    Site.objects.filter(employer=remove).update(employer=keep)
    ContactPerson.objects.filter(employer=remove).update(employer=keep)
    Interaction.objects.filter(employer=remove).update(employer=keep)
    TaskProfile.objects.filter(employer=remove).update(employer=keep)
    EmployerMembership.objects.filter(employer=remove).update(employer=keep)
    _move_other_references(remove, keep)
    for field in ("industry", "size_class", "owner", "website"):
        if not getattr(keep, field) and getattr(remove, field):
            setattr(keep, field, getattr(remove, field))
    orgnr = remove.orgnr
    merged_note = _("Merged from “%(name)s” (%(orgnr)s) on %(date)s.") % {
        "name": remove.name,
        "orgnr": orgnr or "–",
        "date": timezone.localdate().isoformat(),
    }
    keep.notes = "\n\n".join(part for part in (keep.notes, remove.notes, merged_note) if part)
    remove.delete()
    if not keep.orgnr and orgnr:
        keep.orgnr = orgnr
    keep.full_clean()
    keep.save()
    _audit_merge(keep=keep, removed=removed, moved=moved, by=by)
    return keep


def employer_merge_preview(*, remove: Employer) -> dict[str, list[str]]:
    """What a merge would move from ``remove``: the names of its sites, contacts, profiles, logins
    and the number of contact-log entries. Shown before the merge and kept in the audit log."""
    return {
        "sites": [s.name for s in remove.sites.all()],
        "contacts": [c.name for c in remove.contacts.all()],
        "task_profiles": [p.title for p in remove.task_profiles.all()],
        "logins": [m.user.get_username() for m in remove.memberships.select_related("user")],
        "interactions": [str(remove.interactions.count())],
    }


def _audit_merge(*, keep: Employer, removed: dict, moved: dict, by: User) -> None:
    from auditlog.models import LogEntry

    LogEntry.objects.log_create(
        keep,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        actor=by,
        changes={"merged_from": [f"{removed['name']} ({removed['orgnr'] or '–'})", keep.name]},
        additional_data={"merge": {"removed": removed, "moved": moved}},
    )


def employer_merges(employer: Employer) -> list[dict]:
    """The merges recorded for an employer, newest first: who, when, which record and what moved."""
    from auditlog.models import LogEntry

    entries = (
        LogEntry.objects.get_for_object(employer)
        .filter(additional_data__has_key="merge")
        .select_related("actor")
    )
    return [
        {
            "at": e.timestamp,
            "by": e.actor,
            "removed": e.additional_data["merge"]["removed"],
            "moved": e.additional_data["merge"]["moved"],
        }
        for e in entries.order_by("-timestamp")
    ]


def _pair(a_id: int, b_id: int) -> tuple[int, int]:
    return (a_id, b_id) if a_id < b_id else (b_id, a_id)


@transaction.atomic
def not_duplicate_mark(*, a: Employer, b: Employer, by: User) -> NotDuplicate:
    """Record that two employers are different organisations: the pair is never proposed again."""
    if a.pk == b.pk:
        raise ValidationError({"b": _("An employer cannot be paired with itself.")})
    _ensure_can_write(by, a)
    _ensure_can_write(by, b)
    low, high = _pair(a.pk, b.pk)
    mark, _created = NotDuplicate.objects.get_or_create(
        low_id=low, high_id=high, defaults={"by": by}
    )
    return mark


def not_duplicate_pairs(employer_ids: Iterable[int] | None = None) -> set[tuple[int, int]]:
    qs = NotDuplicate.objects.all()
    if employer_ids is not None:
        ids = list(employer_ids)
        qs = qs.filter(Q(low_id__in=ids) | Q(high_id__in=ids))
    return set(qs.values_list("low_id", "high_id"))


def duplicate_pairs(employers) -> list[tuple[Employer, Employer, float]]:
    """Possible duplicate pairs among ``employers`` (each once), leaving out pairs marked as
    not duplicates. Both the API and the pages list pairs with this."""
    dismissed = not_duplicate_pairs()
    pairs, seen = [], set()
    for employer in employers:
        for dupe in find_possible_duplicates(
            name=employer.name,
            municipality_id=employer.municipality_id,
            exclude_id=employer.pk,
            unit_id=employer.unit_id,
        ):
            key = _pair(employer.pk, dupe.employer.pk)
            if key in seen or key in dismissed:
                continue
            seen.add(key)
            pairs.append((employer, dupe.employer, dupe.score))
    return pairs


def _move_other_references(remove: Employer, keep: Employer) -> None:
    """Other apps (consents, statistics) may point at employers too: move every such reference."""
    for relation in Employer._meta.related_objects:
        if relation.related_model in (
            Site,
            ContactPerson,
            Interaction,
            TaskProfile,
            EmployerMembership,
        ):
            continue
        if relation.many_to_many or relation.one_to_many:
            if relation.many_to_many:
                continue
            relation.related_model._base_manager.filter(**{relation.field.name: remove}).update(
                **{relation.field.name: keep}
            )


# --- sites --------------------------------------------------------------------------------------

SITE_FIELDS = ("name", "address", "postal_code", "locality", "municipality", "accessibility_notes")


def _place_site(site: Site, *, manual: bool) -> None:
    if manual:
        site.coordinate_precision = CoordinatePrecision.MANUAL
        return
    place = gazetteer_lookup(
        locality=site.locality, municipality_code=site.municipality_id, postal_code=site.postal_code
    )
    if place is None:
        site.latitude = site.longitude = None
        site.coordinate_precision = CoordinatePrecision.NONE
    else:
        site.latitude, site.longitude = place.latitude, place.longitude
        site.coordinate_precision = place.precision


def _after_site_saved(site: Site) -> None:
    """Ask the online geocoder (if configured) for a better position, in the background."""
    from django.conf import settings

    if (
        settings.GEOCODER
        and site.address
        and site.coordinate_precision != CoordinatePrecision.MANUAL
    ):
        Site.objects.filter(pk=site.pk).update(
            geocode_status=GeocodeStatus.PENDING, geocode_error=""
        )
        from employers.tasks import geocode_site

        transaction.on_commit(lambda: geocode_site.delay(site.pk))


@transaction.atomic
def site_create(*, employer: Employer, by: User, offered_adaptations=None, **data) -> Site:
    _ensure_in_region(by, employer)
    site = Site(employer=employer, unit_id=by.unit_id or employer.unit_id)
    _set_fields(site, data, SITE_FIELDS)
    manual = data.get("latitude") is not None or data.get("longitude") is not None
    site.latitude, site.longitude = data.get("latitude"), data.get("longitude")
    _place_site(site, manual=manual)
    site.full_clean()
    site.save()
    if offered_adaptations is not None:
        site.offered_adaptations.set(offered_adaptations)
    _after_site_saved(site)
    return site


@transaction.atomic
def site_update(*, site: Site, by: User, offered_adaptations=None, **data) -> Site:
    _ensure_own_unit(by, site.unit_id)
    place_changed = any(
        f in data and data[f] != getattr(site, f if f != "municipality" else "municipality")
        for f in ("address", "postal_code", "locality", "municipality")
    )
    _set_fields(site, data, SITE_FIELDS)
    if data.get("latitude") is not None or data.get("longitude") is not None:
        site.latitude, site.longitude = data.get("latitude"), data.get("longitude")
        _place_site(site, manual=True)
    elif place_changed and site.coordinate_precision != CoordinatePrecision.MANUAL:
        _place_site(site, manual=False)
    site.full_clean()
    site.save()
    if offered_adaptations is not None:
        site.offered_adaptations.set(offered_adaptations)
    if place_changed:
        _after_site_saved(site)
    return site


def site_geocode_online(*, site_id: int, geocoder=None) -> Site:
    """Look the site's address up with the configured geopy geocoder (cached, rate limited).
    A failure is recorded on the site and never raised: the site keeps its gazetteer position."""
    from employers.geocoding import geocode_address

    site = Site.objects.select_related("municipality").get(pk=site_id)
    query = ", ".join(
        p
        for p in (
            site.address,
            f"{site.postal_code} {site.locality}".strip(),
            site.municipality.name,
            "Sverige",
        )
        if p
    )
    try:
        result = geocode_address(query, geocoder=geocoder)
    except Exception as exc:  # noqa: BLE001 - any geocoder failure is reported, not raised
        Site.objects.filter(pk=site.pk).update(
            geocode_status=GeocodeStatus.FAILED, geocode_error=str(exc)[:300]
        )
        site.refresh_from_db()
        return site
    if result is None:
        Site.objects.filter(pk=site.pk).update(
            geocode_status=GeocodeStatus.FAILED, geocode_error=_("The address was not found.")
        )
    else:
        Site.objects.filter(pk=site.pk).update(
            latitude=result[0],
            longitude=result[1],
            coordinate_precision=CoordinatePrecision.ADDRESS,
            geocode_status=GeocodeStatus.DONE,
            geocode_error="",
        )
    site.refresh_from_db()
    return site


# --- contacts -----------------------------------------------------------------------------------

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
    _ensure_in_region(by, employer)
    data["phone"] = normalise_phone(data.get("phone", ""))
    _check_site_belongs(data.get("site"), employer)
    contact = ContactPerson(employer=employer, unit_id=by.unit_id or employer.unit_id)
    _set_fields(contact, data, CONTACT_FIELDS)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def contact_update(*, contact: ContactPerson, by: User, **data) -> ContactPerson:
    _ensure_own_unit(by, contact.unit_id)
    if "phone" in data:
        data["phone"] = normalise_phone(data["phone"])
    _check_site_belongs(data.get("site"), contact.employer)
    _set_fields(contact, data, CONTACT_FIELDS)
    contact.full_clean()
    contact.save()
    return contact


# --- contact log --------------------------------------------------------------------------------

INTERACTION_FIELDS = ("kind", "occurred_on", "notes", "next_step", "next_step_due", "contact")


def _check_interaction_content(interaction: Interaction) -> None:
    """A contact-log entry says something: a note or an outcome (a next step). An empty entry is
    refused, in the pages and the API alike."""
    if not (interaction.notes or "").strip() and not (interaction.next_step or "").strip():
        raise ValidationError(
            {"notes": _("Write a note or the outcome (next step); an empty entry is not saved.")}
        )


@transaction.atomic
def interaction_create(*, employer: Employer, by: User, **data) -> Interaction:
    _ensure_in_region(by, employer)
    contact = data.get("contact")
    if contact is not None and contact.employer_id != employer.pk:
        raise ValidationError({"contact": _("The contact person belongs to another employer.")})
    if data.get("next_step_due") and not (data.get("next_step") or "").strip():
        raise ValidationError({"next_step": _("Describe the next step that is due.")})
    unit_id = by.unit_id or employer.unit_id
    participants = _check_interaction_participants(data.get("participants"), unit_id)
    interaction = Interaction(employer=employer, by=by, unit_id=unit_id)
    _set_fields(interaction, data, INTERACTION_FIELDS)
    _check_interaction_content(interaction)
    interaction.full_clean()
    interaction.save()
    if participants is not None:
        interaction.participants.set(participants)
    return interaction


def _check_interaction_participants(participants, unit_id: int) -> list | None:
    """The participants a contact concerns must belong to the unit that logs it (None: unchanged);
    the contact log is per unit even where the employer is shared across the region."""
    if participants is None:
        return None
    participants = list(participants)
    if any(p.unit_id != unit_id for p in participants):
        raise ValidationError(
            {"participants": _("Only participants of the employer's unit can be named.")}
        )
    return participants


@transaction.atomic
def interaction_update(*, interaction: Interaction, by: User, **data) -> Interaction:
    _ensure_own_unit(by, interaction.unit_id)
    participants = _check_interaction_participants(data.get("participants"), interaction.unit_id)
    _set_fields(interaction, data, INTERACTION_FIELDS)
    if participants is not None:
        interaction.participants.set(participants)
    if "next_step_done" in data:
        interaction.next_step_done = bool(data["next_step_done"])
        interaction.next_step_done_at = timezone.now() if interaction.next_step_done else None
    if interaction.next_step_due and not interaction.next_step.strip():
        raise ValidationError({"next_step": _("Describe the next step that is due.")})
    _check_interaction_content(interaction)
    interaction.full_clean()
    interaction.save()
    return interaction


# --- task profiles ------------------------------------------------------------------------------

PROFILE_FIELDS = (
    "title",
    "occupation",
    "kind",
    "description",
    "hours_min",
    "hours_max",
    "schedule_notes",
    "swedish_level",
    "physical_demands",
    "supervisor_available",
    "wage_subsidy_eligible",
    "slots_total",
    "period_start",
    "period_end",
    "site",
    "regional",
)


def _validate_profile(profile: TaskProfile) -> None:
    errors = {}
    if (
        profile.hours_min is not None
        and profile.hours_max is not None
        and profile.hours_min > profile.hours_max
    ):
        errors["hours_min"] = _(
            "Minimum hours (%(min)s) cannot exceed maximum hours (%(max)s)."
        ) % {
            "min": profile.hours_min,
            "max": profile.hours_max,
        }
    if profile.period_start and profile.period_end and profile.period_end < profile.period_start:
        errors["period_end"] = _("The period cannot end before it starts.")
    if profile.slots_total is not None and profile.slots_total < profile.slots_taken:
        errors["slots_total"] = _("%(taken)s slots are already taken; there cannot be fewer.") % {
            "taken": profile.slots_taken
        }
    if profile.site_id and profile.site.employer_id != profile.employer_id:
        errors["site"] = _("The site belongs to another employer.")
    if profile.status == ProfileStatus.OPEN and (profile.slots_total or 0) < 1:
        errors["slots_total"] = _("An open profile needs at least one slot.")
    if errors:
        raise ValidationError(errors)


def _set_profile_skills(profile: TaskProfile, skills: list[dict]) -> None:
    """Each item: {skill (Skill)|text (str), weight 1–5, required bool}. Free text is normalised to
    the taxonomy; text that matches nothing is kept as written."""
    profile.skills.all().delete()
    rows = []
    for index, item in enumerate(skills):
        skill = item.get("skill")
        text = (item.get("text") or "").strip()
        if skill is None and not text:
            raise ValidationError({"skills": _("Skill %(n)s is empty.") % {"n": index + 1}})
        if skill is None:
            match = taxonomy.normalise_skill(text)
            skill = Skill.objects.get(pk=match.id) if match.matched else None
        row = TaskProfileSkill(
            profile=profile,
            skill=skill,
            free_text="" if skill is not None and not text else text,
            weight=item.get("weight", 3),
            required=bool(item.get("required", False)),
        )
        row.full_clean(exclude=["profile"])
        rows.append(row)
    TaskProfileSkill.objects.bulk_create(rows)


def _set_requirements(
    profile: TaskProfile, ocn_modules: list[OcnModule] | None, kga: list[dict] | None
) -> None:
    if ocn_modules is not None:
        profile.ocn_requirements.all().delete()
        TaskProfileOcnRequirement.objects.bulk_create(
            [
                TaskProfileOcnRequirement(profile=profile, module=m)
                for m in dict.fromkeys(ocn_modules)
            ]
        )
    if kga is not None:
        scale = KgaScale.current()
        profile.kga_requirements.all().delete()
        seen: set[int] = set()
        rows = []
        for item in kga:
            competence: KgaCompetence = item["competence"]
            level = int(item["min_level"])
            if not scale.min_level <= level <= scale.max_level:
                raise ValidationError(
                    {
                        "kga_requirements": _("KGA levels go from %(lo)s to %(hi)s.")
                        % {"lo": scale.min_level, "hi": scale.max_level}
                    }
                )
            if competence.pk in seen:
                raise ValidationError(
                    {"kga_requirements": _("“%(c)s” is listed twice.") % {"c": competence}}
                )
            seen.add(competence.pk)
            rows.append(
                TaskProfileKgaRequirement(profile=profile, competence=competence, min_level=level)
            )
        TaskProfileKgaRequirement.objects.bulk_create(rows)


@transaction.atomic
def task_profile_create(
    *,
    employer: Employer,
    by: User,
    skills: list[dict] | None = None,
    offered_adaptations: Iterable[Adaptation] | None = None,
    ocn_modules: list[OcnModule] | None = None,
    kga_requirements: list[dict] | None = None,
    **data,
) -> TaskProfile:
    """Create a profile as a draft; it goes live with ``task_profile_transition(to_status="open")``.
    The profile belongs to the creating coordinator's unit (several units of a region may offer
    profiles at one shared employer); ``regional=True`` opens it to the whole region."""
    _ensure_in_region(by, employer)
    profile = TaskProfile(
        employer=employer, unit_id=by.unit_id or employer.unit_id, status=ProfileStatus.DRAFT
    )
    _set_fields(profile, data, PROFILE_FIELDS)
    _validate_profile(profile)
    profile.full_clean()
    profile.save()
    if offered_adaptations is not None:
        profile.offered_adaptations.set(offered_adaptations)
    _set_profile_skills(profile, skills or [])
    _set_requirements(profile, ocn_modules, kga_requirements)
    _refresh(profile)
    return profile


def _refresh(profile: TaskProfile) -> None:
    """Matching suggestions for this profile are recomputed in the background (coalesced)."""
    from matching.services.recompute import schedule_refresh

    schedule_refresh(profile_id=profile.pk)


@transaction.atomic
def task_profile_update(
    *,
    profile: TaskProfile,
    by: User,
    skills: list[dict] | None = None,
    offered_adaptations: Iterable[Adaptation] | None = None,
    ocn_modules: list[OcnModule] | None = None,
    kga_requirements: list[dict] | None = None,
    **data,
) -> TaskProfile:
    _ensure_own_unit(by, profile.unit_id)
    if profile.status == ProfileStatus.CLOSED:
        raise InvalidTransition(_("A closed profile cannot be changed."))
    profile = TaskProfile.objects.select_for_update().get(pk=profile.pk)
    _set_fields(profile, data, PROFILE_FIELDS)
    _validate_profile(profile)
    profile.full_clean()
    profile.save()
    if offered_adaptations is not None:
        profile.offered_adaptations.set(offered_adaptations)
    if skills is not None:
        _set_profile_skills(profile, skills)
    _set_requirements(profile, ocn_modules, kga_requirements)
    _refresh(profile)
    return profile


@transaction.atomic
def task_profile_transition(
    *, profile: TaskProfile, to_status: str, by: User | None
) -> TaskProfile:
    """Change the status along the allowed paths only: draft → open → paused/filled → closed,
    paused/filled → open again; closed is final. ``by=None`` is the system (placements)."""
    if by is not None:
        _ensure_own_unit(by, profile.unit_id)
    profile = TaskProfile.objects.select_for_update().get(pk=profile.pk)
    if to_status not in ProfileStatus.values:
        raise InvalidTransition(_("“%(s)s” is not a status.") % {"s": to_status})
    if to_status not in PROFILE_TRANSITIONS[profile.status]:
        raise InvalidTransition(
            _("A profile cannot go from “%(from)s” to “%(to)s”.")
            % {"from": ProfileStatus(profile.status).label, "to": ProfileStatus(to_status).label}
        )
    if to_status == ProfileStatus.OPEN:
        missing = [f for f in ("title", "site_id") if not getattr(profile, f)]
        if missing or profile.slots_total < 1:
            raise InvalidTransition(
                _("A profile needs a title, a site and at least one slot to open.")
            )
    profile.status = to_status
    profile.status_changed_at = timezone.now()
    profile.status_changed_by = by
    profile.save(update_fields=["status", "status_changed_at", "status_changed_by", "updated_at"])
    _refresh(profile)
    return profile


@transaction.atomic
def task_profile_request(
    *,
    employer_user: User,
    title: str,
    description: str = "",
    change_of: TaskProfile | None = None,
    **data,
) -> TaskProfile:
    """An employer user asks for a new profile, or a change to one of theirs. It reaches the
    coordinator as a draft (copy), never live. Each request e-mails the coordinators, so a user
    may send at most ``PROFILE_REQUEST_RATE`` per window (``TooManyRequests`` beyond it)."""
    membership = (
        EmployerMembership.objects.filter(user=employer_user).select_related("employer").first()
    )
    if membership is None or role_of(employer_user) != Role.EMPLOYER:
        raise NotAllowed(_("Only employer users can ask for profiles."))
    employer = membership.employer
    if change_of is not None and change_of.employer_id != employer.pk:
        raise NotAllowed(_("That profile belongs to another employer."), field="change_of")
    site = data.get("site") or (
        change_of.site if change_of else employer.sites.order_by("pk").first()
    )
    if site is None:
        raise ValidationError(
            {"site": _("Your organisation has no site yet; contact your coordinator.")}
        )
    profile = TaskProfile(
        employer=employer,
        site=site,
        title=title,
        description=description,
        status=ProfileStatus.DRAFT,
        requested_by=employer_user,
        request_note=data.get("request_note", ""),
        change_of=change_of,
    )
    for field in (
        "kind",
        "hours_min",
        "hours_max",
        "slots_total",
        "schedule_notes",
        "period_start",
        "period_end",
    ):
        if field in data and data[field] is not None:
            setattr(profile, field, data[field])
        elif change_of is not None:
            setattr(profile, field, getattr(change_of, field))
    _validate_profile(profile)
    profile.full_clean()
    # Counted only once the request is valid, and before anything is saved or e-mailed.
    if not throttle.profile_request_take(user_id=employer_user.pk):
        rate = throttle.profile_request_rate()
        raise TooManyRequests(
            _(
                "You can send at most %(limit)s profile requests in %(minutes)s minutes, and "
                "your coordinator already has them. Try again later, or contact your "
                "coordinator directly."
            )
            % {"limit": rate.limit, "minutes": rate.window // 60}
        )
    profile.save()
    if change_of is not None:
        profile.offered_adaptations.set(change_of.offered_adaptations.all())
    _route_request(profile)
    return profile


def _request_recipients(employer: Employer) -> list[User]:
    """The employer's own coordinator; without one, every active coordinator of the unit."""
    if employer.owner_id and employer.owner.is_active:
        return [employer.owner]
    return list(
        User.objects.filter(
            unit_id=employer.unit_id, groups__name=Role.COORDINATOR, is_active=True
        ).distinct()
    )


def _route_request(profile: TaskProfile) -> None:
    """An employer's request reaches the coordinator: an e-mail (after commit) and a next step on
    the coordinator's list, which stays open until the request is handled."""
    from django.core.mail import send_mail

    employer = profile.employer
    recipients = _request_recipients(employer)
    for coordinator in recipients:
        Interaction.objects.create(
            employer=employer,
            by=coordinator,
            kind="other",
            notes=_("Request from %(who)s in the portal: %(title)s. %(note)s")
            % {
                "who": profile.requested_by.get_full_name() or profile.requested_by.get_username(),
                "title": profile.title,
                "note": profile.request_note,
            },
            next_step=(_("Request from the employer: %(title)s") % {"title": profile.title})[:300],
        )
    emails = [u.email for u in recipients if u.email]
    if emails:
        subject = _("Request from %(employer)s: %(title)s") % {
            "employer": employer.name,
            "title": profile.title,
        }
        body = _(
            "%(employer)s asks for a task profile in Brygga: %(title)s.\n\n%(note)s\n\n"
            "Open the employer's page to handle it."
        ) % {"employer": employer.name, "title": profile.title, "note": profile.request_note}
        transaction.on_commit(lambda: send_mail(subject, body, None, emails, fail_silently=True))


@transaction.atomic
def task_profile_request_handle(*, profile: TaskProfile, by: User) -> TaskProfile:
    """The coordinator has taken care of an employer's request: the badge goes and the next step
    on the list is done."""
    _ensure_own_unit(by, profile.unit_id)
    if profile.requested_by_id is None:
        raise ValidationError({"profile": _("This profile was not requested by the employer.")})
    if profile.request_handled_at is None:
        profile.request_handled_at = timezone.now()
        profile.request_handled_by = by
        profile.save(update_fields=["request_handled_at", "request_handled_by", "updated_at"])
        # The next step was written in the employer user's language; match it in either.
        from django.utils.translation import override

        markers = []
        for language in ("sv", "en"):
            with override(language):
                text = _("Request from the employer: %(title)s") % {"title": profile.title}
            markers.append(text[:300])
        Interaction.objects.filter(
            employer=profile.employer, next_step__in=markers, next_step_done=False
        ).update(next_step_done=True, next_step_done_at=timezone.now())
    return profile


def membership_create(*, user: User, employer: Employer) -> EmployerMembership:
    from django.contrib.auth.models import Group

    membership = EmployerMembership(user=user, employer=employer)
    membership.full_clean()
    membership.save()
    user.groups.add(Group.objects.get(name=Role.EMPLOYER))
    return membership


# --- background import ------------------------------------------------------------------------


@transaction.atomic
def import_job_start(
    *, by: User, filename: str, content: bytes, dry_run: bool, valid_rows_only: bool = False
) -> ImportJob:
    """Queue an import; the portal follows its progress and shows the report.
    ``valid_rows_only`` imports the valid rows of a file whose dry run refused some."""
    _ensure_can_write(by, unit_id=by.unit_id)
    job = ImportJob.objects.create(
        unit_id=by.unit_id,
        by=by,
        filename=filename,
        content=content,
        dry_run=dry_run,
        valid_rows_only=valid_rows_only,
    )
    # An outbox row, not a direct publish: a broker outage neither fails the upload nor loses the job.
    outbox.enqueue("employers.tasks.run_import_job", args=[job.pk], key=f"import:{job.pk}")
    return job


IMPORT_STALE_QUEUED = timedelta(minutes=2)
IMPORT_STALE_RUNNING = timedelta(minutes=30)


def import_job_run(job_id: int) -> ImportJob:

    from employers.importing import import_employers

    job = ImportJob.objects.select_related("by").get(pk=job_id)
    if job.status == ImportJob.Status.DONE:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    key = f"import-progress:{job.pk}"
    try:
        report = import_employers(
            content=bytes(job.content),
            filename=job.filename,
            by=job.by,
            dry_run=job.dry_run,
            valid_rows_only=job.valid_rows_only,
            progress=lambda done, total: _progress(key, done, total),
        )
    except Exception as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, report={"file_errors": [str(exc)[:500]]}
        )
        raise
    # A checked file is kept so it can be imported for real without uploading it again.
    # So is one whose valid rows may be imported alone (``valid_rows_only``).
    keep = job.dry_run and not report.file_errors and report.valid_rows > 0
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE,
        report=report.as_dict(),
        content=bytes(job.content) if keep else b"",
    )
    _progress(key, None, None)
    job.refresh_from_db()
    return job


def _progress(key: str, done: int | None, total: int | None) -> None:
    """Progress is a nicety: a cache outage must not fail the import."""
    from django.core.cache import cache

    try:
        if done is None:
            cache.delete(key)
        else:
            cache.set(key, (done, total), 3600)
    except Exception:  # noqa: S110 - the progress bar just stands still
        pass


def import_jobs_rescue_stale() -> dict[str, list[int]]:
    """Queued jobs whose task never ran are queued again; a job still "running" after
    ``IMPORT_STALE_RUNNING`` lost its worker mid-import and is failed with a clear message (an
    import is not resumable, and re-running half of one could duplicate rows)."""
    now = timezone.now()
    queued = list(
        ImportJob.objects.filter(
            status=ImportJob.Status.QUEUED, created_at__lt=now - IMPORT_STALE_QUEUED
        ).values_list("pk", flat=True)
    )
    for job_id in queued:
        outbox.enqueue("employers.tasks.run_import_job", args=[job_id], key=f"import:{job_id}")
    interrupted = list(
        ImportJob.objects.filter(
            status=ImportJob.Status.RUNNING, created_at__lt=now - IMPORT_STALE_RUNNING
        ).values_list("pk", flat=True)
    )
    ImportJob.objects.filter(pk__in=interrupted).update(
        status=ImportJob.Status.FAILED,
        report={
            "file_errors": [str(_("The import was interrupted. Please upload the file again."))]
        },
    )
    return {"queued_again": queued, "failed": interrupted}
