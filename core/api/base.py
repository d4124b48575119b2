"""Shared API plumbing: viewsets that scope their queryset to the user once, and call services."""

from __future__ import annotations

import contextlib

from django.db.models import QuerySet
from rest_framework import viewsets


class ScopedViewSetMixin:
    """Subclasses implement ``scope_queryset(user)``; every list, detail and action goes through it,
    so an object the user may not see is a 404 everywhere."""

    def scope_queryset(self, user) -> QuerySet:  # pragma: no cover - contract
        raise NotImplementedError

    def get_queryset(self):
        return self.scope_queryset(self.request.user)


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    pass


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class AuditActorMixin:
    """Attribute django-auditlog entries to the API user (token auth happens after the middleware,
    so the middleware cannot know the actor).

    The actor's context is entered once the user is known (``initial``) and always left when the
    request ends, also when the view raises (a database outage's error goes past DRF's
    ``finalize_response``). Two ways this leaked before, each leaving a ``pre_save`` receiver
    connected for the worker's life:

    - auditlog's context, when left, disconnects whichever context is *current*, so the nested
      actor context disconnected itself twice and the middleware's never: one receiver per API
      request. The middleware's context is now made current again before the middleware leaves it.
    - A context never left was closed by the garbage collector, at a moment of its choosing: inside
      another ``pre_save.disconnect``, which holds the signal's lock. The worker deadlocked and its
      requests got no answer until gunicorn's timeout (seen in CI's database outage)."""

    def dispatch(self, request, *args, **kwargs):
        with contextlib.ExitStack() as self._audit_contexts:
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        from auditlog.context import auditlog_value, set_actor

        from core.security.client import client_address

        outer = auditlog_value.get(None)
        if outer is not None:  # runs after the actor context is left (last in, first out)
            self._audit_contexts.callback(auditlog_value.set, outer)
        self._audit_contexts.enter_context(
            set_actor(request.user, remote_addr=client_address(request))
        )
