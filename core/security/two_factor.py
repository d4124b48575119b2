"""Second factor (issue 13): TOTP by django-otp, recovery codes by its static device.

- Any staff user may enable TOTP at /tvastegs/ (an authenticator app reads the key or the
  otpauth link; the first code confirms it) and gets ten single-use recovery codes.
- A user with a confirmed device must give a code after the password before anything else
  (``TwoFactorMiddleware``).
- Administrators must have one when ``OTP_REQUIRED_FOR_ADMINS`` is on (the default whenever
  DEBUG is off): without a device they are sent to the set-up page, and nothing else opens.
"""

from __future__ import annotations

import contextlib
import secrets

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.roles import is_admin
from core.security.user_cache import USER_FACTS, forget_users

RECOVERY_CODES = 10


def _recovery_codes(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="recovery")
    device.token_set.all().delete()
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    device.confirmed = True
    device.save()
    return codes


@login_required
def setup(request):
    """Enable TOTP: show the key, confirm with a first code, then show the recovery codes once."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="totp", confirmed=False)
    error = None
    if request.method == "POST":
        if device.verify_token((request.POST.get("token") or "").strip()):
            device.confirmed = True
            device.save()
            TOTPDevice.objects.filter(user=request.user, confirmed=True).exclude(
                pk=device.pk
            ).delete()
            otp_login(request, device)
            codes = _recovery_codes(request.user)
            return render(request, "portal/security/recovery_codes.html", {"codes": codes})
        error = _("The code is not right. Check the time on your phone and try again.")
    return render(
        request,
        "portal/security/two_factor_setup.html",
        {
            "device": device,
            "key": device.config_url.split("secret=")[1].split("&")[0],
            "error": error,
        },
    )


@login_required
def verify(request):
    """The second step of signing in: a code from the app or a recovery code."""
    error = None
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("portal:home")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = reverse("portal:home")
    if request.method == "POST":
        device = match_token(request.user, (request.POST.get("token") or "").strip())
        if device is not None:
            otp_login(request, device)
            return redirect(next_url)
        error = _("The code is not right.")
    return render(
        request, "portal/security/two_factor_verify.html", {"error": error, "next": next_url}
    )


# Whether a user has a device, asked on every request of a signed-in user who is not verified: one
# cache read instead of a query per device kind. Any device saved or deleted forgets the answer.
DEVICE_CACHE_SECONDS = 300


def _device_key(user) -> str:
    joined = user.date_joined.timestamp() if getattr(user, "date_joined", None) else 0
    return f"2fa:has-device:{user.pk}:{joined}"


def has_device(user) -> bool:
    known = getattr(user, "_brygga_has_device", None)
    if known is not None:  # kept with the cached signed-in user (``remember_device``)
        return known
    key = _device_key(user)
    try:
        known = cache.get(key)
    except Exception:  # noqa: BLE001 - the cache is down: ask the database
        return user_has_device(user)
    if known is None:
        known = user_has_device(user)
        with contextlib.suppress(Exception):  # the cache is down: ask again next time
            cache.set(key, known, DEVICE_CACHE_SECONDS)
    return known


def remember_device(user) -> None:
    """Keep whether the user has a device with the cached signed-in user
    (``core.security.user_cache.USER_FACTS``): no cache read of its own on their requests. A
    device saved or deleted forgets the cached user too."""
    user._brygga_has_device = user_has_device(user)


def _device_changed(sender, instance, **kwargs) -> None:
    if not isinstance(instance, Device) or instance.user_id is None:
        return
    user = instance.user

    def forget() -> None:
        with contextlib.suppress(Exception):  # the cache is down: the expiry above applies
            cache.delete(_device_key(user))
        forget_users([user.pk])

    forget()
    transaction.on_commit(forget)  # and again once committed: no reader keeps the old answer


def connect() -> None:
    if remember_device not in USER_FACTS:
        USER_FACTS.append(remember_device)
    post_save.connect(_device_changed, weak=False, dispatch_uid="two-factor-device-save")
    post_delete.connect(_device_changed, weak=False, dispatch_uid="two-factor-device-delete")


class TwoFactorMiddleware:
    """After ``django_otp.middleware.OTPMiddleware``: sends signed-in users who owe a second
    factor to the verify (or, for administrators without a device, the set-up) page."""

    EXEMPT_PREFIXES = ("/static/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.user.is_verified():
            return self.get_response(request)
        if has_device(user):
            target = reverse("two_factor_verify")
        elif is_admin(user) and settings.OTP_REQUIRED_FOR_ADMINS:
            target = reverse("two_factor_setup")
        else:
            return self.get_response(request)
        path = request.path
        exempt = {reverse("two_factor_setup"), reverse("two_factor_verify"), reverse("logout")}
        if path in exempt or path.startswith(self.EXEMPT_PREFIXES):
            return self.get_response(request)
        if path.startswith("/api/"):
            return JsonResponse({"detail": "A second factor is required."}, status=403)
        return redirect(f"{target}?next={request.get_full_path()}")
