"""One error shape for the whole API: ``{"field": ["message", ...]}`` — HTTP 400 for validation
and domain errors whatever layer raised them, and the same shape for 401/403/404/405/429 (their
message under ``non_field_errors``). Messages are in the request's language (LocaleMiddleware:
language cookie, then Accept-Language)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import DomainError, Forbidden, TooManyRequests


def django_validation_error_dict(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [str(m) for m in msgs]
            for field, msgs in exc.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def _messages(value) -> list | dict:
    if isinstance(value, dict):
        return {k: _messages(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [v if isinstance(v, dict) else str(v) for v in value]
    return [str(value)]


def one_shape(data) -> dict:
    """Any DRF error body → field → list of messages; ``detail`` becomes ``non_field_errors``."""
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    if not isinstance(data, dict):
        return {non_field: _messages(data)}
    return {(non_field if k == "detail" else k): _messages(v) for k, v in data.items()}


def exception_handler(exc, context):
    if isinstance(exc, Forbidden):
        return Response(one_shape({"detail": exc.message}), status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, TooManyRequests):
        return Response(exc.as_dict(), status=status.HTTP_429_TOO_MANY_REQUESTS)
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(django_validation_error_dict(exc))
    if isinstance(exc, Http404):
        exc = NotFound()  # Django's message names the model, in English; say it plainly
    if isinstance(exc, IntegrityError):
        # A constraint the services did not pre-check (e.g. a race); report, don't crash.
        return Response(
            {
                "non_field_errors": [
                    _("The change conflicts with existing data. Reload and try again.")
                ]
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, OverflowError | DataError):
        # A value past what the database stores (an id beyond 64 bits that reached a query no
        # field checked): the client's input, not a server fault.
        return Response(
            {"non_field_errors": [_("A value in the request is too large or out of range.")]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = one_shape(response.data)
    return response
