"""Cells, rows, tables and the one rounding and suppression rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from placements.reporting.statistics.scope import Scope


SUPPRESS_BELOW = 5


def percent(numerator: int, denominator: int) -> int | None:
    """Whole percent, rounded once, half up; None when there is nothing to divide by."""
    if not denominator:
        return None
    value = Decimal(100 * numerator) / Decimal(denominator)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def half_up(value: float | None) -> int | None:
    if value is None:
        return None
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class Cell:
    """``kind``: count, percent, days or number (not about persons, never suppressed).
    ``persons``: how many people the cell is about (for suppression)."""

    value: int | None
    kind: str = "count"
    persons: int | None = None

    def suppressed(self, share: bool) -> bool:
        return share and self.persons is not None and 0 < self.persons < SUPPRESS_BELOW


def count(n: int) -> Cell:
    return Cell(n, "count", n)


def share_of(numerator: int, denominator: int) -> Cell:
    return Cell(percent(numerator, denominator), "percent", numerator)


def number(n: int) -> Cell:
    return Cell(n, "number", None)


def cell_text(cell: Cell, share: bool = False) -> str:
    """The one way a figure is written, on pages and in CSV."""
    if cell.suppressed(share):
        return "<5"
    if cell.value is None:
        return "–"
    if cell.kind == "percent":
        return f"{cell.value} %"
    return str(cell.value)


@dataclass
class Row:
    key: str
    label: str
    cells: list[Cell]


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    note: str = ""

    def add(self, key: str, label: str, cells: list[Cell]) -> None:
        self.rows.append(Row(key, label, cells))

    def as_dict(self, share: bool = False) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "note": self.note,
            "columns": self.columns,
            "rows": [
                {
                    "key": r.key,
                    "label": r.label,
                    "cells": [
                        {
                            "value": None if c.suppressed(share) else c.value,
                            "kind": c.kind,
                            "text": cell_text(c, share),
                        }
                        for c in r.cells
                    ],
                }
                for r in self.rows
            ],
        }


@dataclass
class Section:
    key: str
    title: str
    tables: list[Table]


@dataclass
class Report:
    scope: Scope
    sections: list[Section]

    def table(self, key: str) -> Table:
        for section in self.sections:
            for table in section.tables:
                if table.key == key:
                    return table
        raise KeyError(key)

    def as_dict(self, share: bool = False) -> dict:
        return {
            "filters": self.scope.as_dict(),
            "shared": share,
            "sections": [
                {"key": s.key, "title": s.title, "tables": [t.as_dict(share) for t in s.tables]}
                for s in self.sections
            ],
        }
