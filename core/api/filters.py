"""Filtering that respects roles: a filter on an internal id must not let an employer user learn
it (issue 13, e.g. ``/placements/?participant=17`` answering with a row or none is an oracle).
A view lists such filters in ``staff_only_filters``; for everyone but staff they do not exist, so
the parameter is ignored."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend

from core.api.permissions import STAFF_READ
from core.roles import role_of


class RoleAwareFilterBackend(DjangoFilterBackend):
    def get_filterset_class(self, view, queryset=None):
        hidden = set(getattr(view, "staff_only_filters", ()))
        request = getattr(view, "request", None)
        user = getattr(request, "user", None)
        if not hidden or queryset is None or role_of(user) in STAFF_READ:
            return super().get_filterset_class(view, queryset)
        fields = [f for f in getattr(view, "filterset_fields", None) or [] if f not in hidden]

        meta = type("Meta", (), {"model": queryset.model, "fields": fields})
        return type("RestrictedFilterSet", (self.filterset_base,), {"Meta": meta})
