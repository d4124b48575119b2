"""Swedish personal identity numbers: personnummer (python-stdnum) and samordningsnummer (day + 60,
accepted by the ``personnummer`` package)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from personnummer import personnummer as pnr
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import personnummer as stdnum_pnr


def normalise_personal_number(value: str) -> tuple[str, bool]:
    """Return (YYYYMMDD-NNNN, is_coordination_number); '' stays ''. Raises a field error if invalid."""
    value = (value or "").strip()
    if not value:
        return "", False
    try:
        stdnum_pnr.validate(value)
    except StdnumError:
        pass
    else:
        return _long(pnr.parse(value)), False
    try:
        parsed = pnr.parse(value)
    except (pnr.PersonnummerException, ValueError) as exc:
        raise ValidationError(
            {
                "personnummer": _(
                    "“%(v)s” is not a valid personal identity or coordination number."
                )
                % {"v": value}
            }
        ) from exc
    if not parsed.is_coordination_number():
        raise ValidationError(
            {"personnummer": _("“%(v)s” is not a valid personal identity number.") % {"v": value}}
        )
    return _long(parsed), True


def _long(parsed) -> str:
    digits = parsed.format(True)
    return f"{digits[:8]}-{digits[8:]}"


def mask(number: str) -> str:
    """19850312-1234 → 19850312-****"""
    return f"{number[:9]}****" if number else ""
