"""Import of coordinators' spreadsheets (CSV or XLSX): employers with a site and a contact per row.

The whole file runs through the same services as the API inside one transaction, each row in a
savepoint so every row's errors are reported. A dry run, or a file with any error, is rolled back:
a faulty file imports nothing; a good file imports all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.api.exceptions import django_validation_error_dict
from core.exceptions import DomainError
from core.models import Industry, Municipality, User
from core.tabular import read_table
from employers import services
from employers.choices import EmployerStatus, Sector, SizeClass
from employers.models import Employer

COLUMNS = [
    "name",
    "orgnr",
    "municipality",
    "industry",
    "sector",
    "size_class",
    "status",
    "notes",
    "site_name",
    "address",
    "postal_code",
    "locality",
    "contact_name",
    "contact_title",
    "contact_phone",
    "contact_email",
    "contact_is_supervisor",
]
REQUIRED = ("name", "municipality")
MAX_ROWS = 5000


@dataclass
class RowResult:
    row: int
    employer: str
    errors: dict[str, list[str]] = field(default_factory=dict)
    action: str = ""


@dataclass
class ImportReport:
    dry_run: bool
    rows: list[RowResult]
    file_errors: list[str] = field(default_factory=list)
    employers_created: int = 0
    sites_created: int = 0
    contacts_created: int = 0

    @property
    def ok(self) -> bool:
        return not self.file_errors and all(not r.errors for r in self.rows)

    @property
    def imported(self) -> bool:
        return self.ok and not self.dry_run

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "imported": self.imported,
            "file_errors": self.file_errors,
            "employers_created": self.employers_created if self.imported or self.dry_run else 0,
            "sites_created": self.sites_created if self.imported or self.dry_run else 0,
            "contacts_created": self.contacts_created if self.imported or self.dry_run else 0,
            "rows": [r.__dict__ for r in self.rows],
        }


def read_rows(content: bytes, filename: str) -> list[dict[str, str]]:
    """Rows as dicts keyed by lower-cased header (see ``core.tabular``)."""
    return read_table(content, filename, columns=COLUMNS, required=REQUIRED, max_rows=MAX_ROWS)


def _municipality(value: str) -> Municipality:
    value = value.strip()
    muni = (
        Municipality.objects.filter(code=value).first()
        or Municipality.objects.filter(name__iexact=value).first()
    )
    if muni is None:
        raise ValidationError({"municipality": _("Unknown municipality “%(v)s”.") % {"v": value}})
    return muni


def _choice(value: str, choices, field_name: str, default: str) -> str:
    """A choice by its code or its label in Swedish or English, whatever the active language."""
    from django.utils.translation import override

    value = value.strip()
    if not value:
        return default
    for key, label in choices.choices:
        with override("sv"):
            sv = str(label)
        with override("en"):
            en = str(label)
        if value.casefold() in (key.casefold(), sv.casefold(), en.casefold()):
            return key
    raise ValidationError(
        {
            field_name: _("“%(v)s” is not one of: %(opts)s.")
            % {"v": value, "opts": ", ".join(choices.values)}
        }
    )


def _truthy(value: str) -> bool:
    return value.strip().casefold() in ("1", "ja", "yes", "true", "x", "j")


def import_employers(
    *,
    content: bytes,
    filename: str,
    by: User,
    dry_run: bool,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import (or with ``dry_run`` only check) a file. ``progress(done, total)`` is called every 25
    rows; it must write outside this transaction (the job uses the shared cache)."""
    try:
        rows = read_rows(content, filename)
    except ValueError as exc:
        return ImportReport(dry_run=dry_run, rows=[], file_errors=[str(exc)])
    report = ImportReport(dry_run=dry_run, rows=[])
    with transaction.atomic():
        in_file: dict[str, Employer] = {}
        for number, row in enumerate(rows, start=2):  # row 1 is the header
            if progress is not None and (number - 2) % 25 == 0:
                progress(number - 2, len(rows))
            result = RowResult(row=number, employer=row.get("name", ""))
            report.rows.append(result)
            try:
                with transaction.atomic():
                    _import_row(row, by, in_file, result, report)
            except ValidationError as exc:
                result.errors = django_validation_error_dict(exc)
            except DomainError as exc:
                result.errors = exc.as_dict()
        if dry_run or not report.ok:
            transaction.set_rollback(True)
    return report


def _import_row(
    row: dict[str, str],
    by: User,
    in_file: dict[str, Employer],
    result: RowResult,
    report: ImportReport,
) -> None:
    missing = {c: [_("This column is required.")] for c in REQUIRED if not row.get(c, "").strip()}
    if missing:
        raise ValidationError(missing)
    municipality = _municipality(row["municipality"])
    orgnr = services.normalise_orgnr(row.get("orgnr", ""))
    key = orgnr or f"{services.fold_name(row['name'])}|{municipality.code}"
    employer = in_file.get(key)
    if employer is None:
        industry = None
        if row.get("industry", "").strip():
            text = row["industry"].strip()
            industry = (
                Industry.objects.filter(code=text.upper()).first()
                or Industry.objects.filter(label__iexact=text).first()
            )
            if industry is None:
                raise ValidationError(
                    {"industry": _("Unknown SNI code “%(v)s”.") % {"v": row["industry"]}}
                )
        employer = services.employer_create(
            by=by,
            name=row["name"].strip(),
            orgnr=orgnr,
            municipality=municipality,
            industry=industry,
            sector=_choice(row.get("sector", ""), Sector, "sector", Sector.PRIVATE),
            size_class=_choice(row.get("size_class", ""), SizeClass, "size_class", ""),
            status=_choice(
                row.get("status", ""), EmployerStatus, "status", EmployerStatus.PROSPECT
            ),
            notes=row.get("notes", ""),
        )
        in_file[key] = employer
        report.employers_created += 1
        result.action = "created"
    else:
        result.action = "added to"
    site = None
    if row.get("site_name", "").strip() or row.get("address", "").strip():
        site = services.site_create(
            employer=employer,
            by=by,
            name=(row.get("site_name") or row.get("address") or employer.name).strip(),
            address=row.get("address", ""),
            postal_code=row.get("postal_code", "").replace(" ", ""),
            locality=row.get("locality", ""),
            municipality=municipality,
        )
        report.sites_created += 1
    if row.get("contact_name", "").strip():
        services.contact_create(
            employer=employer,
            by=by,
            name=row["contact_name"].strip(),
            title=row.get("contact_title", ""),
            phone=row.get("contact_phone", ""),
            email=row.get("contact_email", ""),
            is_supervisor=_truthy(row.get("contact_is_supervisor", "")),
            site=site,
        )
        report.contacts_created += 1
