"""One error shape for the whole API: ``{"field": ["message", ...]}`` with HTTP 400 for validation
and domain errors, whatever layer raised them."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import DomainError, Forbidden


def django_validation_error_dict(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [str(m) for m in msgs]
            for field, msgs in exc.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc, context):
    if isinstance(exc, Forbidden):
        return Response({"detail": exc.message}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(django_validation_error_dict(exc))
    if isinstance(exc, IntegrityError):
        # A constraint the services did not pre-check (e.g. a race); report, don't crash.
        return Response(
            {
                "non_field_errors": [
                    "The change conflicts with existing data. Reload and try again."
                ]
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    return drf_exception_handler(exc, context)
