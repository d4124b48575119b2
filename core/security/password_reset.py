"""Password reset e-mails, rate-limited (issue 13): per address asked for and per client address,
within a window. Over the limit the page answers exactly as usual (no hint whether an account
exists) but no e-mail is sent."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect

from core import throttle
from core.security.client import client_address

log = logging.getLogger(__name__)


def reset_allowed(*, email: str, address: str | None) -> bool:
    limit = settings.PASSWORD_RESET_RATE
    window = limit["window_seconds"]
    per_email = throttle.hit(
        "pwreset-email",
        email.strip().lower(),
        throttle.Rate(limit=limit["per_email"], window=window),
    )
    per_address = throttle.hit(
        "pwreset-address", address, throttle.Rate(limit=limit["per_address"], window=window)
    )
    return per_email and per_address


class RateLimitedPasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form):
        if reset_allowed(email=form.cleaned_data["email"], address=client_address(self.request)):
            return super().form_valid(form)
        log.warning("Password reset rate limit reached from %s", client_address(self.request))
        return HttpResponseRedirect(self.get_success_url())
