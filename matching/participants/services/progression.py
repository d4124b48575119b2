"""Progression measurements: which are due, opening one, and recording ratings.

Rules (each checked here, so the pages, the API and the participant's link cannot differ):
* Ratings are whole numbers 1–10 for indicators in use; anything else is a field error.
* The participant's own answers come through their personal link, or from a printed form that
  the assigned guide enters. Once the participant has answered a measurement, nobody overwrites
  those answers.
* The guide's own rating is stored beside the participant's, never in its place; only the
  assigned guide (or an administrator) rates.
* Due: at enrolment (no start measurement yet), every ``PROGRESSION_INTERVAL_MONTHS`` (default 3)
  after the latest measurement, and at exit (exited and no exit measurement since).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import User
from matching.choices import AnswerSource, MeasurementKind, Phase, Rater
from matching.models import (
    Participant,
    PhaseChange,
    ProgressionAnswer,
    ProgressionIndicator,
    ProgressionMeasurement,
)
from matching.participants.models.progression import SCALE_MAX, SCALE_MIN
from matching.participants.services.participants import ensure_can_edit


def interval_months() -> int:
    return int(getattr(settings, "PROGRESSION_INTERVAL_MONTHS", 3))


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def indicators():
    return ProgressionIndicator.objects.filter(active=True).order_by("order", "pk")


@dataclass
class Due:
    participant: Participant
    kind: str
    due_on: dt.date

    @property
    def overdue(self) -> bool:
        return self.due_on < timezone.localdate()

    def get_kind_display(self) -> str:
        return str(MeasurementKind(self.kind).label)


def _answered(measurements) -> list[ProgressionMeasurement]:
    return [m for m in measurements if any(a.rater == Rater.PARTICIPANT for a in m.answers.all())]


def due_for(participant: Participant, today: dt.date | None = None) -> Due | None:
    """The measurement the participant should do next, if one is due within a week."""
    done = [(m.kind, m.taken_on) for m in _answered(participant.progression_measurements.all())]
    exited = None
    if participant.phase == Phase.EXITED:
        exited = (
            PhaseChange.objects.filter(participant=participant, to_phase=Phase.EXITED)
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
    return _due(participant, done, exited, today or timezone.localdate())


def _due(
    participant: Participant,
    done: list[tuple[str, dt.date]],
    exited: dt.datetime | None,
    today: dt.date,
) -> Due | None:
    """The rule of ``due_for``, given the participant's answered measurements as (kind, date) and
    the moment of their latest exit."""
    if participant.phase == Phase.EXITED:
        exit_day = timezone.localdate(exited) if exited else today
        if done and not any(
            kind == MeasurementKind.EXIT and taken_on >= exit_day for kind, taken_on in done
        ):
            return Due(participant, MeasurementKind.EXIT, exit_day)
        return None
    if not any(kind == MeasurementKind.START for kind, _taken_on in done):
        return Due(participant, MeasurementKind.START, participant.enrolled_on)
    latest = max(taken_on for _kind, taken_on in done)
    due_on = add_months(latest, interval_months())
    if due_on <= today + dt.timedelta(days=7):
        return Due(participant, MeasurementKind.INTERVAL, due_on)
    return None


def due_measurements(user: User, today: dt.date | None = None) -> list[Due]:
    """Due measurements for a guide's participants (everyone visible for managers/admins).

    Three reads whatever the participants' history: the participants, the (kind, date) of each
    answered measurement and each exited participant's latest exit. (Reading every measurement
    with its answers cost the guide's follow-up page ~80 ms and grew with every rating.)"""
    from core.choices import Role
    from core.roles import role_of

    today = today or timezone.localdate()
    qs = Participant.objects.visible_to(user)
    if role_of(user) == Role.GUIDE:
        qs = qs.filter(guide=user)
    recent_exit = today - dt.timedelta(days=60)
    qs = qs.filter(active=True) | qs.filter(
        phase=Phase.EXITED,
        phase_changes__to_phase=Phase.EXITED,
        phase_changes__at__date__gte=recent_exit,
    )
    participants = list(qs.distinct().only("code", "phase", "enrolled_on"))
    if not participants:
        return []
    ids = [p.pk for p in participants]
    done: dict[int, list[tuple[str, dt.date]]] = {pk: [] for pk in ids}
    answered = ProgressionMeasurement.objects.filter(
        participant_id__in=ids,
        pk__in=ProgressionAnswer.objects.filter(rater=Rater.PARTICIPANT).values("measurement_id"),
    ).values_list("participant_id", "kind", "taken_on")
    for pk, kind, taken_on in answered:
        done[pk].append((kind, taken_on))
    exited_ids = [p.pk for p in participants if p.phase == Phase.EXITED]
    exits = dict(
        PhaseChange.objects.filter(participant_id__in=exited_ids, to_phase=Phase.EXITED)
        .values("participant_id")
        .annotate(latest=Max("at"))
        .values_list("participant_id", "latest")
    )
    out = [d for p in participants if (d := _due(p, done[p.pk], exits.get(p.pk), today))]
    return sorted(out, key=lambda d: (d.due_on, d.participant.code))


def measurement_kind_now(participant: Participant) -> str:
    due = due_for(participant)
    return due.kind if due else MeasurementKind.INTERVAL


@transaction.atomic
def measurement_open(
    *, participant: Participant, by: User | None, kind: str | None = None, taken_on=None
) -> ProgressionMeasurement:
    """Open a measurement (``by`` None: the participant through their link). An unanswered one of
    the same kind opened today is reused, so reloading the page never makes two."""
    if by is not None:
        ensure_can_edit(by, participant)
    kind = kind or measurement_kind_now(participant)
    if kind not in MeasurementKind.values:
        raise ValidationError({"kind": _("Choose when the measurement is taken.")})
    taken_on = taken_on or timezone.localdate()
    existing = (
        ProgressionMeasurement.objects.filter(participant=participant, kind=kind, taken_on=taken_on)
        .exclude(answers__rater=Rater.PARTICIPANT)
        .first()
    )
    if existing:
        return existing
    return ProgressionMeasurement.objects.create(
        participant=participant, kind=kind, taken_on=taken_on, created_by=by
    )


def _clean_values(values: dict) -> dict[int, int]:
    active = {i.pk: i for i in indicators()}
    errors: dict[str, str] = {}
    clean: dict[int, int] = {}
    unknown: list[str] = []
    for key, raw in values.items():
        # Keys come from a client (the API's ``values``, a form's field names): anything but the
        # id of an active indicator is reported under ``values``, never a server error.
        text = str(key).strip()
        pk = int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None
        if pk not in active:
            unknown.append(text)
            continue
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = 0
        if not SCALE_MIN <= value <= SCALE_MAX:
            errors[f"indicator_{key}"] = _("Choose a value from 1 to 10.")
            continue
        clean[pk] = value
    if unknown:
        errors["values"] = _("Unknown indicator: %(keys)s.") % {
            "keys": ", ".join(repr(k) for k in unknown)
        }
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def participant_answers_record(
    *,
    measurement: ProgressionMeasurement,
    values: dict,
    by: User | None = None,
) -> list[ProgressionAnswer]:
    """The participant's answers: through their link (``by`` None) or from a printed form the
    assigned guide enters (``by`` the guide). Every indicator in use must be answered, and
    answers once given are never overwritten."""
    measurement = ProgressionMeasurement.objects.select_for_update().get(pk=measurement.pk)
    if by is not None:
        ensure_can_edit(by, measurement.participant)
    if measurement.answers.filter(rater=Rater.PARTICIPANT).exists():
        raise ValidationError(
            {"measurement": _("The participant has already answered; their answers are kept.")}
        )
    clean = _clean_values(values)
    missing = [i for i in indicators() if i.pk not in clean]
    if missing:
        raise ValidationError({f"indicator_{i.pk}": _("Answer every statement.") for i in missing})
    source = AnswerSource.LINK if by is None else AnswerSource.PAPER
    return [
        ProgressionAnswer.objects.create(
            measurement=measurement,
            indicator_id=pk,
            rater=Rater.PARTICIPANT,
            value=value,
            source=source,
            recorded_by=by,
        )
        for pk, value in clean.items()
    ]


@transaction.atomic
def guide_rating_record(
    *, measurement: ProgressionMeasurement, values: dict, by: User
) -> list[ProgressionAnswer]:
    """The guide's own rating of the same indicators, beside the participant's. The guide may
    revise their own rating; the participant's rows are never touched."""
    ensure_can_edit(by, measurement.participant)
    clean = _clean_values(values)
    if not clean:
        raise ValidationError({"measurement": _("Rate at least one indicator.")})
    out = []
    for pk, value in clean.items():
        answer, _created = ProgressionAnswer.objects.update_or_create(
            measurement=measurement,
            indicator_id=pk,
            rater=Rater.GUIDE,
            defaults={"value": value, "source": AnswerSource.STAFF, "recorded_by": by},
        )
        out.append(answer)
    return out


def side_by_side(measurement: ProgressionMeasurement, in_use=None) -> list[tuple]:
    """(indicator, participant's value, guide's value) for every indicator in use (``in_use``:
    ``indicators()`` already read, for a list of measurements)."""
    values = {(a.indicator_id, a.rater): a.value for a in measurement.answers.all()}
    return [
        (i, values.get((i.pk, Rater.PARTICIPANT)), values.get((i.pk, Rater.GUIDE)))
        for i in (indicators() if in_use is None else in_use)
    ]
