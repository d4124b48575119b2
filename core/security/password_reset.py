"""Password reset e-mails, rate-limited (issue 13): per address asked for and per client address,
within a window. Over the limit the page answers exactly as usual (no hint whether an account
exists) but no e-mail is sent."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpResponseRedirect

from core.security.client import client_address

log = logging.getLogger(__name__)


def _hit(key: str, limit: int, window: int) -> bool:
    """Count one use of ``key``; True while within ``limit`` per ``window`` seconds."""
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count <= limit


def reset_allowed(*, email: str, address: str | None) -> bool:
    limit = settings.PASSWORD_RESET_RATE
    window = limit["window_seconds"]
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    per_email = _hit(f"pwreset:email:{digest}", limit["per_email"], window)
    per_address = _hit(f"pwreset:addr:{address}", limit["per_address"], window)
    return per_email and per_address


class RateLimitedPasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form):
        if reset_allowed(email=form.cleaned_data["email"], address=client_address(self.request)):
            return super().form_valid(form)
        log.warning("Password reset rate limit reached from %s", client_address(self.request))
        return HttpResponseRedirect(self.get_success_url())
