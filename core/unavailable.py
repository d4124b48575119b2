"""When the database, the broker or the cache is unreachable, answer 503 with ``Retry-After``: JSON
for the API, a friendly page otherwise. Never a 500, and (with atomic services) never a half-write."""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

RETRY_AFTER_SECONDS = 30
INFRASTRUCTURE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    BrokerError,
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,
    TimeoutError,
)

logger = logging.getLogger("brygga.unavailable")


def is_infrastructure_error(exc: BaseException | None) -> bool:
    return isinstance(exc, INFRASTRUCTURE_ERRORS)


def unavailable_response(request, exc: BaseException | None = None) -> HttpResponse:
    logger.warning("service unavailable: %s: %s", type(exc).__name__, exc)
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response: HttpResponse = JsonResponse(
            {"detail": _("The service is briefly unavailable. Please try again shortly.")},
            status=503,
        )
    else:
        body = loader.render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class ServiceUnavailableMiddleware:
    """Turns an infrastructure error raised by a view into a 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_infrastructure_error(exception):
            return unavailable_response(request, exception)
        return None


def server_error(request, *args, **kwargs):
    """``handler500``: errors raised outside views (e.g. saving the session in a middleware while the
    database is down) still become a 503 when the cause is the infrastructure."""
    exc = sys.exc_info()[1]
    if is_infrastructure_error(exc):
        return unavailable_response(request, exc)
    from django.views.defaults import server_error as default_server_error

    return default_server_error(request)
