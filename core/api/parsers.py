"""Request parsers that refuse NUL characters (issue 13, found by schemathesis on PostgreSQL).

PostgreSQL text cannot hold a NUL (0x00). DRF's ``CharField`` refuses one, but a lookup field
(a municipality or industry code, an adaptation slug) passes the value to the database, which
fails with a ``DataError`` — a 500 instead of a field error. The API's parsers check the whole
body once, so no field can forget: a NUL anywhere is a 400 on the field that holds it."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(v) for v in value)
    return False


def refuse_nul(data):
    """``data`` unchanged, or a field error naming the top-level field that holds a NUL."""
    items = (
        data.lists() if hasattr(data, "lists") else data.items() if isinstance(data, dict) else []
    )
    for key, value in items:
        if _holds_nul(key) or _holds_nul(value):
            field = api_settings.NON_FIELD_ERRORS_KEY if _holds_nul(key) else key
            raise ValidationError({field: [_("Null characters are not allowed.")]})
    if not isinstance(data, dict) and not hasattr(data, "lists") and _holds_nul(data):
        raise ValidationError(
            {api_settings.NON_FIELD_ERRORS_KEY: [_("Null characters are not allowed.")]}
        )
    return data


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return refuse_nul(super().parse(stream, media_type, parser_context))


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return refuse_nul(super().parse(stream, media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        refuse_nul(result.data)  # the files are bytes and are checked by their importers
        return result
