"""Import of coordinators' spreadsheets (CSV or XLSX) and of job ads (JobTech JSON): employers
with a site, a contact and a task profile (kravprofil) per row.

The whole file runs through the same services as the API inside one transaction, each row in a
savepoint so every row's errors are reported. A dry run, or a file with any error, is rolled back:
a faulty file imports nothing; a good file imports all. With ``valid_rows_only`` (an explicit
choice, offered after a dry run listed the refused rows) the valid rows are imported and the
refused ones are left out, each with its reason.

Profile columns (all optional; a profile is made when ``profile_title`` is given): occupation (SSYK
code, taxonomy id, label or synonym), hours as ``hours_min``/``hours_max`` or ``hours_percent``
(100 % = 40 h a week; ``50-100`` a range), ``slots``, ``period_start``/``period_end``,
``latitude``/``longitude`` of the site, ``skills_required``/``skills_nice`` separated by ``;``.
Headers may be written in Swedish or English (:data:`employers.importing.reading.ALIASES`). Ads
in the JSON shape of JobTech's JobSearch API are turned into the same rows by
:mod:`employers.importing.ads`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import override

from core import taxonomy
from core.api.exceptions import django_validation_error_dict
from core.exceptions import DomainError
from core.models import Industry, Licence, Municipality, Occupation, User
from core.tabular import is_json
from employers.choices import EmployerStatus, ProfileKind, Sector, SizeClass
from employers.importing.reading import COLUMNS, REQUIRED, read_named
from employers.importing.report import Counts, ImportReport, RowResult
from employers.models import Employer, Site
from employers.services.contacts import contact_create
from employers.services.employers import employer_create
from employers.services.identifiers import fold_name, normalise_orgnr
from employers.services.profiles import task_profile_create
from employers.services.sites import site_create

FULL_TIME_HOURS = 40
SKILL_SEPARATOR = ";"

# Which column a service's field comes from, per step of a row: an error names the column.
EMPLOYER_FIELDS = {f: f for f in COLUMNS[:8]}
SITE_FIELDS = {
    "name": "site_name",
    "address": "address",
    "postal_code": "postal_code",
    "locality": "locality",
    "municipality": "municipality",
    "latitude": "latitude",
    "longitude": "longitude",
}
CONTACT_FIELDS = {
    "name": "contact_name",
    "title": "contact_title",
    "phone": "contact_phone",
    "email": "contact_email",
    "is_supervisor": "contact_is_supervisor",
}
PROFILE_FIELDS = {
    "title": "profile_title",
    "occupation": "occupation",
    "kind": "profile_kind",
    "description": "profile_description",
    "hours_min": "hours_min",
    "hours_max": "hours_max",
    "slots_total": "slots",
    "period_start": "period_start",
    "period_end": "period_end",
    "skills": "skills_required",
    "required_licences": "licences",
    "site": "site_name",
}


def _municipality(value: str) -> Municipality:
    value = value.strip()
    muni = (
        Municipality.objects.filter(code=value.zfill(4) if value.isdigit() else value).first()
        or Municipality.objects.filter(name__iexact=value).first()
    )
    if muni is None:
        raise ValidationError({"municipality": _("Unknown municipality “%(v)s”.") % {"v": value}})
    return muni


def _choice_terms(choices) -> list[tuple[str, str, str]]:
    terms = []
    for key, label in choices.choices:
        with override("sv"):
            sv = str(label)
        with override("en"):
            en = str(label)
        terms.append((key, sv, en))
    return terms


def _choice(value: str, choices, field_name: str, default: str) -> str:
    """A choice by its code or its label in Swedish or English, whatever the active language. An
    unknown value is refused with the nearest choices in words ("did you mean")."""
    from rapidfuzz import fuzz, process

    value = value.strip()
    if not value:
        return default
    terms = _choice_terms(choices)
    for key, sv, en in terms:
        if value.casefold() in (key.casefold(), sv.casefold(), en.casefold()):
            return key
    candidates, owners = [], []
    for index, (key, sv, en) in enumerate(terms):
        for text in (key.replace("_", " "), sv, en):
            candidates.append(text.casefold())
            owners.append(index)
    hits = process.extract(
        value.casefold(), candidates, scorer=fuzz.WRatio, limit=len(candidates), score_cutoff=60
    )
    nearest: list[str] = []
    for _text, _score, index in hits:
        label = str(choices.choices[owners[index]][1])
        if label not in nearest:
            nearest.append(label)
    words = [f"“{label}”" for label in (nearest[:3] or [str(c[1]) for c in choices.choices])]
    message = (
        _("“%(v)s” is not a choice here. Did you mean %(opts)s?")
        if nearest
        else _("“%(v)s” is not a choice here. The choices are %(opts)s.")
    )
    raise ValidationError({field_name: message % {"v": value, "opts": _(" or ").join(words)}})


def _truthy(value: str) -> bool:
    return value.strip().casefold() in ("1", "ja", "yes", "true", "x", "j")


def _number(value: str, column: str) -> float | None:
    text = value.strip().replace(",", ".").replace("%", "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise ValidationError(
            {column: _("“%(v)s” is not a number.") % {"v": value.strip()}}
        ) from None


def _whole(value: str, column: str) -> int | None:
    number = _number(value, column)
    if number is None:
        return None
    if not number.is_integer() or number < 0:
        raise ValidationError({column: _("“%(v)s” is not a whole number.") % {"v": value}})
    return int(number)


def _date(value: str, column: str) -> dt.date | None:
    text = value.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ValidationError(
            {column: _("“%(v)s” is not a date (YYYY-MM-DD).") % {"v": text}}
        ) from None


def _hours(row: dict[str, str]) -> dict[str, int]:
    """Hours a week from ``hours_min``/``hours_max`` (one alone sets both) or from
    ``hours_percent`` of full time (100 % = 40 h; ``50-100`` is a range)."""
    low = _whole(row.get("hours_min", ""), "hours_min")
    high = _whole(row.get("hours_max", ""), "hours_max")
    percent = row.get("hours_percent", "").strip()
    if low is None and high is None and percent:
        parts = [p for p in re.split(r"\s*[-–]\s*", percent) if p]
        if len(parts) > 2:
            raise ValidationError(
                {"hours_percent": _("“%(v)s” is not a percentage.") % {"v": percent}}
            )
        values = [_number(p, "hours_percent") for p in parts]
        for v in values:
            if v is None or not 0 < v <= 150:
                raise ValidationError(
                    {
                        "hours_percent": _("“%(v)s” is not a percentage of full time (1–150).")
                        % {"v": percent}
                    }
                )
        low, high = (round(v * FULL_TIME_HOURS / 100) for v in (values[0], values[-1]))
    if low is None and high is None:
        return {}
    low = high if low is None else low
    high = low if high is None else high
    return {"hours_min": low, "hours_max": high}


def _occupation(value: str, title: str) -> Occupation | None:
    """An occupation by taxonomy id, SSYK code (the occupation of the group nearest the title) or
    label/synonym (``core.taxonomy``); an unknown one is refused with the nearest labels. Several
    references, one a line (an ad's id, label and SSYK group), give the first one known."""
    references = [line.strip() for line in value.splitlines() if line.strip()]
    if not references:
        return None
    error = None
    for reference in references:
        try:
            return _one_occupation(reference, title)
        except ValidationError as exc:
            error = exc  # the last reference (a label or code) says most to a person
    raise error


def _one_occupation(text: str, title: str) -> Occupation:
    found = Occupation.objects.filter(concept_id=text).first()
    if found is not None:
        return found
    if text.isdigit():
        group = list(Occupation.objects.filter(ssyk_id=text).order_by("label"))
        if not group:
            raise ValidationError(
                {"occupation": _("No occupation has the SSYK code “%(v)s”.") % {"v": text}}
            )
        if len(group) == 1 or not title:
            return group[0]
        from rapidfuzz import fuzz, process

        best = process.extractOne(
            taxonomy.fold(title), [taxonomy.fold(o.label) for o in group], scorer=fuzz.WRatio
        )
        return group[best[2]] if best else group[0]
    match = taxonomy.normalise_occupation(text)
    if match.matched:
        return Occupation.objects.get(pk=match.id)
    nearest = taxonomy.suggest_labels(Occupation, text)
    if nearest:
        message = _("Unknown occupation “%(v)s”. Did you mean %(opts)s?") % {
            "v": text,
            "opts": _(" or ").join(f"“{n}”" for n in nearest),
        }
    else:
        message = _("Unknown occupation “%(v)s”; give its label or SSYK code.") % {"v": text}
    raise ValidationError({"occupation": message})


def _skills(row: dict[str, str]) -> list[dict]:
    """Required skills are weighted (a missing one lowers the score); only the ``skills_must``
    column makes a skill a hard requirement. A JobTech ad's "must have" list is the employer's
    wish list, not a legal bar, so it stays weighted."""
    skills = []
    for column, required, must in (
        ("skills_must", True, True),
        ("skills_required", True, False),
        ("skills_nice", False, False),
    ):
        for text in row.get(column, "").split(SKILL_SEPARATOR):
            if text.strip():
                skills.append(
                    {"text": text.strip()[:300], "required": required, "must": must, "weight": 3}
                )
    return skills


def _licences(value: str) -> list[Licence]:
    """Each ``;``-separated licence by its class as ads write it (B, CE), its name or its code."""
    found, unknown = [], []
    for text in value.split(SKILL_SEPARATOR):
        text = text.strip()
        if not text:
            continue
        active = Licence.objects.filter(active=True).order_by("pk")
        licence = active.filter(
            Q(ad_label__iexact=text) | Q(label__iexact=text) | Q(code__iexact=text)
        ).first()
        if licence is None:  # "Truckkort B" for "Truckkort B (motviktstruckar, …)", if only one
            named = list(active.filter(label__istartswith=f"{text} ")[:2])
            licence = named[0] if len(named) == 1 else None
        (found if licence is not None else unknown).append(licence or text)
    if unknown:
        raise ValidationError(
            {"licences": _("Unknown licence: %(v)s.") % {"v": ", ".join(unknown)}}
        )
    return list(dict.fromkeys(found))


@contextmanager
def _step(fields: dict[str, str], main: str) -> Iterator[None]:
    """Errors of one service call keyed by the file's column (``main`` for the row as a whole)."""
    try:
        yield
    except ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for key, messages in django_validation_error_dict(exc).items():
            errors.setdefault(fields.get(key, key if key in COLUMNS else main), []).extend(messages)
        raise ValidationError(errors) from exc
    except DomainError as exc:
        raise ValidationError(
            {fields.get(exc.field, exc.field if exc.field in COLUMNS else main): [exc.message]}
        ) from exc


@dataclass
class _FileState:
    """What earlier rows of the file made, so later rows add to them. Only rows that succeeded
    register here: a refused row's rolled-back employer is never reused."""

    employers: dict[str, Employer] = field(default_factory=dict)
    sites: dict[tuple, Site] = field(default_factory=dict)


def import_employers(
    *,
    content: bytes,
    filename: str,
    by: User,
    dry_run: bool,
    valid_rows_only: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import (or with ``dry_run`` only check) a file. A file with any refused row imports
    nothing, unless ``valid_rows_only`` asks for the valid rows. ``progress(done, total)`` is
    called every 25 rows; it must write outside this transaction (the job uses the shared cache)."""
    report = ImportReport(dry_run=dry_run, rows=[], valid_rows_only=valid_rows_only)
    try:
        rows, names = read_named(content, filename)
    except ValueError as exc:
        report.file_errors.append(str(exc))
        return report
    state = _FileState()
    with transaction.atomic():
        for number, row in enumerate(rows, start=2 if not is_json(filename) else 1):
            done = len(report.rows)
            if progress is not None and done % 25 == 0:
                progress(done, len(rows))
            result = RowResult(
                row=number,
                employer=row.get("name", ""),
                profile=row.get("profile_title", ""),
            )
            report.rows.append(result)
            counts = Counts()
            made: dict = {}
            try:
                with transaction.atomic():
                    result.action = _import_row(row, by, state, counts, made)
            except ValidationError as exc:
                result.action = "refused"
                result.errors = {
                    names.get(key, key): messages
                    for key, messages in django_validation_error_dict(exc).items()
                }
                continue
            state.employers.update(made.get("employers", {}))
            state.sites.update(made.get("sites", {}))
            report.counts.add(counts)
        if dry_run or not report.imported:
            transaction.set_rollback(True)
    return report


def _import_row(
    row: dict[str, str], by: User, state: _FileState, counts: Counts, made: dict
) -> str:
    """One row: its employer (made, or the one an earlier row of the file made), a site, a
    contact and a profile. Returns what happened to the employer."""
    missing = {c: [_("This column is required.")] for c in REQUIRED if not row.get(c, "").strip()}
    if missing:
        raise ValidationError(missing)
    municipality = _municipality(row["municipality"])
    with _step(EMPLOYER_FIELDS, "name"):
        orgnr = normalise_orgnr(row.get("orgnr", ""))
    key = orgnr or f"{fold_name(row['name'])}|{municipality.code}"
    employer = state.employers.get(key)
    action = "added to"
    if employer is None:
        employer = _employer(row, by, orgnr, municipality)
        made["employers"] = {key: employer}
        counts.employers += 1
        action = "created"
    site = _site(row, by, employer, municipality, key, state, counts, made)
    if row.get("contact_name", "").strip():
        with _step(CONTACT_FIELDS, "contact_name"):
            contact_create(
                employer=employer,
                by=by,
                name=row["contact_name"].strip(),
                title=row.get("contact_title", ""),
                phone=row.get("contact_phone", ""),
                email=row.get("contact_email", ""),
                is_supervisor=_truthy(row.get("contact_is_supervisor", "")),
                site=site,
            )
        counts.contacts += 1
    if row.get("profile_title", "").strip():
        _profile(row, by, employer, site)
        counts.profiles += 1
    return action


def _employer(row: dict[str, str], by: User, orgnr: str, municipality) -> Employer:
    industry = None
    if row.get("industry", "").strip():
        text = row["industry"].strip()
        industry = (
            Industry.objects.filter(code=text.upper()).first()
            or Industry.objects.filter(label__iexact=text).first()
        )
        if industry is None:
            raise ValidationError({"industry": _("Unknown SNI code “%(v)s”.") % {"v": text}})
    values = {
        "sector": _choice(row.get("sector", ""), Sector, "sector", Sector.PRIVATE),
        "size_class": _choice(row.get("size_class", ""), SizeClass, "size_class", ""),
        "status": _choice(row.get("status", ""), EmployerStatus, "status", EmployerStatus.PROSPECT),
    }
    with _step(EMPLOYER_FIELDS, "name"):
        return employer_create(
            by=by,
            name=row["name"].strip(),
            orgnr=orgnr,
            municipality=municipality,
            industry=industry,
            notes=row.get("notes", ""),
            **values,
        )


def _site(row, by, employer, municipality, key, state, counts, made) -> Site | None:
    """The row's site: made when the row names one, gives an address or coordinates, or has a
    profile (a profile needs a place); the same place twice in a file is one site."""
    latitude = _number(row.get("latitude", ""), "latitude")
    longitude = _number(row.get("longitude", ""), "longitude")
    if (latitude is None) != (longitude is None):
        missing = "longitude" if longitude is None else "latitude"
        raise ValidationError({missing: _("Give both latitude and longitude, or neither.")})
    name = (row.get("site_name") or row.get("address") or "").strip()
    wanted = name or latitude is not None or row.get("profile_title", "").strip()
    if not wanted:
        return None
    name = name or row.get("locality", "").strip() or municipality.name
    place = (key, fold_name(name), row.get("address", "").strip().casefold(), latitude)
    site = state.sites.get(place) or made.get("sites", {}).get(place)
    if site is not None:
        return site
    coordinates = {} if latitude is None else {"latitude": latitude, "longitude": longitude}
    with _step(SITE_FIELDS, "site_name"):
        site = site_create(
            employer=employer,
            by=by,
            name=name[:200],
            address=row.get("address", "")[:200],
            postal_code=row.get("postal_code", "").replace(" ", ""),
            locality=row.get("locality", "")[:100],
            municipality=municipality,
            **coordinates,
        )
    made.setdefault("sites", {})[place] = site
    counts.sites += 1
    return site


def _profile(row: dict[str, str], by: User, employer: Employer, site: Site) -> None:
    title = row["profile_title"].strip()
    values = {
        "occupation": _occupation(row.get("occupation", ""), title),
        "kind": _choice(
            row.get("profile_kind", ""), ProfileKind, "profile_kind", ProfileKind.PRACTICE
        ),
        **_hours(row),
        "period_start": _date(row.get("period_start", ""), "period_start"),
        "period_end": _date(row.get("period_end", ""), "period_end"),
        "required_licences": _licences(row.get("licences", "")),
    }
    slots = _whole(row.get("slots", ""), "slots")
    if slots is not None:
        values["slots_total"] = slots
    with _step(PROFILE_FIELDS, "profile_title"):
        task_profile_create(
            employer=employer,
            by=by,
            site=site,
            title=title[:200],
            description=row.get("profile_description", ""),
            skills=_skills(row),
            **values,
        )
