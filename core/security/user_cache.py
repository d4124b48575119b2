"""The signed-in user, their role and their unit's region, kept in the shared cache between
requests (issue 22): a signed-in request then asks the database nothing before its view runs
(with the cached session backend, not even for the session).

Only used when the cache is shared by every process (``AUTH_USER_CACHE_SECONDS`` > 0; settings
turn it off for a per-process cache such as LocMemCache, where a change made in one process
would not reach the others). Every change that alters what is kept — the user saved or deleted,
their groups changed, a group renamed, their unit moved to another region — deletes the entry at
once (signals below); a bulk ``QuerySet.update`` of users does not, and waits for the expiry.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from core.roles import region_id_of, role_of

log = logging.getLogger(__name__)


def _seconds() -> int:
    return int(getattr(settings, "AUTH_USER_CACHE_SECONDS", 0) or 0)


# Facts about a user that the apps above core compute once and keep with the cached user (e.g.
# matching's "named quality assurer"): each is called with the user before it is cached, and sets
# its own attribute. The app that registers one forgets the users its changes affect.
USER_FACTS: list = []


def _key(user_id) -> str:
    return f"brygga:auth-user:{user_id}"


def forget_users(user_ids) -> None:
    keys = [_key(pk) for pk in user_ids]
    if keys and _seconds():
        try:
            cache.delete_many(keys)
        except Exception:  # a cache outage must not fail the write that caused it
            log.warning("could not forget cached users", exc_info=True)


def cached_user(request):
    """``django.contrib.auth.get_user``, answered from the cache when the session's user is
    there and the session still matches the user's password."""
    seconds = _seconds()
    try:
        user_id = auth._get_user_session_key(request)
        backend_path = request.session[auth.BACKEND_SESSION_KEY]
    except KeyError:
        return auth.get_user(request)
    if not seconds or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return auth.get_user(request)
    try:
        user = cache.get(_key(user_id))
    except Exception:
        log.warning("user cache unavailable", exc_info=True)
        return auth.get_user(request)
    if user is not None:
        session_hash = request.session.get(auth.HASH_SESSION_KEY)
        if session_hash and constant_time_compare(session_hash, user.get_session_auth_hash()):
            return user
        return auth.get_user(request)  # the full check (fallback keys, flush) decides
    user = auth.get_user(request)
    if user.is_authenticated:
        role_of(user), region_id_of(user)  # computed once, kept with the user
        if user.unit_id is not None:
            user.unit  # noqa: B018 - the unit row is kept with the user (forgotten with it)
        for fact in USER_FACTS:
            fact(user)
        try:
            cache.set(_key(user.pk), user, seconds)
        except Exception:
            log.warning("user cache unavailable", exc_info=True)
    return user


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's middleware, with ``request.user`` read through ``cached_user``."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: cached_user(request))


def _user_changed(sender, instance, **kwargs):
    forget_users([instance.pk])


def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # group.user_set changed
        forget_users(pk_set or instance.user_set.values_list("pk", flat=True))
    else:
        forget_users([instance.pk])


def _group_changed(sender, instance, **kwargs):
    forget_users(instance.user_set.values_list("pk", flat=True))


def _unit_changed(sender, instance, **kwargs):
    forget_users(instance.users.values_list("pk", flat=True))


def connect() -> None:
    from core.models import Unit

    user_model = auth.get_user_model()
    post_save.connect(_user_changed, sender=user_model, dispatch_uid="brygga-user-cache-save")
    post_delete.connect(_user_changed, sender=user_model, dispatch_uid="brygga-user-cache-del")
    m2m_changed.connect(
        _groups_changed, sender=user_model.groups.through, dispatch_uid="brygga-user-cache-groups"
    )
    post_save.connect(_group_changed, sender=Group, dispatch_uid="brygga-user-cache-group")
    post_save.connect(_unit_changed, sender=Unit, dispatch_uid="brygga-user-cache-unit")
