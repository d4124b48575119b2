"""Swedish personal identity numbers: personnummer and samordningsnummer (day + 60).

One rule for the century, used by every way a number comes in (the participant service, and so
the API, the pages and the importers, and the duplicate check, which compares the normalised
form): a 12-digit number carries its century; a 10-digit one gets the century that makes the
person younger than 100 this year when written with ``-`` or with no separator, and 100 or older
when written with ``+`` (Folkbokföringslagen 18 §: the sign changes in the year the person turns
100). "This year" is Django's current date (``timezone.localdate()``), so tests pin it and a
server's clock zone never moves a birthday across New Year. The checksum and the date are then
checked by python-stdnum (personnummer) or the ``personnummer`` package (samordningsnummer) on
the full 12-digit form, which no longer depends on today."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from personnummer import personnummer as pnr
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import personnummer as stdnum_pnr

_FORM = re.compile(r"^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{4})$")


def _invalid(value: str, coordination_too: bool = True) -> ValidationError:
    message = (
        _("“%(v)s” is not a valid personal identity or coordination number.")
        if coordination_too
        else _("“%(v)s” is not a valid personal identity number.")
    )
    return ValidationError({"personnummer": message % {"v": value}})


def full_year(yy: int, separator: str, today: dt.date) -> int:
    """The year of birth of a 10-digit number: the last year ending in ``yy`` that makes the
    person under 100 this year (``-`` or none), or 100 or over (``+``)."""
    year = today.year - (today.year - yy) % 100
    return year - 100 if separator == "+" else year


def normalise_personal_number(value: str, *, today: dt.date | None = None) -> tuple[str, bool]:
    """Return (YYYYMMDD-NNNN, is_coordination_number); '' stays ''. Raises a field error if invalid
    (a bad checksum or date, a birth date after today, a ``+`` on someone under 100)."""
    value = (value or "").strip()
    if not value:
        return "", False
    match = _FORM.match(value.replace(" ", ""))
    if match is None:
        raise _invalid(value)
    century, yy, month, day, separator, tail = match.groups()
    today = today or timezone.localdate()
    year = int(century + yy) if century else full_year(int(yy), separator, today)
    if century and separator == "+" and today.year - year < 100:
        raise _invalid(value)  # "+" says 100 or older; the century says otherwise
    long = f"{year:04d}{month}{day}{tail}"
    coordination = int(day) > 60
    try:
        if coordination:
            parsed = pnr.parse(long)
            if not parsed.is_coordination_number():
                raise _invalid(value)
            born = dt.date(year, int(month), int(day) - 60)
        else:
            stdnum_pnr.validate(f"{long[:8]}-{long[8:]}")
            born = dt.date(year, int(month), int(day))
    except (StdnumError, pnr.PersonnummerException, ValueError) as exc:
        raise _invalid(value) from exc
    if born > today:
        raise _invalid(value)
    return f"{long[:8]}-{long[8:]}", coordination


def birth_year_of(number: str) -> int | None:
    """The year of birth of a normalised number (YYYYMMDD-NNNN), or None."""
    return int(number[:4]) if number else None


def check_birth_year(number: str, birth_year: int | None, *, field: str = "birth_year") -> None:
    """A birth year given beside a personal number must be the number's (a field error)."""
    if number and birth_year and int(birth_year) != birth_year_of(number):
        raise ValidationError(
            {
                field: _(
                    "The birth year %(given)s does not match the personal identity number "
                    "(born %(year)s)."
                )
                % {"given": birth_year, "year": birth_year_of(number)}
            }
        )


def mask(number: str) -> str:
    """19850312-1234 → 19850312-****"""
    return f"{number[:9]}****" if number else ""
