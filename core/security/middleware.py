"""Session and response hardening (issue 13, OWASP ASVS level 2, V3 and V8).

- ``SessionLimitsMiddleware``: a staff session ends after ``SESSION_IDLE_TIMEOUT`` without a
  request and, for everyone, ``SESSION_ABSOLUTE_LIFETIME`` after login, whatever the activity.
- ``NoStoreMiddleware``: ``Cache-Control: no-store`` on every API response and on every page
  served to a signed-in user (participant data must not stay in browser or proxy caches).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.utils.cache import add_never_cache_headers, patch_cache_control

from core.roles import is_staff_role

STARTED = "_brygga_session_started"
LAST_SEEN = "_brygga_last_seen"
ACTIVITY_RESOLUTION_SECONDS = 60


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


class SessionLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            session = request.session
            started = session.setdefault(STARTED, now)
            last_seen = session.get(LAST_SEEN, now)
            idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
            lifetime = settings.SESSION_ABSOLUTE_LIFETIME.total_seconds()
            too_old = now - started > lifetime
            too_idle = is_staff_role(user) and now - last_seen > idle
            if too_old or too_idle:
                logout(request)
                if _is_api(request):
                    return JsonResponse(
                        {"detail": "The session has ended; sign in again."}, status=401
                    )
                return HttpResponseRedirect(
                    f"{resolve_url(settings.LOGIN_URL)}?next={request.get_full_path()}"
                )
            # Written at most once a minute: saving the session on every request was a database
            # write per API call (issue 14). The idle limit can only come earlier by that minute.
            if LAST_SEEN not in session or now - last_seen >= ACTIVITY_RESOLUTION_SECONDS:
                session[LAST_SEEN] = now
        return self.get_response(request)


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if _is_api(request) or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response
