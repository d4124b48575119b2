"""Phase and follow-up rules as plain functions (no database)."""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings

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
