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
    """Attribute django-auditlog entries to the API user: token authentication happens after the
    middleware, so the middleware cannot know the actor. The actor is set once the user is known
    (``initial``) and reset when the request ends, also when the view raises (a database outage's
    error goes past DRF's ``finalize_response``). A context variable only
    (core/security/audit_actor.py): nothing is connected per request."""

    def dispatch(self, request, *args, **kwargs):
        with contextlib.ExitStack() as self._audit_contexts:
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        from core.security.audit_actor import request_actor

        self._audit_contexts.enter_context(request_actor(request))
