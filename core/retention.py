"""Retention rules per kind of record (issue 13; GDPR art. 5(1)(e) storage limitation).

Each app registers the rules for the records it owns, in its ``AppConfig.ready()``, so a lower app
never imports a higher one: core registers audit rows, sign-in records, expired API tokens and
sessions; employers the contact log's free text and import jobs; matching participants, consent
invitations and personal links. ``retention_run`` (the daily Celery task
``core.tasks.apply_retention``) applies every registered rule once, each in its own transaction,
and keeps a ``RetentionRun`` with the count per kind (and what is on the notice list per kind).

A rule's period comes from ``settings.RETENTION[rule.setting]`` (missing keys take ``DEFAULTS``);
a record is *due* when its clock (exit, contact date, expiry, ...) is older than the period, and on
the *notice list* when it will be due within ``RETENTION["notice_days"]``.

The audit log and the sign-in records cannot be changed or deleted through the application (the
admin shows them read-only, the API has only reads); only this job purges them, and only rows older
than ``audit_log_years`` — the usual practice for logs kept as a check on who read what.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

log = logging.getLogger(__name__)

DEFAULTS = {
    "notice_days": 30,
    "participant_exited_years": 5,
    "contact_log_years": 5,
    "import_job_days": 90,
    "link_days": 90,
    "audit_log_years": 5,
    "expired_token_days": 0,
    "expired_session_days": 0,
}


def retention_setting(key: str) -> int:
    """The configured period (or the default) for one key of ``settings.RETENTION``."""
    return int(getattr(settings, "RETENTION", {}).get(key, DEFAULTS[key]))


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def cutoff(now: dt.datetime, setting: str) -> dt.datetime:
    """The moment before which a record's clock must lie for the rule to be due."""
    value = retention_setting(setting)
    if setting.endswith("_years"):
        return now - (now.date() - years_before(now.date(), value))
    return now - dt.timedelta(days=value)


@dataclass(frozen=True)
class RetentionRule:
    """One kind of record: which are due at ``now`` and what happens to them.

    ``due(now)`` is a queryset of the records to act on at ``now`` (the rule works out its own
    cut-off with ``cutoff(now, setting)``); ``apply(queryset, now)`` acts on them and returns how many it
    changed or deleted; ``describe(record)`` is how one is named on the notice list."""

    kind: str
    label: str
    action: str
    setting: str
    due: Callable[[dt.datetime], QuerySet]
    apply: Callable[[QuerySet, dt.datetime], int]
    describe: Callable[[models.Model], str] = str
    describe_with: tuple[str, ...] = ()  # the relations ``describe`` reads (select_related)
    notice: bool = True  # False: due as soon as it expires, nobody needs warning (tokens, sessions)
    order: int = 100  # place on the administrator's page

    @property
    def period(self) -> int:
        return retention_setting(self.setting)

    @property
    def unit(self) -> str:
        return "years" if self.setting.endswith("_years") else "days"

    def due_now(self, now: dt.datetime | None = None) -> QuerySet:
        return self.due(now or timezone.now())

    def upcoming(self, now: dt.datetime | None = None) -> QuerySet:
        """Records that become due within the notice period (not due yet)."""
        now = now or timezone.now()
        later = now + dt.timedelta(days=retention_setting("notice_days"))
        return self.due(later).exclude(pk__in=self.due(now).values("pk"))


_RULES: dict[str, RetentionRule] = {}


def delete_rows(rows: QuerySet, now: dt.datetime) -> int:
    """The ``apply`` of rules whose records are simply deleted when due."""
    return rows.delete()[0]


def register(rule: RetentionRule) -> RetentionRule:
    """Add (or replace) the rule for a kind; apps call this from ``ready()``."""
    _RULES[rule.kind] = rule
    return rule


def rules() -> list[RetentionRule]:
    return sorted(_RULES.values(), key=lambda r: (r.order, r.kind))


def rule(kind: str) -> RetentionRule:
    return _RULES[kind]


class RetentionRun(models.Model):
    """One run of the retention job: what each rule did (counts per kind, no personal data)."""

    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    counts = models.JSONField(_("done per kind"), default=dict)
    notice = models.JSONField(_("on the notice list per kind"), default=dict)
    errors = models.JSONField(_("errors per kind"), default=dict, blank=True)

    class Meta:
        app_label = "core"
        ordering = ["-started_at", "-pk"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"

    def rows(self) -> list[tuple[str, int, int, str]]:
        """(label, done, on notice, error) per registered kind, in the registry's order."""
        return [
            (
                str(r.label),
                self.counts.get(r.kind, 0),
                self.notice.get(r.kind, 0),
                self.errors.get(r.kind, ""),
            )
            for r in rules()
        ]


def retention_run(*, now: dt.datetime | None = None) -> RetentionRun:
    """Apply every registered rule once and keep what was done. A rule that fails is rolled back
    alone, logged with its error, and the others still run."""
    now = now or timezone.now()
    run = RetentionRun.objects.create(started_at=now)
    for r in rules():
        try:
            with transaction.atomic():
                run.counts[r.kind] = r.apply(r.due(now), now)
        except Exception as error:  # one broken rule must not stop the others
            log.exception("Retention rule %s failed", r.kind)
            run.errors[r.kind] = f"{type(error).__name__}: {error}"[:300]
        try:
            run.notice[r.kind] = r.upcoming(now).count() if r.notice else 0
        except Exception:  # already recorded above when the rule itself is broken
            log.exception("Retention notice list of %s failed", r.kind)
            run.notice[r.kind] = 0
        with translation.override("en"):  # logs are in English whatever the request's language
            action = str(r.action)
        log.info(
            "Retention: %s %s %s, %s on the notice list",
            run.counts.get(r.kind, 0),
            r.kind,
            action,
            run.notice[r.kind],
        )
    run.finished_at = timezone.now()
    run.save()
    return run


def _period_text(rule: RetentionRule) -> str:
    """“5 years”; for rules that act on expiry (tokens, sessions): “at expiry” or “30 days after
    expiry”."""
    if not rule.notice and rule.period == 0:
        return _("at expiry")
    period = (
        ngettext("%(n)s year", "%(n)s years", rule.period)
        if rule.unit == "years"
        else ngettext("%(n)s day", "%(n)s days", rule.period)
    ) % {"n": rule.period}
    if rule.notice:
        return period
    return _("%(period)s after expiry") % {"period": period}


def retention_overview(*, now: dt.datetime | None = None, items: int = 20) -> list[dict]:
    """Per rule, for the administrator's page: its period, how many records are due now, and the
    notice list (how many become due within ``notice_days``, the first ``items`` of them).

    Every count comes from one query (a ``UNION ALL`` of one count per rule and list); the notice
    lists are read only for the rules that have one."""
    now = now or timezone.now()
    ordered = rules()
    counted = {(kind, which): total for kind, which, total in _counts(ordered, now)}
    rows = []
    for r in ordered:
        upcoming_count = counted.get((r.kind, "upcoming"), 0) if r.notice else None
        rows.append(
            {
                "rule": r,
                "period": _period_text(r),
                "due": counted.get((r.kind, "due"), 0),
                "upcoming_count": upcoming_count,
                "upcoming": [
                    {"pk": obj.pk, "text": r.describe(obj)}
                    for obj in r.upcoming(now).select_related(*r.describe_with)[:items]
                ]
                if upcoming_count
                else [],
            }
        )
    return rows


def _counts(ordered: list[RetentionRule], now: dt.datetime) -> list[tuple[str, str, int]]:
    """(kind, "due" or "upcoming", count) for every rule, in one query."""
    parts = []
    for r in ordered:
        for which, rows in (
            ("due", r.due(now)),
            ("upcoming", r.upcoming(now) if r.notice else None),
        ):
            if rows is None:
                continue
            parts.append(
                rows.order_by()
                .annotate(_kind=models.Value(r.kind), _which=models.Value(which))
                .values("_kind", "_which")
                .annotate(_total=models.Count("pk"))
                .values_list("_kind", "_which", "_total")
            )
    if not parts:
        return []
    return list(parts[0].union(*parts[1:], all=True))
