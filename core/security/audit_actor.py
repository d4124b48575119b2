"""Who made a change, and from where, on django-auditlog's entries.

django-auditlog's own middleware and ``set_actor`` connect a ``pre_save`` receiver for every request
and disconnect it when the request ends. That cost a lock and a reset of the signal's receiver cache
per request, leaked a receiver per API request before (the actor context nested in the middleware's)
and once deadlocked a worker (a context closed by the garbage collector inside another disconnect).
The middleware also took the address from X-Forwarded-For whatever sent it, so a page's write could
be logged from any address its sender chose.

Here one receiver is connected once (``connect``, from ``CoreConfig.ready``) and reads the current
request's context variable, which ``acting`` sets and resets: nothing is connected per request. The
address is ``client_address`` (REMOTE_ADDR, or X-Forwarded-For only behind the configured trusted
proxies), as for the access log and the lockout."""

from __future__ import annotations

import contextlib

from auditlog.cid import set_cid
from auditlog.context import auditlog_value
from django.db.models.signals import pre_save

from core.security.client import client_address


@contextlib.contextmanager
def acting(actor, remote_addr: str | None = None):
    """Entries saved inside are attributed to ``actor`` (a signed-in user) from ``remote_addr``."""
    token = auditlog_value.set({"actor": actor, "remote_addr": remote_addr})
    try:
        yield
    finally:
        auditlog_value.reset(token)


def request_actor(request):
    """``acting`` for a request: its signed-in user (or nobody) and its client address."""
    user = getattr(request, "user", None)
    return acting(
        user if getattr(user, "is_authenticated", False) else None, client_address(request)
    )


def _attribute(sender, instance, **kwargs) -> None:
    context = auditlog_value.get(None)
    if context is None:
        return
    actor = context.get("actor")
    if getattr(actor, "is_authenticated", False) and instance.actor_id is None:
        instance.actor = actor
        instance.actor_email = getattr(actor, "email", None)
    if instance.remote_addr is None:  # an entry written with its own address keeps it
        instance.remote_addr = context.get("remote_addr")


def connect() -> None:
    from auditlog.models import LogEntry

    pre_save.connect(_attribute, sender=LogEntry, dispatch_uid="brygga-audit-actor")


class AuditActorMiddleware:
    """django-auditlog's middleware without a receiver per request (see the module's text)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        set_cid(request)
        with request_actor(request):
            return self.get_response(request)
