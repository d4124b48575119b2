"""What the change log may keep of sensitive fields.

django-auditlog's default mask keeps the second half of a value: for a personnummer that is the
last four digits, which together with the first eight shown by the API give the whole number. The
log keeps *that* a sensitive field changed, never any part of its value."""

from __future__ import annotations

HIDDEN = "[hidden]"


def mask_all(value: str) -> str:
    return HIDDEN if value not in ("", "None", None) else value
