"""Settings, read from the environment (see ``.env.example``).

Defaults are safe for production: DEBUG is off, a SECRET_KEY must be given unless DEBUG is on, and
ALLOWED_HOSTS is empty. The development defaults are SQLite under ``var/`` and Celery on kombu's
filesystem transport, so nothing but Python is needed to run Brygga.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("BRYGGA_VAR_DIR", default=str(BASE_DIR / "var")))

VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only for local development: a key that is not secret, never used with DEBUG off.
    SECRET_KEY = "brygga-insecure-development-key"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc served from our static files: no CDN
    "auditlog",
    "axes",
    "django_htmx",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "employers",
    "matching",
    "placements",
    "portal",
]

MIDDLEWARE = [
    "core.request_id.RequestIdMiddleware",
    "core.unavailable.ServiceUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.ApiLanguageMiddleware",  # right after LocaleMiddleware
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "core.security.user_cache.CachedAuthenticationMiddleware",  # Django's, with a cached user
    "django_otp.middleware.OTPMiddleware",
    "core.security.two_factor.TwoFactorMiddleware",
    "core.security.middleware.SessionLimitsMiddleware",
    "core.security.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.security.audit_actor.AuditActorMiddleware",  # django-auditlog's, without per-request receivers
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.role",
                "portal.context_processors.menu_counts",
            ],
        },
    },
    {
        # The hot per-row partials only (portal/jinja.py), included with {% jinja %}.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "portal" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "portal.jinja.environment"},
    },
]

# Form widgets (every <select>, <option> and <input> a page shows) render through Jinja2's compiled
# templates, Django's own set for it: the same HTML at a fraction of the template engine's cost
# (issue 22; a select of 40 options cost ~1.5 ms through Django templates).
FORM_RENDERER = "django.forms.renderers.Jinja2"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'brygga.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a competing writer instead of failing at once, and take the write lock at the
    # start of each transaction so select_for_update-style sections serialise on SQLite too.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    # Production: keep connections across requests (a new PostgreSQL connection costs ~25 % of a
    # request), checked before reuse so a restarted database never surfaces as an error.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=300)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
    # Parameters bound by the server and statements prepared once a connection has run them a
    # few times: PostgreSQL then plans a page's queries once per connection, not on every request
    # (its CPU per participant page 5.2 → 2.2 ms, issue 22). Off: Django's default, client-side
    # binding (e.g. behind a pooler that cannot keep prepared statements).
    if env.bool("DATABASE_SERVER_SIDE_BINDING", default=True):
        DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
        DATABASES["default"]["OPTIONS"].setdefault(
            "prepare_threshold", env.int("DATABASE_PREPARE_THRESHOLD", default=5)
        )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Issue 13: lock the username + address *pair* (not each alone: that let anyone lock a user out
# for everyone, or lock a whole municipal network), and forget failures after a success.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The API token endpoint's second-factor code (a recovery code works once) is never stored.
AXES_SENSITIVE_PARAMETERS = ["otp"]
# Client address comes from REMOTE_ADDR unless a trusted proxy count is configured.
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if env.bool("STATIC_MANIFEST", default=False):
    # Production (scripts/serve, after collectstatic): hashed, compressed files that whitenoise
    # serves with far-future cache headers.
    STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="brygga@localhost")

SESSION_COOKIE_SECURE = not DEBUG and env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "core.security.authentication.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.RolePermission"],
    # DRF's JSON, encoded by orjson (core/api/renderers.py); the browsable API as before.
    "DEFAULT_RENDERER_CLASSES": [
        "core.api.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "core.api.filters.KnownParametersFilterBackend",  # unknown query parameters are a 400
        "core.api.filters.RoleAwareFilterBackend",
        "core.api.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    # NUL characters refused in every body (PostgreSQL cannot store them): core/api/parsers.py
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "core.api.parsers.FormParser",
        "core.api.parsers.MultiPartParser",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Brygga API",
    "DESCRIPTION": "Employer matching and placement for municipal labour-market units.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Read-only fields may be absent for some roles (e.g. what an employer user may not see), so
    # responses do not mark them required (issue 13: the schema must match every role's answer).
    "COMPONENT_NO_READ_ONLY_REQUIRED": True,
    # Every operation documents its error statuses in the one error shape (issue 20).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.error_responses_hook",
    ],
    # One clear name per choice set (drf-spectacular otherwise invents hashed names).
    "ENUM_NAME_OVERRIDES": {
        "EmployerStatusEnum": "employers.choices.EmployerStatus",
        "ProfileStatusEnum": "employers.choices.ProfileStatus",
        "InteractionKindEnum": "employers.choices.InteractionKind",
        "ParticipantPhaseEnum": "matching.choices.Phase",
        "OcnStatusEnum": "matching.choices.OcnStatus",
        "PlacementKindEnum": "placements.choices.PlacementKind",  # = ProfileKind
        "PlacementPhaseEnum": "placements.choices.PlacementPhase",
        "PlacementStatusEnum": "placements.choices.PlacementStatus",
        "FollowUpStatusEnum": "placements.choices.FollowUpStatus",
        "GeocodeStatusEnum": "core.choices.GeocodeStatus",
        "RecipientKindEnum": "matching.choices.RecipientKind",
        "WithdrawReasonEnum": "placements.choices.WithdrawReason",
        "DecisionReasonEnum": "matching.models.suggestions.DecisionReason",
        "SusEmploymentEnum": "matching.choices.SusEmployment",
        "SusIncomeEnum": "matching.choices.SusIncome",
        "StartKindEnum": "placements.choices.StartKind",
        "ProjectTargetGroupEnum": "placements.choices.ProjectTargetGroup",
    },
}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    from core.filesystem_broker import folder_options

    CELERY_BROKER_TRANSPORT_OPTIONS = folder_options(VAR_DIR / "celery")
elif CELERY_BROKER_URL.startswith("redis"):
    # Fail fast when Redis is unreachable: the outbox keeps the message and the sweep retries.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 3,
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
        # A message whose worker was killed before acknowledging it (acks_late) is handed out
        # again after this (Redis's default, made explicit). Recovery does not wait for it: a
        # killed recompute resumes through its lease within a minute, and the redelivered
        # message then finds the job running or done and does nothing.
        "visibility_timeout": 3600,
    }
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# The worker logs through LOGGING above (JSON, request ids) and keeps reconnecting to the broker.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    "followup-reminders": {
        "task": "placements.tasks.send_followup_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "outbox-sweep": {"task": "core.tasks.outbox_sweep", "schedule": 30.0},
    "rescue-stale-import-jobs": {
        "task": "employers.tasks.rescue_stale_import_jobs",
        "schedule": 120.0,
    },
    "refresh-transit-matrices": {
        "task": "matching.tasks.refresh_all_transit_matrices",
        "schedule": crontab(hour=3, minute=15),
    },
    "apply-retention-rules": {
        "task": "core.tasks.apply_retention",
        "schedule": crontab(hour=2, minute=30),
    },
    # A recompute whose worker was killed resumes within a minute: its lease expires after 30 s
    # without a heartbeat (matching/services/recompute.py), and this finds it within 10 s more.
    "resume-stale-recompute-jobs": {
        "task": "matching.tasks.resume_stale_recompute_jobs",
        "schedule": 10.0,
        "options": {"expires": 10},  # a tick a busy worker did not take in time is dropped
    },
}

# Follow-up policy: weeks after start, then monthly; behålla lasts this many months after hiring.
FOLLOWUP_POLICY = {
    "weeks": [1, 2, 4],
    "monthly_after": True,
    "keep_months": env.int("KEEP_PHASE_MONTHS", default=3),
}

# A cache shared by the web processes and the worker (coalescing keys, job progress): files under
# var/ by default, Redis or memcached when CACHE_URL is set.
CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}
if "filebased" in CACHES["default"]["BACKEND"].lower():
    # Django's file cache deletes a random third of its entries whenever it holds more than
    # MAX_ENTRIES (300 by default): sessions, signed-in users and each employer's possible
    # duplicates went long before a day's use was over (the employer page missed its kept
    # duplicates two visits in three). Each write lists the directory, so not unbounded either.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 10_000)
    # ... and it lists the whole directory on every write to count them: once per 100 writes of a
    # process instead (core/file_cache.py).
    CACHES["default"]["BACKEND"] = "core.file_cache.FileCache"
if "redis" in CACHES["default"]["BACKEND"].lower():
    # Django's Redis cache, with its client made once per process (core/redis_cache.py).
    CACHES["default"]["BACKEND"] = "core.redis_cache.RedisCache"
    # A cache outage must cost a request milliseconds, not a hung worker.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 2, "socket_timeout": 2}
    )

# Issue 22: with a cache every process shares (files, Redis, memcached; not LocMemCache, which is
# per process), sessions are read from the cache and the signed-in user with their role from it
# (core/security/user_cache.py), so a signed-in request costs no query before its view.
_SHARED_CACHE = not any(
    name in CACHES["default"]["BACKEND"].lower() for name in ("locmem", "dummy")
)
if _SHARED_CACHE:
    SESSION_ENGINE = "core.security.sessions"  # cached_db that survives a cache outage
AUTH_USER_CACHE_SECONDS = env.int("AUTH_USER_CACHE_SECONDS", default=300 if _SHARED_CACHE else 0)

# How long a process trusts the shared change counter before confirming the engine's full version
# (matching/engine_version.py); 0 confirms on every request. Every write of the application
# announces itself (``core.writes.announce_rows`` for bulk writes), so the confirmation only
# catches writes made outside it, hence rarely.
ENGINE_VERSION_RECHECK_SECONDS = env.float("ENGINE_VERSION_RECHECK_SECONDS", default=60.0)
# The confirmation (and the full build it may need) runs in a thread beside the request that
# finds it due, which goes on with the engine it has: a build on the request path held up every
# request queued behind it (issue 22). Off: the request itself confirms (the tests' default).
ENGINE_CONFIRM_IN_BACKGROUND = env.bool("ENGINE_CONFIRM_IN_BACKGROUND", default=True)
# Where the engines are shared by every process on the machine (matching/engine/store.py): one
# build per unit and version, memory-mapped by the others. Empty: each process keeps its own.
# Timetables (GTFS zips) and the travel-time matrices computed from them (issue 24).
TRANSIT_DIR = env.str("TRANSIT_DIR", default=str(VAR_DIR / "transit"))
ENGINE_STORE_DIR = env.str("ENGINE_STORE_DIR", default=str(VAR_DIR / "engine"))
# The JobTech Taxonomy export the unit downloads (SSYK 2012, 2 412 occupation names, skills): the
# demo imports it when present. Default: ../shared/data/jobtech beside the checkout, if it exists.
_SHARED_TAXONOMY = BASE_DIR.parent / "shared" / "data" / "jobtech"
TAXONOMY_DIR = env.str(
    "BRYGGA_TAXONOMY_DIR", default=str(_SHARED_TAXONOMY) if _SHARED_TAXONOMY.is_dir() else ""
)

# A full recompute split into this many tasks, run by any number of workers (1: one task, as before).
RECOMPUTE_PARTS = env.int("RECOMPUTE_PARTS", default=1)

# Optional online geocoder (geopy). Empty means offline gazetteer only.
GEOCODER = env.str("GEOCODER", default="")
GEOCODER_USER_AGENT = env.str("GEOCODER_USER_AGENT", default="brygga")
GEOCODER_MIN_DELAY_SECONDS = env.float("GEOCODER_MIN_DELAY_SECONDS", default=1.0)

# Logs: plain text by default, one JSON object per line with LOG_FORMAT=json (scripts/serve); every
# record carries the request id of the request or task it belongs to (core/request_id.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
# --- security (issue 13) -------------------------------------------------------------------
# Sessions: staff are signed out after SESSION_IDLE_MINUTES without a request; every session ends
# SESSION_ABSOLUTE_HOURS after login. The cookie itself expires with the absolute lifetime.
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=30))
SESSION_ABSOLUTE_LIFETIME = timedelta(hours=env.int("SESSION_ABSOLUTE_HOURS", default=10))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_LIFETIME.total_seconds())
SESSION_COOKIE_SAMESITE = "Lax"
# Behind TLS in production: redirect to https and send HSTS (both off by default so that local
# and loopback runs over http work; scripts/check_deploy shows the production values).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts and styles only from our own static files — no
# inline script, no inline style, no event handler attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
API_TOKEN_TTL = timedelta(hours=env.int("API_TOKEN_TTL_HOURS", default=24))
# Second factor (django-otp): administrators must have one unless turned off (development).
OTP_REQUIRED_FOR_ADMINS = env.bool("OTP_REQUIRED_FOR_ADMINS", default=not DEBUG)
OTP_TOTP_ISSUER = "Brygga"
# Retention rules per kind of record (core.retention; README "Retention"): periods in years or
# days, applied daily by core.tasks.apply_retention; notice_days ahead they are on the notice list.
RETENTION = {
    "notice_days": env.int("RETENTION_NOTICE_DAYS", default=30),
    "participant_exited_years": env.int("RETENTION_PARTICIPANT_EXITED_YEARS", default=5),
    "contact_log_years": env.int("RETENTION_CONTACT_LOG_YEARS", default=5),
    "import_job_days": env.int("RETENTION_IMPORT_JOB_DAYS", default=90),
    "link_days": env.int("RETENTION_LINK_DAYS", default=90),
    "audit_log_years": env.int("RETENTION_AUDIT_LOG_YEARS", default=5),
    "expired_token_days": env.int("RETENTION_EXPIRED_TOKEN_DAYS", default=0),
    "expired_session_days": env.int("RETENTION_EXPIRED_SESSION_DAYS", default=0),
}
# Access-log review: a user who read more distinct participants than this in the period is flagged.
ACCESS_LOG_UNUSUAL_PARTICIPANTS = env.int("ACCESS_LOG_UNUSUAL_PARTICIPANTS", default=100)
PASSWORD_RESET_RATE = {
    "per_email": env.int("PASSWORD_RESET_PER_EMAIL", default=3),
    "per_address": env.int("PASSWORD_RESET_PER_ADDRESS", default=10),
    "window_seconds": 3600,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.request_id.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # One line per request comes from core.request_id; Django's own would duplicate 4xx/5xx.
        "django.request": {"level": "ERROR"},
        "brygga.request": {"level": env.str("REQUEST_LOG_LEVEL", default="INFO")},
    },
}

# The participant's digital consent (matching.participants.services.consent_links): how long a one-time
# invitation and the personal link work, and how many FAILED link/code look-ups (guesses) one client
# address, and one link, may make per window before getting a 429 (core.throttle). Using a valid
# link is never counted.
CONSENT_INVITATION_DAYS = env.int("CONSENT_INVITATION_DAYS", default=14)
CONSENT_PERSONAL_LINK_DAYS = env.int("CONSENT_PERSONAL_LINK_DAYS", default=365)
CONSENT_LINK_RATE_LIMIT = env.int("CONSENT_LINK_RATE_LIMIT", default=30)
CONSENT_LINK_RATE_LIMIT_PER_LINK = env.int("CONSENT_LINK_RATE_LIMIT_PER_LINK", default=10)
CONSENT_LINK_RATE_WINDOW_SECONDS = env.int("CONSENT_LINK_RATE_WINDOW_SECONDS", default=600)
# Profile requests from employer users (each e-mails the coordinators): per user per window.
PROFILE_REQUEST_RATE = {
    "limit": env.int("PROFILE_REQUEST_RATE_LIMIT", default=5),
    "window_seconds": env.int("PROFILE_REQUEST_RATE_WINDOW_SECONDS", default=3600),
}
