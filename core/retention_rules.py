"""The retention rules for what core holds: audit rows and sign-in records (after
``audit_log_years``), expired API tokens and expired sessions. Registered in ``CoreConfig.ready``."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.retention import RetentionRule, cutoff, delete_rows, register, retention_setting


def _audit_due(now: dt.datetime) -> QuerySet:
    # Audit rows are deleted by this rule only: nothing in the pages or the API can.
    from auditlog.models import LogEntry

    return LogEntry.objects.filter(timestamp__lt=cutoff(now, "audit_log_years"))


def _signins_due(now: dt.datetime) -> QuerySet:
    from axes.models import AccessLog

    return AccessLog.objects.filter(attempt_time__lt=cutoff(now, "audit_log_years"))


def _signins_purge(rows: QuerySet, now: dt.datetime) -> int:
    """Sign-ins (``AccessLog``) and, by the same clock, failed attempts and their counters."""
    from axes.models import AccessAttempt, AccessFailureLog

    before = cutoff(now, "audit_log_years")
    count = rows.delete()[0]
    count += AccessFailureLog.objects.filter(attempt_time__lt=before).delete()[0]
    count += AccessAttempt.objects.filter(attempt_time__lt=before).delete()[0]
    return count


def _tokens_due(now: dt.datetime) -> QuerySet:
    from rest_framework.authtoken.models import Token

    expired_before = now - settings.API_TOKEN_TTL
    return Token.objects.filter(
        created__lt=expired_before - dt.timedelta(days=retention_setting("expired_token_days"))
    )


def _sessions_due(now: dt.datetime) -> QuerySet:
    from django.contrib.sessions.models import Session

    return Session.objects.filter(expire_date__lt=cutoff(now, "expired_session_days"))


def register_core_rules() -> None:
    register(
        RetentionRule(
            kind="audit_log",
            order=60,
            label=_("Audit log (changes and reads)"),
            action=_("deleted"),
            setting="audit_log_years",
            due=_audit_due,
            apply=delete_rows,
            describe=lambda e: f"{e.timestamp:%Y-%m-%d} {e.get_action_display()}",
        )
    )
    register(
        RetentionRule(
            kind="sign_ins",
            order=70,
            label=_("Sign-in records and failed attempts"),
            action=_("deleted"),
            setting="audit_log_years",
            due=_signins_due,
            apply=_signins_purge,
            describe=lambda e: f"{e.attempt_time:%Y-%m-%d} {e.username}",
        )
    )
    register(
        RetentionRule(
            kind="api_tokens",
            order=80,
            label=_("Expired API tokens"),
            action=_("deleted"),
            setting="expired_token_days",
            due=_tokens_due,
            apply=delete_rows,
            notice=False,
        )
    )
    register(
        RetentionRule(
            kind="sessions",
            order=90,
            label=_("Expired sessions"),
            action=_("deleted"),
            setting="expired_session_days",
            due=_sessions_due,
            apply=delete_rows,
            notice=False,
        )
    )
