"""Role-based access for API views.

A view declares ``read_roles`` and ``write_roles`` (tuples of ``core.choices.Role`` values). Object
visibility is *not* decided here: each viewset's ``get_queryset`` restricts to what the user may see,
so anything else is a 404 in lists and detail alike.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.choices import Role
from core.roles import role_of

STAFF_READ = (Role.COORDINATOR, Role.GUIDE, Role.MANAGER, Role.ADMIN, Role.REGIONAL_ADMIN)


class RolePermission(BasePermission):
    message = _("Your role may not do this.")  # lazy: in the language of each request

    def has_permission(self, request, view) -> bool:
        role = role_of(request.user)
        if role is None:
            return False
        if request.method in SAFE_METHODS:
            allowed = getattr(view, "read_roles", STAFF_READ)
        else:
            allowed = getattr(view, "write_roles", (Role.ADMIN,))
        return role in allowed
