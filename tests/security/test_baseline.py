"""The level-2 baseline of issue 13: session limits, no-store, CSP without inline script or style,
audit rows read-only."""

import datetime as dt
import re
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db

ROOT = Path(django_settings.BASE_DIR)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_staff_session_ends_after_the_idle_timeout(guide, settings, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client = signed_in(guide)
    assert client.get("/deltagare/").status_code == 200
    time_machine.shift(settings.SESSION_IDLE_TIMEOUT - dt.timedelta(minutes=1))
    assert client.get("/deltagare/").status_code == 200  # activity keeps it alive
    time_machine.shift(settings.SESSION_IDLE_TIMEOUT + dt.timedelta(minutes=1))
    response = client.get("/deltagare/")
    assert response.status_code == 302 and "/logga-in/" in response["Location"]
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_the_idle_timeout_is_configurable(guide, settings, time_machine):
    settings.SESSION_IDLE_TIMEOUT = dt.timedelta(minutes=5)
    time_machine.move_to(timezone.now(), tick=False)
    client = signed_in(guide)
    assert client.get("/deltagare/").status_code == 200
    time_machine.shift(dt.timedelta(minutes=6))
    assert client.get("/deltagare/").status_code == 302


def test_every_session_ends_after_the_absolute_lifetime(guide, settings, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client = signed_in(guide)
    assert client.get("/deltagare/").status_code == 200
    step = settings.SESSION_IDLE_TIMEOUT - dt.timedelta(minutes=1)
    elapsed = dt.timedelta(0)
    while elapsed + step < settings.SESSION_ABSOLUTE_LIFETIME:
        time_machine.shift(step)
        elapsed += step
        assert client.get("/deltagare/").status_code == 200
    time_machine.shift(step)
    assert client.get("/deltagare/").status_code == 302


@pytest.mark.parametrize("path", ["/deltagare/", "/deltagare/{pk}/"])
def test_participant_pages_are_not_stored(guide, participant, path):
    response = signed_in(guide).get(path.format(pk=participant.pk))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_api_responses_are_not_stored(api, guide, participant):
    response = api(guide).get(f"/api/v1/participants/{participant.pk}/")
    assert "no-store" in response["Cache-Control"]
    assert "no-store" in api(None).get("/api/v1/participants/")["Cache-Control"]


def test_pages_carry_a_strict_content_security_policy(guide):
    policy = signed_in(guide).get("/deltagare/")["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style", re.I)


def test_no_template_has_inline_script_style_or_handlers():
    offenders = []
    for folder in ("templates", "portal/templates", "matching/templates", "employers/templates"):
        for path in (ROOT / folder).rglob("*.html"):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if INLINE.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:80]}")
    assert not offenders, "\n".join(offenders)


def test_hsts_and_ssl_redirect_are_off_by_default_and_configurable():
    # Defaults suit local and loopback runs; scripts/check_deploy proves the production values.
    assert django_settings.SECURE_HSTS_SECONDS == 0
    assert django_settings.SECURE_SSL_REDIRECT is False
    script = (ROOT / "scripts/check_deploy").read_text()
    assert "SECURE_HSTS_SECONDS=31536000" in script and "SECURE_SSL_REDIRECT=true" in script
    assert "check_deploy" in (ROOT / "scripts/test").read_text()


def test_audit_rows_cannot_be_changed_or_deleted_in_the_admin(admin_user, api, participant, guide):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    api(guide).get(f"/api/v1/participants/{participant.pk}/")
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("pk")
    client = signed_in(admin_user)
    base = f"/admin/auditlog/logentry/{entry.pk}"
    assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    client.post(f"{base}/change/", {"changes": "{}"})
    entry.refresh_from_db()
    assert LogEntry.objects.filter(pk=entry.pk).exists()
    assert entry.changes_dict == {"read": ["api detail", ""]}


def test_the_audit_log_has_no_write_api(api, admin_user, participant):
    url = f"/api/v1/participants/{participant.pk}/audit-log/"
    for method in ("post", "put", "patch", "delete"):
        assert getattr(api(admin_user), method)(url).status_code == 405
