"""What a report covers: period, units (later a region), municipality, guide; filters → scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import Role
from core.models import Municipality, Unit, User
from core.roles import role_of
from placements.projects.models import Project

STATS_ROLES = (Role.MANAGER, Role.ADMIN, Role.COORDINATOR, Role.GUIDE)
SCB_ROLES = (Role.MANAGER, Role.ADMIN)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


@dataclass(frozen=True)
class Scope:
    """What a report covers. ``unit_ids`` None means every unit (administrators); a region filter
    resolves to a set of unit ids, so it can be added here without touching the figures."""

    start: dt.date
    end: dt.date
    unit_ids: tuple[int, ...] | None
    municipality_code: str | None = None
    guide_id: int | None = None  # guides see their own participants and follow-ups
    sections: tuple[str, ...] = ()  # which sections this user gets
    project_id: int | None = None  # only this project's enrolments, inside their dates

    def as_dict(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "units": list(self.unit_ids) if self.unit_ids is not None else None,
            "municipality": self.municipality_code,
            "guide": self.guide_id,
            "project": self.project_id,
        }


ALL_SECTIONS = ("participants", "outcomes", "method", "employers", "validations", "esf")


def sections_for(role: str | None) -> tuple[str, ...]:
    if role in (Role.MANAGER, Role.ADMIN):
        return ALL_SECTIONS
    if role == Role.GUIDE:
        return ("participants", "outcomes", "method", "validations")
    if role == Role.COORDINATOR:
        return ("employers",)
    return ()


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The year so far."""
    today = today or timezone.localdate()
    return dt.date(today.year, 1, 1), today


def parse_filters(user: User, data) -> tuple[Scope | None, dict[str, list[str]]]:
    """Filters from a query string (page and API alike) → a scope, or field errors."""
    errors: dict[str, list[str]] = {}
    role = role_of(user)
    default_start, default_end = default_period()

    def date_of(name: str, default: dt.date) -> dt.date | None:
        raw = (data.get(name) or "").strip()
        if not raw:
            return default
        try:
            value = dt.date.fromisoformat(raw)
        except ValueError:
            errors[name] = [_("Enter a date as YYYY-MM-DD.")]
            return None
        if not dt.date(2000, 1, 1) <= value <= dt.date(2100, 12, 31):
            errors[name] = [_("Enter a date between 2000 and 2100.")]
            return None
        return value

    start = date_of("start", default_start)
    end = date_of("end", default_end)
    if start and end and end < start:
        errors["end"] = [_("The end of the period cannot be before its start.")]
    unit_ids: tuple[int, ...] | None = (user.unit_id,) if user.unit_id else ()
    raw_unit = (data.get("unit") or "").strip()
    if role == Role.ADMIN:
        unit_ids = None
        if raw_unit:
            if not raw_unit.isdigit() or not Unit.objects.filter(pk=raw_unit).exists():
                errors["unit"] = [_("Unknown unit.")]
            else:
                unit_ids = (int(raw_unit),)
    elif raw_unit and raw_unit != str(user.unit_id):
        errors["unit"] = [_("You can only see your own unit.")]
    municipality = (data.get("municipality") or "").strip() or None
    # Codes are digits; checking that first keeps a NUL away from PostgreSQL (a 500 there).
    if municipality and not (
        municipality.isdigit() and Municipality.objects.filter(code=municipality).exists()
    ):
        errors["municipality"] = [_("Unknown municipality.")]
    project_id = _project_of(user, data, unit_ids, errors)
    if errors:
        return None, errors
    return (
        Scope(
            start=start,
            end=end,
            unit_ids=unit_ids,
            municipality_code=municipality,
            guide_id=user.pk if role == Role.GUIDE else None,
            sections=sections_for(role),
            project_id=project_id,
        ),
        {},
    )


def _project_of(user: User, data, unit_ids, errors: dict) -> int | None:
    """A project of the units the user sees (digits first: no NUL reaches the database)."""
    raw = (data.get("project") or "").strip()
    if not raw:
        return None
    qs = Project.objects.visible_to(user)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    if not raw.isdigit() or not qs.filter(pk=raw).exists():
        errors["project"] = [_("Unknown project.")]
        return None
    return int(raw)
