"""Writes of the weekly list: record what a coordinator was shown, log a call from the list, add
an employer found in the ads to the register, and settle which contacted suggestions led to a
task profile. Each checks, itself, who may do it."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choice_cache import forget_choices
from core.choices import Role
from core.exceptions import NotAllowed
from core.models import Municipality, Unit, User
from core.roles import role_of
from employers.choices import EmployerStatus, InteractionKind
from employers.models import Employer, HistoricalAd, Interaction, TaskProfile
from employers.services.contact_log import interaction_create
from employers.services.employers import employer_create
from employers.services.identifiers import normalise_orgnr
from placements.outreach.models import OutreachSuggestion
from placements.outreach.selectors import OutreachList, build_list, week_of

READ_ROLES = (Role.COORDINATOR, Role.MANAGER, Role.ADMIN)
WRITE_ROLES = (Role.COORDINATOR, Role.ADMIN)


def profile_window_weeks() -> int:
    """How long after a contact a new profile still counts as its outcome."""
    return int(getattr(settings, "OUTREACH_PROFILE_WEEKS", 8))


def ensure_may_read(by: User) -> Unit:
    if role_of(by) not in READ_ROLES or by.unit_id is None:
        raise NotAllowed(_("Only the unit's coordinators and manager see whom to approach next."))
    return by.unit


def ensure_may_write(by: User) -> Unit:
    if role_of(by) not in WRITE_ROLES or by.unit_id is None:
        raise NotAllowed(_("Only the unit's coordinators act on whom to approach next."))
    return by.unit


def outreach_outcomes_settle(*, unit: Unit, today: dt.date | None = None) -> int:
    """Contacted suggestions whose outcome is still open: a task profile the unit creates for the
    employer from the contact until ``profile_window_weeks`` after it settles it as led to a
    profile; the window passing without one settles it as not.
    Returns how many were settled."""
    now = (
        timezone.now()
        if today is None
        else timezone.make_aware(dt.datetime.combine(today, dt.time(23, 59)))
    )
    window = dt.timedelta(weeks=profile_window_weeks())
    open_rows = list(
        OutreachSuggestion.objects.filter(
            unit=unit, contacted_at__isnull=False, led_to_profile__isnull=True
        ).order_by("pk")
    )
    if not open_rows:
        return 0  # the usual case on a view of the list: no write, no transaction
    changed = _settled(unit, open_rows, now, window)
    if changed:
        OutreachSuggestion.objects.bulk_update(changed, ["led_to_profile", "profile"])
        forget_choices("outreach-weights")  # the weights learn from settled outcomes
    return len(changed)


def _settled(unit: Unit, open_rows: list, now: dt.datetime, window: dt.timedelta) -> list:
    """The open suggestions whose outcome is now known, with it set (not saved)."""
    # One read of the candidate profiles for every open suggestion, not one per suggestion.
    earliest = min(s.contacted_at for s in open_rows)
    profiles: dict[int, list[tuple]] = {}
    for pk, employer_id, created in (
        TaskProfile.objects.filter(
            unit_id=unit.pk,
            employer_id__in={s.employer_id for s in open_rows if s.employer_id},
            created_at__gte=earliest,
        )
        .order_by("created_at", "pk")
        .values_list("pk", "employer_id", "created_at")
    ):
        profiles.setdefault(employer_id, []).append((created, pk))
    changed = []
    for s in open_rows:
        found = next(
            (
                pk
                for created, pk in profiles.get(s.employer_id, ())
                if s.contacted_at <= created <= s.contacted_at + window
            ),
            None,
        )
        if found is not None:
            s.led_to_profile, s.profile_id = True, found
        elif now > s.contacted_at + window:
            s.led_to_profile = False
        else:
            continue
        changed.append(s)
    return changed


def outreach_list_show(*, by: User, today: dt.date | None = None) -> OutreachList:
    """The week's list for the user's unit. Outcomes are settled first (so the weights learn
    from the latest), and when a coordinator looks, the rows shown are recorded (a manager only
    reads)."""
    unit = ensure_may_read(by)
    outreach_outcomes_settle(unit=unit, today=today)
    listing = build_list(unit, today=today)
    if role_of(by) in WRITE_ROLES:
        _record(listing)
    return listing


def _record(listing: OutreachList) -> None:
    """Record the rows shown this week: new ones are created, changed ones updated, and a view
    that shows what is already recorded writes nothing (issue 22)."""
    new, changed = [], []
    for row in listing.rows:
        s = listing.recorded.get(row.key)
        if s is None:
            s = OutreachSuggestion(unit=listing.unit, week=listing.week, key=row.key)
            new.append(s)
        elif s.contacted_at is not None:
            continue  # what was shown when it was acted on is what the list learns from
        values = {
            "employer_id": row.employer_id,
            "orgnr": row.orgnr,
            "name": row.name[:200],
            "rank": row.rank,
            "score": row.score,
            "components": row.components,
            "reasons": row.reasons,
        }
        if s.pk is not None and all(getattr(s, k) == v for k, v in values.items()):
            continue
        for k, v in values.items():
            setattr(s, k, v)
        if s.pk is not None:
            changed.append(s)
    if not (new or changed):
        return
    with transaction.atomic():
        # Two coordinators opening the list at once record the same new rows: the second
        # one's are already there.
        OutreachSuggestion.objects.bulk_create(new, ignore_conflicts=True)
        if changed:
            OutreachSuggestion.objects.bulk_update(
                changed, ["employer", "orgnr", "name", "rank", "score", "components", "reasons"]
            )


def _suggestion(by: User, unit: Unit, key: str, today: dt.date | None) -> OutreachSuggestion | None:
    week = week_of(today or timezone.localdate())
    found = OutreachSuggestion.objects.filter(unit=unit, week=week, key=key).first()
    if found is None:
        listing = build_list(unit, today=today)
        _record(listing)
        found = OutreachSuggestion.objects.filter(unit=unit, week=week, key=key).first()
    return found


@transaction.atomic
def outreach_call_log(
    *, by: User, employer: Employer, notes: str = "", today: dt.date | None = None
) -> Interaction:
    """Log a call to ``employer`` in the unit's contact log (the contact-log service decides
    who may), and mark the week's suggestion as contacted so its outcome can be learned."""
    ensure_may_write(by)
    unit = by.unit
    interaction = interaction_create(
        employer=employer,
        by=by,
        kind=InteractionKind.CALL,
        occurred_on=today or timezone.localdate(),
        notes=(notes or "").strip() or _("Call from the list “Whom to approach next”."),
    )
    suggestion = _suggestion(by, unit, f"e{employer.pk}", today)
    if suggestion is not None and suggestion.contacted_at is None:
        suggestion.contacted_at = timezone.now()
        suggestion.contacted_by = by
        suggestion.interaction = interaction
        suggestion.save(update_fields=["contacted_at", "contacted_by", "interaction", "updated_at"])
    return interaction


@transaction.atomic
def outreach_employer_add(*, by: User, orgnr: str) -> Employer:
    """Add an employer found in the region's job ads to the register, in one step: its name from
    the latest ad, its municipality where most of its ads were, as a prospect of the user's unit
    (the employer service checks the number and that it is not registered yet). The week's
    suggestions for it now point at the new employer."""
    unit = ensure_may_write(by)
    orgnr = normalise_orgnr(orgnr)
    if not orgnr:
        from django.core.exceptions import ValidationError

        raise ValidationError({"orgnr": _("Give the organisation number.")})
    ads = list(
        HistoricalAd.objects.filter(region_id=unit.region_id, orgnr=orgnr)
        .order_by("-published_on", "ad_id")
        .values_list("employer_name", "municipality_id")
    )
    if not ads:
        from django.core.exceptions import ValidationError

        raise ValidationError(
            {"orgnr": _("No job ad of the region names this organisation number.")}
        )
    counts = Counter(m for _n, m in ads)
    municipality = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    employer = employer_create(
        by=by,
        name=ads[0][0],
        orgnr=orgnr,
        municipality=Municipality.objects.get(pk=municipality),
        status=EmployerStatus.PROSPECT,
    )
    for s in OutreachSuggestion.objects.filter(unit=unit, key=f"o{orgnr}"):
        s.key, s.employer = f"e{employer.pk}", employer
        if OutreachSuggestion.objects.filter(unit=unit, week=s.week, key=s.key).exists():
            s.delete()
        else:
            s.save(update_fields=["key", "employer", "updated_at"])
    return employer
