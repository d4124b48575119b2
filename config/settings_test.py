"""Test settings: the normal settings with a fixed key, eager Celery and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

from config.settings import *  # noqa: E402,F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = False
OTP_REQUIRED_FOR_ADMINS = False  # tests/security/test_two_factor.py turns it on
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["*"]
LANGUAGE_CODE = "sv"
WHITENOISE_AUTOREFRESH = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: threads in the concurrency and browser tests then see one real database
    # with SQLite's real locking. pytest-xdist adds a per-worker suffix.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-brygga.sqlite3")}  # noqa: F405
else:
    # A query the planner gets badly wrong fails the test within two minutes instead of holding
    # the whole run (once a follow-ups query ran for ten minutes on stale statistics).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c statement_timeout=120000"  # noqa: F405
# Every engine lookup confirms the full version, so tests never depend on signal coverage.
ENGINE_VERSION_RECHECK_SECONDS = 0
ENGINE_CONFIRM_IN_BACKGROUND = False  # tests that need the thread turn it on and wait for it
# No engine files shared between tests (their databases differ); the store's tests opt in.
ENGINE_STORE_DIR = ""
# The full taxonomy import runs only in the tests that need it (they point here themselves).
TAXONOMY_DIR = ""
# LocMemCache is per process: the production settings then keep sessions and users in the
# database (tests/core/test_request_cost.py turns the shared-cache setup on to test it).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
AUTH_USER_CACHE_SECONDS = 0
