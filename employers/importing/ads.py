"""Job ads in the JSON shape of JobTech's JobSearch API (``/search`` answers ``{"hits": [...]}``;
a plain list of ads is taken too) as rows of the employer import (``employers.importing``).

Each ad becomes one row: its employer, a site at the workplace address (the ad's coordinates
when it has them), and a task profile (kind "employment") from the headline, occupation, scope of
work, vacancies and skills. An error names the ad's field (``employer.organization_number``), so
the person who exported the ads can find it.
"""

from __future__ import annotations

from core.tabular import read_json

# The ad field each column comes from, for the report.
FIELD_NAMES = {
    "name": "employer.name",
    "orgnr": "employer.organization_number",
    "municipality": "workplace_address.municipality_code",
    "site_name": "employer.workplace",
    "address": "workplace_address.street_address",
    "postal_code": "workplace_address.postcode",
    "locality": "workplace_address.city",
    "latitude": "workplace_address.coordinates",
    "longitude": "workplace_address.coordinates",
    "profile_title": "headline",
    "occupation": "occupation",
    "profile_kind": "employment_type",
    "profile_description": "description.text",
    "hours_min": "scope_of_work.min",
    "hours_max": "scope_of_work.max",
    "hours_percent": "scope_of_work",
    "slots": "number_of_vacancies",
    "period_start": "application_deadline",
    "period_end": "application_deadline",
    "skills_required": "must_have.skills",
    "skills_nice": "nice_to_have.skills",
    "licences": "driving_license",
    "contact_name": "application_contacts",
    "contact_phone": "application_contacts",
    "contact_email": "application_contacts",
    "contact_title": "application_contacts",
}
DESCRIPTION_MAX = 10_000
FULL_TIME_TYPES = ("heltid", "full time", "full-time")


def _get(ad: dict, path: str):
    value = ad
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _text(value) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _labels(ad: dict, path: str) -> str:
    items = _get(ad, path)
    if not isinstance(items, list):
        return ""
    labels = [_text(item.get("label")) for item in items if isinstance(item, dict)]
    return "; ".join(label.replace(";", ",") for label in labels if label)


def _percent(ad: dict) -> str:
    """The scope of work as "min-max" percent, or full time from ``working_hours_type``."""
    low, high = _text(_get(ad, "scope_of_work.min")), _text(_get(ad, "scope_of_work.max"))
    if low or high:
        return "-".join(dict.fromkeys(v for v in (low, high) if v))
    hours_type = _text(_get(ad, "working_hours_type.label")).casefold()
    return "100" if hours_type in FULL_TIME_TYPES else ""


def _occupations(ad: dict) -> list[str]:
    """The ad's references to its occupation, most exact first: the taxonomy id, the label, the
    SSYK code of its group (the importer takes the first it knows)."""
    paths = ("occupation.concept_id", "occupation.label", "occupation_group.legacy_ams_taxonomy_id")
    return [_text(_get(ad, p)) for p in paths if _text(_get(ad, p))]


def _coordinates(ad: dict) -> tuple[str, str]:
    """JobTech writes ``[longitude, latitude]``."""
    pair = _get(ad, "workplace_address.coordinates")
    if isinstance(pair, list) and len(pair) == 2 and all(v is not None for v in pair):
        return _text(pair[1]), _text(pair[0])
    return "", ""


def _description(ad: dict) -> str:
    text = _text(_get(ad, "description.text"))
    deadline = _text(_get(ad, "application_deadline"))[:10]
    if deadline:
        text = f"Sista ansökningsdag: {deadline}\n\n{text}".strip()
    return text[:DESCRIPTION_MAX]


def _driving_licences(ad: dict) -> str:
    """The classes an ad requires: ``driving_license`` labels (B, CE) when it says a licence is
    required (``driving_license_required``); a required licence with no class named is class B,
    the ordinary car licence."""
    if not ad.get("driving_license_required"):
        return ""
    return _labels(ad, "driving_license") or "B"


def ad_row(ad: dict) -> dict[str, str]:
    """One ad as a row of the employer import."""
    if not isinstance(ad, dict):
        return {}
    latitude, longitude = _coordinates(ad)
    address = _get(ad, "workplace_address") or {}
    return {
        "name": _text(_get(ad, "employer.name")),
        "orgnr": _text(_get(ad, "employer.organization_number")),
        "municipality": _text(address.get("municipality_code"))
        or _text(address.get("municipality")),
        "site_name": _text(_get(ad, "employer.workplace")),
        "address": _text(address.get("street_address")),
        "postal_code": _text(address.get("postcode")),
        "locality": _text(address.get("city")),
        "latitude": latitude,
        "longitude": longitude,
        "profile_title": _text(ad.get("headline")),
        "occupation": "\n".join(_occupations(ad)),
        "profile_kind": "employment",
        "profile_description": _description(ad),
        "hours_percent": _percent(ad),
        "slots": _text(ad.get("number_of_vacancies")),
        "skills_required": _labels(ad, "must_have.skills"),
        "skills_nice": _labels(ad, "nice_to_have.skills"),
        "licences": _driving_licences(ad),
    }


def read_ads(content: bytes, *, max_rows: int) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The ads of a JSON upload as import rows, and the ad field behind each column."""
    return [ad_row(ad) for ad in read_json(content, max_rows=max_rows)], dict(FIELD_NAMES)
