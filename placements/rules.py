"""Phase and follow-up rules as plain functions (no database)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_POLICY = {"weeks": [1, 2, 4], "monthly_after": True, "keep_months": 3}


def policy() -> dict:
    return {**DEFAULT_POLICY, **getattr(settings, "FOLLOWUP_POLICY", {})}


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def keep_phase_end(hired_on: dt.date) -> dt.date:
    """Behålla lasts until three months after hiring (configurable)."""
    return add_months(hired_on, policy()["keep_months"])


def ended_early(hired_on: dt.date | None, ended_on: dt.date) -> bool:
    """An employment that ends within the keep period sends the participant back to matching."""
    return hired_on is not None and ended_on < keep_phase_end(hired_on)


def followup_dates(start: dt.date, until: dt.date | None) -> list[dt.date]:
    """Weeks 1, 2 and 4 after ``start``, then monthly (on the start's day of the month) until
    ``until`` inclusive. A monthly date closer than two weeks to the last weekly one is skipped."""
    rules = policy()
    weekly = [start + dt.timedelta(weeks=w) for w in rules["weeks"]]
    dates = [d for d in weekly if until is None or d <= until]
    if rules["monthly_after"] and until is not None:
        last_weekly = max(weekly)
        k = 1
        while (monthly := add_months(start, k)) <= until:
            if monthly > last_weekly + dt.timedelta(days=14):
                dates.append(monthly)
            k += 1
    return sorted(set(dates))


# --- what may happen next -------------------------------------------------------------------------
# One source of truth for the placement's next steps: the services refuse what is not listed here,
# and the pages offer exactly what is listed (``allowed_actions``), so a button is never shown for a
# step the service would refuse, and no step the service allows is missing from the page.

PLACEMENT_ACTIONS = {
    "agree": lambda p: p.status == "proposed",
    "withdraw": lambda p: p.status == "proposed",
    "start": lambda p: p.status == "agreed",
    "evaluate": lambda p: p.status == "ongoing",
    "extend": lambda p: (
        p.status in ("agreed", "ongoing") and p.kind != "employment" and p.planned_end is not None
    ),
    "to_employment": lambda p: p.status == "ongoing" and p.phase == "finna",
    "hire": lambda p: p.status == "ongoing" and p.phase == "fa",
    "end": lambda p: p.status in ("agreed", "ongoing"),
}


def placement_allows(placement, action: str) -> bool:
    return PLACEMENT_ACTIONS[action](placement)


def allowed_actions(placement) -> list[str]:
    """The steps the placement can take from its current state, in the order of the method."""
    return [name for name, allowed in PLACEMENT_ACTIONS.items() if allowed(placement)]


FOLLOWUP_ACTIONS = {
    "record": lambda f: f.status in ("planned", "done"),
    "reschedule": lambda f: f.status == "planned",
    "request_confirmation": lambda f: (
        f.status in ("planned", "done")
        and f.confirmed_at is None
        and f.confirmation_requested_at is None
    ),
    "confirm": lambda f: f.status in ("planned", "done") and f.confirmed_at is None,
}


def followup_allows(followup, action: str) -> bool:
    return FOLLOWUP_ACTIONS[action](followup)


# --- dates ----------------------------------------------------------------------------------------
# One table of what each date a person types may be. The services refuse a date outside it; the
# forms and the API serializers ask the same table (``date_errors``) so the error lands on the
# field before the service runs; and a form's suggested date is taken from it (``default_date``),
# so a page never suggests a date it would then refuse.


@dataclass(frozen=True)
class DateRule:
    """``field`` must be ``side`` the date ``bound`` returns (``None``: the rule does not apply).

    ``bound(subject, values, today)``: ``subject`` is what the step acts on (a placement, the
    participant's exit context, an exit), ``values`` the other fields entered with it."""

    field: str
    side: str
    bound: Callable[[Any, dict, dt.date], dt.date | None]
    message: Any


NOT_BEFORE, AFTER, NOT_AFTER = "not_before", "after", "not_after"


def _start_of(placement) -> dt.date | None:
    """When the placement starts: the recorded start, else the planned one."""
    return getattr(placement, "started_on", None) or getattr(placement, "planned_start", None)


def _today(s, v, today: dt.date) -> dt.date:
    return today


NOT_IN_FUTURE = _("The date cannot be in the future (today is %(date)s).")

DATE_RULES: dict[str, tuple[DateRule, ...]] = {
    "propose": (
        DateRule(
            "planned_end",
            NOT_BEFORE,
            lambda s, v, t: v.get("planned_start"),
            _("The placement cannot end before it starts (%(date)s)."),
        ),
    ),
    "start": (DateRule("started_on", NOT_AFTER, _today, NOT_IN_FUTURE),),
    "evaluate": (
        DateRule(
            "evaluated_on",
            NOT_BEFORE,
            lambda s, v, t: s.started_on,
            _("The evaluation cannot be before the start (%(date)s)."),
        ),
        DateRule("evaluated_on", NOT_AFTER, _today, NOT_IN_FUTURE),
    ),
    "extend": (
        DateRule(
            "new_end",
            AFTER,
            lambda s, v, t: s.planned_end,
            _("The new end must be after the current end (%(date)s)."),
        ),
    ),
    "hire": (
        DateRule(
            "hired_on",
            NOT_BEFORE,
            lambda s, v, t: s.started_on,
            _("Hiring cannot be before the start (%(date)s)."),
        ),
        DateRule("hired_on", NOT_AFTER, _today, NOT_IN_FUTURE),
    ),
    "end": (
        DateRule(
            "ended_on",
            NOT_BEFORE,
            lambda s, v, t: s.hired_on or s.started_on,
            _("The placement cannot end before it started or the hiring (%(date)s)."),
        ),
        DateRule(
            "ended_on",
            NOT_AFTER,
            _today,
            _(
                "An end is recorded when it happens: the date cannot be in the future "
                "(today is %(date)s)."
            ),
        ),
    ),
    "exit": (
        DateRule(
            "exited_on",
            NOT_BEFORE,
            lambda s, v, t: s.latest_placement_date,
            _(
                "The exit cannot be before a placement's start or end (%(date)s): "
                "end the placement first or choose a later date."
            ),
        ),
        DateRule(
            "exited_on",
            NOT_AFTER,
            _today,
            _("An exit cannot be recorded in the future (today is %(date)s)."),
        ),
    ),
    "followup_plan": (
        DateRule(
            "planned_on",
            NOT_BEFORE,
            lambda s, v, t: _start_of(s),
            _("A follow-up cannot be before the placement starts (%(date)s)."),
        ),
        DateRule(
            "planned_on",
            NOT_AFTER,
            lambda s, v, t: s.ended_on,
            _("A follow-up cannot be after the placement ended (%(date)s)."),
        ),
    ),
    "followup_record": (
        DateRule(
            "done_on",
            NOT_BEFORE,
            lambda s, v, t: _start_of(s),
            _("A follow-up cannot be done before the placement starts (%(date)s)."),
        ),
        DateRule(
            "done_on",
            NOT_AFTER,
            _today,
            _("A follow-up cannot be done in the future (today is %(date)s)."),
        ),
    ),
    "exit_followup": (
        DateRule(
            "checked_on",
            NOT_BEFORE,
            lambda s, v, t: s.exited_on,
            _("The follow-up comes after the exit (%(date)s)."),
        ),
        DateRule(
            "checked_on",
            NOT_AFTER,
            _today,
            _("A follow-up cannot be recorded in the future (today is %(date)s)."),
        ),
    ),
}


def _breaks(rule: DateRule, value: dt.date, bound: dt.date) -> bool:
    if rule.side == NOT_BEFORE:
        return value < bound
    if rule.side == AFTER:
        return value <= bound
    return value > bound


def date_errors(
    action: str, subject, values: dict, *, today: dt.date | None = None
) -> dict[str, str]:
    """field → the first rule of ``DATE_RULES[action]`` that its value breaks (in the active
    language). Fields that are missing or empty are left to the form's own "required" check."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    for rule in DATE_RULES[action]:
        value = values.get(rule.field)
        if not isinstance(value, dt.date) or rule.field in errors:
            continue
        bound = rule.bound(subject, values, today)
        if bound is not None and _breaks(rule, value, bound):
            errors[rule.field] = str(rule.message) % {
                "date": formats.date_format(bound, "SHORT_DATE_FORMAT")
            }
    return errors


def check_dates(action: str, subject, *, today: dt.date | None = None, **values) -> None:
    """Raise the field errors of ``date_errors`` (what the services call)."""
    errors = date_errors(action, subject, values, today=today)
    if errors:
        raise ValidationError(errors)


def default_date(
    action: str, field: str, subject, *, values: dict | None = None, today: dt.date | None = None
) -> dt.date:
    """Today, moved into the range the rules allow for ``field``: the date a form suggests."""
    today = today or timezone.localdate()
    values = values or {}
    low = high = None
    for rule in DATE_RULES[action]:
        if rule.field != field:
            continue
        bound = rule.bound(subject, values, today)
        if bound is None:
            continue
        if rule.side == NOT_AFTER:
            high = bound if high is None else min(high, bound)
        else:
            b = bound + dt.timedelta(days=1) if rule.side == AFTER else bound
            low = b if low is None else max(low, b)
    day = today
    if low is not None and day < low:
        day = low
    if high is not None and day > high:
        day = high
    return day
