"""Historical job ads (JobTech's historical-ads dataset: JSON lines, or a JSON list of ads) into
``HistoricalAd``: the hiring signal by organisation number × occupation (SSYK 4) × municipality that
the coordinator's "Whom to approach next" list reads.

Only what the signal needs is kept: the ad's id, date, employer (orgnr, name, workplace), its
occupation group (``occupation_group.legacy_ams_taxonomy_id`` is the SSYK 4 code), the workplace's
municipality and coordinates, and the number of vacancies. An ad that lacks one of the required
fields is refused with the field named as JobTech names it, so the person who exported the file can
find it. Ads already imported for the region (same id) are left as they are, so a file can be
imported again, or a newer one that overlaps the last.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.models import Municipality, Region
from core.tabular import read_json_records
from employers.importing.report import mask_personnummer
from employers.models import Employer, HistoricalAd
from employers.services.identifiers import normalise_orgnr

MAX_ADS = 200_000
REPORT_REFUSED_ROWS = 200  # refused rows listed by number; the count covers them all
BATCH = 2000


@dataclass
class RefusedAd:
    row: int
    ad_id: str
    errors: dict[str, list[str]]


@dataclass
class HistoricalAdsReport:
    """What a file held and what the import did (or would do, in a dry run)."""

    dry_run: bool
    ads_read: int = 0
    valid: int = 0
    created: int = 0
    already_imported: int = 0
    employers: int = 0
    registered_employers: int = 0
    occupations: int = 0
    municipalities: int = 0
    first_published: dt.date | None = None
    last_published: dt.date | None = None
    refused: list[RefusedAd] = field(default_factory=list)
    refused_count: int = 0
    file_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_errors

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "ads_read": self.ads_read,
            "valid": self.valid,
            "created": self.created,
            "already_imported": self.already_imported,
            "employers": self.employers,
            "registered_employers": self.registered_employers,
            "occupations": self.occupations,
            "municipalities": self.municipalities,
            "first_published": self.first_published.isoformat() if self.first_published else None,
            "last_published": self.last_published.isoformat() if self.last_published else None,
            "refused_count": self.refused_count,
            "refused": [
                {
                    "row": r.row,
                    "id": mask_personnummer(r.ad_id),
                    "errors": {k: [mask_personnummer(m) for m in v] for k, v in r.errors.items()},
                }
                for r in self.refused
            ],
            "file_errors": [mask_personnummer(e) for e in self.file_errors],
        }


def _get(ad: dict, path: str):
    value = ad
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _text(value, limit: int) -> str:
    if value is None or isinstance(value, dict | list | bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()[:limit]


def _date(value) -> dt.date | None:
    text = _text(value, 40)
    if len(text) < 10:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _coordinates(ad: dict) -> tuple[float | None, float | None]:
    """JobTech writes ``[longitude, latitude]``; a pair outside Sweden's box is dropped."""
    pair = _get(ad, "workplace_address.coordinates")
    if not (isinstance(pair, list) and len(pair) == 2):
        return None, None
    try:
        lon, lat = float(pair[0]), float(pair[1])
    except (TypeError, ValueError):
        return None, None
    if not (55.0 <= lat <= 69.5 and 10.5 <= lon <= 24.5):
        return None, None
    return lat, lon


def parse_ad(ad, municipalities: set[str]) -> tuple[dict | None, dict[str, list[str]]]:
    """One ad as the fields of a ``HistoricalAd`` (without the region), or the errors by field."""
    if not isinstance(ad, dict):
        return None, {"ad": [_("The row is not a JSON object.")]}
    errors: dict[str, list[str]] = {}
    ad_id = _text(ad.get("id"), 40)
    if not ad_id:
        errors["id"] = [_("The ad has no id.")]
    published = _date(ad.get("publication_date"))
    if published is None:
        errors["publication_date"] = [_("Give the publication date as YYYY-MM-DD.")]
    orgnr = ""
    raw_orgnr = _text(_get(ad, "employer.organization_number"), 20)
    if not raw_orgnr:
        errors["employer.organization_number"] = [_("The ad names no organisation number.")]
    else:
        try:
            orgnr = normalise_orgnr(raw_orgnr)
        except ValidationError as exc:
            errors["employer.organization_number"] = exc.message_dict["orgnr"]
    name = _text(_get(ad, "employer.name"), 200)
    if not name:
        errors["employer.name"] = [_("The ad names no employer.")]
    ssyk = _text(_get(ad, "occupation_group.legacy_ams_taxonomy_id"), 10)
    if not (len(ssyk) == 4 and ssyk.isdigit()):
        errors["occupation_group.legacy_ams_taxonomy_id"] = [
            _("The occupation group needs its four-digit SSYK code.")
        ]
    municipality = _text(_get(ad, "workplace_address.municipality_code"), 10)
    if len(municipality) == 3 and municipality.isdigit():
        municipality = "0" + municipality
    if municipality not in municipalities:
        errors["workplace_address.municipality_code"] = [
            _("“%(code)s” is not a Swedish municipality code.") % {"code": municipality}
            if municipality
            else _("The ad names no municipality code.")
        ]
    vacancies = ad.get("number_of_vacancies")
    if vacancies in (None, ""):
        vacancies = 1
    try:
        vacancies = int(vacancies)
    except (TypeError, ValueError):
        vacancies = 0
    if not 1 <= vacancies <= 1000:
        errors["number_of_vacancies"] = [_("The number of vacancies must be 1–1000.")]
    if errors:
        return None, errors
    lat, lon = _coordinates(ad)
    return {
        "ad_id": ad_id,
        "headline": _text(ad.get("headline"), 300),
        "published_on": published,
        "orgnr": orgnr,
        "employer_name": name,
        "workplace": _text(_get(ad, "employer.workplace"), 200),
        "ssyk": ssyk,
        "ssyk_label": _text(_get(ad, "occupation_group.label"), 300),
        "occupation_label": _text(_get(ad, "occupation.label"), 300),
        "occupation_concept_id": _text(_get(ad, "occupation.concept_id"), 40),
        "municipality_id": municipality,
        "latitude": lat,
        "longitude": lon,
        "vacancies": vacancies,
    }, {}


def import_historical_ads(
    *,
    content: bytes,
    region: Region,
    dry_run: bool,
    max_bytes: int | None = None,
    max_rows: int = MAX_ADS,
) -> HistoricalAdsReport:
    """Read, check and (unless ``dry_run``) store a file of historical ads for ``region``. Who may
    do it is checked by the caller's service (``employers.services.hiring``)."""
    report = HistoricalAdsReport(dry_run=dry_run)
    try:
        records = read_json_records(content, max_rows=max_rows, max_bytes=max_bytes)
    except ValueError as exc:
        report.file_errors.append(str(exc))
        return report
    report.ads_read = len(records)
    municipalities = set(Municipality.objects.values_list("code", flat=True))
    rows: dict[str, dict] = {}
    for number, ad in enumerate(records, start=1):
        fields, errors = parse_ad(ad, municipalities)
        if fields is not None and fields["ad_id"] in rows:
            errors = {"id": [_("The same ad id comes earlier in the file.")]}
        if errors:
            report.refused_count += 1
            if len(report.refused) < REPORT_REFUSED_ROWS:
                ad_id = _text(ad.get("id"), 40) if isinstance(ad, dict) else ""
                report.refused.append(RefusedAd(row=number, ad_id=ad_id, errors=errors))
            continue
        rows[fields["ad_id"]] = fields
    report.valid = len(rows)
    if rows:
        orgnrs = {r["orgnr"] for r in rows.values()}
        dates = [r["published_on"] for r in rows.values()]
        report.employers = len(orgnrs)
        report.registered_employers = (
            Employer.objects.filter(region=region, orgnr__in=orgnrs)
            .values("orgnr")
            .distinct()
            .count()
        )
        report.occupations = len({r["ssyk"] for r in rows.values()})
        report.municipalities = len({r["municipality_id"] for r in rows.values()})
        report.first_published, report.last_published = min(dates), max(dates)
    existing = _existing_ids(region, list(rows))
    report.already_imported = len(existing)
    new = [HistoricalAd(region=region, **r) for key, r in rows.items() if key not in existing]
    report.created = len(new)
    if not dry_run and new:
        with transaction.atomic():
            HistoricalAd.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
    return report


def _existing_ids(region: Region, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), BATCH):
        found.update(
            HistoricalAd.objects.filter(
                region=region, ad_id__in=ids[start : start + BATCH]
            ).values_list("ad_id", flat=True)
        )
    return found
