"""Sane bounds for dates and years people type (issue 13): 1900 or 2099 is a typo, not a fact.

The bounds are relative to today, so they are deconstructible classes (migrations store the
arguments, not a fixed date)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


def _years_from(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@deconstructible
class DateWithin:
    """The date lies between ``past_years`` before and ``future_years`` after today."""

    def __init__(self, past_years: int = 50, future_years: int = 1):
        self.past_years = past_years
        self.future_years = future_years

    def __call__(self, value: dt.date) -> None:
        if value is None:
            return
        today = timezone.localdate()
        low, high = _years_from(today, -self.past_years), _years_from(today, self.future_years)
        if not low <= value <= high:
            raise ValidationError(
                _("Give a date between %(low)s and %(high)s.")
                % {"low": low.isoformat(), "high": high.isoformat()},
                code="date_out_of_range",
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, DateWithin) and (self.past_years, self.future_years) == (
            other.past_years,
            other.future_years,
        )


@deconstructible
class BirthYearWithin:
    """A participant of working age: between ``oldest`` and ``youngest`` years old this year."""

    def __init__(self, youngest: int = 14, oldest: int = 100):
        self.youngest = youngest
        self.oldest = oldest

    def __call__(self, value: int) -> None:
        if value is None:
            return
        year = timezone.localdate().year
        low, high = year - self.oldest, year - self.youngest
        if not low <= value <= high:
            raise ValidationError(
                _("Give a birth year between %(low)s and %(high)s.") % {"low": low, "high": high},
                code="birth_year_out_of_range",
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, BirthYearWithin) and (self.youngest, self.oldest) == (
            other.youngest,
            other.oldest,
        )
