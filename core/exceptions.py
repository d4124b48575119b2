"""Domain errors: exceptions named for what went wrong. The API turns them into HTTP 400 with a
field-level message (``core.api.exceptions``); pages show them as form errors."""

from __future__ import annotations

from django.utils.translation import gettext


class DomainError(Exception):
    """A business rule said no. ``field`` names the input at fault (``non_field_errors`` if none)."""

    default_message = "The request breaks a rule."
    default_field = "non_field_errors"
    code = "invalid"

    def __init__(self, message: str | None = None, *, field: str | None = None) -> None:
        # Default messages are msgids: translated when raised, in the request's language.
        self.message = str(message or gettext(self.default_message))
        self.field = field or self.default_field
        super().__init__(self.message)

    def as_dict(self) -> dict[str, list[str]]:
        return {self.field: [self.message]}


class InvalidTransition(DomainError):
    default_message = "That status change is not allowed."
    default_field = "status"
    code = "invalid_transition"


class DuplicateRecord(DomainError):
    default_message = "This record already exists."
    code = "duplicate"


class SlotUnavailable(DomainError):
    default_message = "The task profile has no free slot."
    default_field = "task_profile"
    code = "slot_unavailable"


class NotAllowed(DomainError):
    default_message = "You may not do this."
    code = "not_allowed"


class Forbidden(DomainError):
    """The user may see the record but not change it (HTTP 403)."""

    default_message = "You may not change this."
    code = "forbidden"


class TooManyRequests(DomainError):
    """A rate limit (``core.throttle``) said no (HTTP 429 in the API, a form error in the pages)."""

    default_message = "Too many requests; try again later."
    code = "too_many_requests"
