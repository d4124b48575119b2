"""Organisation numbers, phone numbers and employer names in the one form they are stored
and compared in."""

from __future__ import annotations

import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import orgnr as stdnum_orgnr

_LEGAL_SUFFIXES = (" ab", " aktiebolag", " hb", " kb", " ek för", " ekonomisk förening")


def normalise_orgnr(value: str) -> str:
    """Validate a Swedish organisation number and return it as NNNNNN-NNNN ('' stays '')."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return stdnum_orgnr.format(stdnum_orgnr.validate(value))
    except StdnumError as exc:
        raise ValidationError(
            {
                "orgnr": _("“%(value)s” is not a valid Swedish organisation number.")
                % {"value": value}
            }
        ) from exc


def orgnr_stored_form(value: str) -> str | None:
    """An organisation number as it is stored (NNNNNN-NNNN) however it is written: with or
    without the dash, 10 digits or 12 with the ``16`` prefix; None when it is no such number.
    The checksum is not checked: a lookup with a wrong one simply finds nothing."""
    digits = "".join(ch for ch in (value or "") if ch not in " -")
    if not (digits.isascii() and digits.isdigit()):
        return None
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]
    return f"{digits[:6]}-{digits[6:]}" if len(digits) == 10 else None


def orgnr_search_term(term: str) -> str:
    """A search term in the stored form when it is an organisation number, whole or a start of
    one typed without its dash (``5560360`` → ``556036-0``); any other term as it is."""
    whole = orgnr_stored_form(term)
    if whole:
        return whole
    if term.isascii() and term.isdigit() and 6 < len(term) < 10:
        return f"{term[:6]}-{term[6:]}"
    return term


def normalise_phone(value: str, *, field: str = "phone") -> str:
    """Validate a phone number (Swedish unless it has a country code) and return it in E.164."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "SE")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            {field: _("“%(value)s” is not a phone number.") % {"value": value}}
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            {field: _("“%(value)s” is not a valid phone number.") % {"value": value}}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def fold_name(name: str) -> str:
    """Case-, accent-spacing- and punctuation-insensitive form of an employer name."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in text)
    text = " ".join(text.split())
    for suffix in _LEGAL_SUFFIXES:
        if text.endswith(suffix):
            text = text[: -len(suffix)].strip()
    return text
