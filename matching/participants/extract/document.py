"""The register extract as a document (GDPR art. 15): fields, tables and sections, and how they are
written — ``value_text`` for people (the page and the XLSX), ``value_json`` for machines. What goes into
the document is ``matching.participants.extract.sections``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from matching.models import Participant

EMPTY = "—"


# --- the document ---------------------------------------------------------------------------


@dataclass
class Field:
    key: str
    label: str
    value: object


@dataclass
class Table:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[list[object]] = field(default_factory=list)


@dataclass
class Section:
    key: str
    title: str
    fields: list[Field] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.fields and not any(t.rows for t in self.tables)


@dataclass
class Extract:
    participant: Participant
    generated_at: dt.datetime
    sections: list[Section]


def is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == ()


def value_text(value) -> str:
    """A value as a person reads it in the active language: dates in its form (5 december
    2026), yes/no, lists joined; empty as a dash, never ``None``."""
    if is_empty(value):
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def value_json(value):
    """A value for the JSON export: dates as ISO 8601, labels as text, lists as lists."""
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple):
        return [value_json(v) for v in value]
    return str(value)


def extract_json(extract: Extract) -> dict:
    """The same sections as the page, as structured JSON with labels."""
    return {
        "participant": extract.participant.code,
        "generated_at": value_json(extract.generated_at),
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "fields": [
                    {"key": f.key, "label": f.label, "value": value_json(f.value)} for f in s.fields
                ],
                "tables": [
                    {
                        "key": t.key,
                        "title": t.title,
                        "columns": [{"key": k, "label": label} for k, label in t.columns],
                        "rows": [
                            {
                                k: value_json(v)
                                for (k, _label), v in zip(t.columns, row, strict=True)
                            }
                            for row in t.rows
                        ],
                    }
                    for t in s.tables
                ],
            }
            for s in extract.sections
        ],
    }


# --- helpers the sections share ---------------------------------------------------------------


def person(user) -> str:
    """A staff member by name (the username when no name is recorded)."""
    if user is None:
        return ""
    return user.get_full_name().strip() or user.username


def label_of(model, name: str) -> str:
    return str(capfirst(model._meta.get_field(name).verbose_name))


def fields_of(obj, names: Iterable[str], values: dict | None = None) -> list[Field]:
    """The named model fields with their verbose names; choices as their labels, related rows by
    name; ``values`` overrides how one is shown. Empty values are left out."""
    values = values or {}
    out = []
    for name in names:
        if name in values:
            value = values[name]
        else:
            f = obj._meta.get_field(name)
            if f.choices:
                value = getattr(obj, f"get_{name}_display")() if getattr(obj, name) != "" else ""
            elif f.is_relation:
                related = getattr(obj, name)
                value = str(related) if related is not None else ""
            else:
                value = getattr(obj, name)
        if not is_empty(value):
            out.append(Field(name, label_of(type(obj), name), value))
    return out


def choice_labels(codes, choices) -> list[str]:
    labels = dict(choices)
    return [str(labels.get(code, code)) for code in codes or []]


def table(key: str, title, model, columns: list[str | tuple[str, str]], rows) -> Table:
    """A table whose columns are ``model`` fields (their verbose names) or ``(key, label)``."""
    cols = [c if isinstance(c, tuple) else (c, label_of(model, c)) for c in columns]
    return Table(key=key, title=str(title), columns=cols, rows=[list(r) for r in rows])


# --- XLSX: one sheet per section ------------------------------------------------------------

_SHEET_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def _sheet_title(title: str, taken: set[str]) -> str:
    base = title.translate(_SHEET_FORBIDDEN).strip()[:31]
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" {n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def extract_xlsx(extract: Extract) -> bytes:
    """The extract as a workbook with one sheet per section: the section's fields as label and
    value, then each table with its title, a header row and its rows. Written by the one XLSX
    writer (``core.tabular``); every value is text, so what people typed never runs as a formula."""
    from core.tabular import Export, Filter, Sheet, Styled, write_xlsx

    taken: set[str] = set()
    sheets = []
    for section in extract.sections:
        sheet = Sheet(_sheet_title(section.title, taken), widths={"A": 32, "B": 40})
        sheet.append([Styled(section.title, bold=True)])
        if section.is_empty:
            sheet.append([_("Nothing recorded.")])
        for f in section.fields:
            sheet.append([Styled(f.label, bold=True), value_text(f.value)])
        for t in section.tables:
            if not t.rows:
                continue
            sheet.append([])
            sheet.append([Styled(t.title, bold=True)])
            sheet.append([Styled(label, bold=True) for _key, label in t.columns])
            for values in t.rows:
                sheet.append([value_text(value) for value in values])
        sheets.append(sheet)
    export = Export(
        name="registerutdrag",
        title=str(_("Register extract")),
        filters=[
            Filter(str(_("Participant")), extract.participant.code),
            Filter(str(_("Extract of")), value_text(extract.generated_at), file_part=""),
        ],
        sheets=sheets,
    )
    return write_xlsx(export)
