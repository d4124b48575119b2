"""Who a user is in Brygga. The role is the name of the user's group; superusers are admins.

``ROLE_APP_PERMISSIONS`` says which model permissions each role's group holds, per app, so the Django
admin and ``user.has_perm`` agree with the API. The API itself checks roles on each view
(``core.api.permissions.RolePermission``) and scopes querysets by unit and employer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps

from core.choices import STAFF_ROLES, Role

if TYPE_CHECKING:
    from core.models import User

ALL = ("add", "change", "delete", "view")
VIEW = ("view",)

ROLE_APP_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.COORDINATOR: {"employers": ALL, "matching": VIEW, "placements": VIEW, "core": VIEW},
    Role.GUIDE: {"employers": VIEW, "matching": ALL, "placements": ALL, "core": VIEW},
    Role.MANAGER: {"employers": VIEW, "matching": VIEW, "placements": VIEW, "core": VIEW},
    Role.EMPLOYER: {},
    Role.REGIONAL_ADMIN: {"employers": VIEW, "matching": VIEW, "placements": VIEW, "core": VIEW},
    Role.ADMIN: {"employers": ALL, "matching": ALL, "placements": ALL, "core": ALL, "auth": ALL},
}


def role_of(user: User | None) -> str | None:
    """The user's role, or None for anonymous users and users without a role group."""
    if user is None or not user.is_authenticated:
        return None
    cached = getattr(user, "_brygga_role", False)
    if cached is not False:
        return cached
    if user.is_superuser:
        role: str | None = Role.ADMIN
    else:
        names = set(user.groups.values_list("name", flat=True))
        role = next((r.value for r in Role if r.value in names), None)
    user._brygga_role = role
    return role


def has_role(user: User | None, *roles: str) -> bool:
    return role_of(user) in roles


def is_staff_role(user: User | None) -> bool:
    return role_of(user) in STAFF_ROLES


def is_admin(user: User | None) -> bool:
    return role_of(user) == Role.ADMIN


def unit_id_of(user: User | None) -> int | None:
    return getattr(user, "unit_id", None)


def region_id_of(user: User | None) -> int | None:
    """The region of the user's unit (cached on the user object for the request)."""
    if user is None or getattr(user, "unit_id", None) is None:
        return None
    cached = getattr(user, "_brygga_region", False)
    if cached is not False:
        return cached
    unit_model = apps.get_model("core", "Unit")  # by name: core.models imports this module
    region_id = (
        unit_model.objects.filter(pk=user.unit_id).values_list("region_id", flat=True).first()
    )
    user._brygga_region = region_id
    return region_id


def sync_role_groups(apps_registry=None, **_kwargs) -> None:
    """Create the role groups and give them their model permissions (idempotent; runs after migrate)."""
    registry = apps_registry or apps
    group_model = registry.get_model("auth", "Group")
    permission_model = registry.get_model("auth", "Permission")
    for role, app_perms in ROLE_APP_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role.value)
        perms = []
        for app_label, actions in app_perms.items():
            qs = permission_model.objects.filter(content_type__app_label=app_label)
            perms.extend(p for p in qs if p.codename.split("_", 1)[0] in actions)
        group.permissions.set(perms)
