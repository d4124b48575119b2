"""The import's report: what each row did or why it was refused, with personnummer masked."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A Swedish personal identity number (or coordination number), 10 or 12 digits, with or
# without its separator: never echoed in a report. Organisation numbers (month digits >= 20)
# are not personal and stay readable.
PERSONNUMMER = re.compile(
    r"(?<![\d])(?:(?:19|20)\d{2}|\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01]|[6-8]\d|9[01])"
    r"[-+ ]?\d{4}(?![\d])"
)
MASK = "••••••-••••"


def mask_personnummer(text: str) -> str:
    """``text`` with every personnummer-like number replaced by a mask."""
    return PERSONNUMMER.sub(MASK, text) if text else text


@dataclass
class RowResult:
    row: int
    employer: str
    errors: dict[str, list[str]] = field(default_factory=dict)
    action: str = ""
    profile: str = ""


@dataclass
class Counts:
    employers: int = 0
    sites: int = 0
    contacts: int = 0
    profiles: int = 0

    def add(self, other: Counts) -> None:
        self.employers += other.employers
        self.sites += other.sites
        self.contacts += other.contacts
        self.profiles += other.profiles


@dataclass
class ImportReport:
    dry_run: bool
    rows: list[RowResult]
    file_errors: list[str] = field(default_factory=list)
    valid_rows_only: bool = False
    counts: Counts = field(default_factory=Counts)

    @property
    def refused(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.refused

    @property
    def valid_rows(self) -> int:
        return len(self.rows) - len(self.refused)

    @property
    def imported(self) -> bool:
        """Whether anything was written: a clean file, or the valid rows when asked for."""
        if self.dry_run or self.file_errors:
            return False
        return self.ok or (self.valid_rows_only and self.valid_rows > 0)

    # Kept for callers that read the counts by name.
    @property
    def employers_created(self) -> int:
        return self.counts.employers

    @property
    def sites_created(self) -> int:
        return self.counts.sites

    @property
    def contacts_created(self) -> int:
        return self.counts.contacts

    @property
    def profiles_created(self) -> int:
        return self.counts.profiles

    def as_dict(self) -> dict:
        shown = self.imported or self.dry_run
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "valid_rows_only": self.valid_rows_only,
            "imported": self.imported,
            "file_errors": [mask_personnummer(e) for e in self.file_errors],
            "employers_created": self.counts.employers if shown else 0,
            "sites_created": self.counts.sites if shown else 0,
            "contacts_created": self.counts.contacts if shown else 0,
            "profiles_created": self.counts.profiles if shown else 0,
            "valid_rows": self.valid_rows if not self.file_errors else 0,
            "refused_rows": len(self.refused),
            "rows": [
                {
                    "row": r.row,
                    "employer": mask_personnummer(r.employer),
                    "profile": mask_personnummer(r.profile),
                    "action": r.action,
                    "errors": {
                        mask_personnummer(k): [mask_personnummer(m) for m in v]
                        for k, v in r.errors.items()
                    },
                }
                for r in self.rows
            ],
        }
