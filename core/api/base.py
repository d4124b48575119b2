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
