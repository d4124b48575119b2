"""Who may open which page: one decorator per role set; objects come from the apps' ``visible_to``
querysets, so anything else is a 404."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from core.choices import Role
from core.roles import role_of

STAFF = (Role.COORDINATOR, Role.GUIDE, Role.MANAGER, Role.ADMIN, Role.REGIONAL_ADMIN)


def role_required(*roles):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if role_of(request.user) not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
