"""Shared API plumbing: viewsets that scope their queryset to the user once, and call services."""

from __future__ import annotations

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
    so the middleware cannot know the actor)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        from auditlog.context import set_actor

        from core.security.client import client_address

        self._audit_context = set_actor(request.user, remote_addr=client_address(request))
        self._audit_context.__enter__()

    def finalize_response(self, request, response, *args, **kwargs):
        context = getattr(self, "_audit_context", None)
        if context is not None:
            context.__exit__(None, None, None)
            self._audit_context = None
        return super().finalize_response(request, response, *args, **kwargs)
