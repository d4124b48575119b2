"""Progression statistics: averages at start and latest, the change, the share who improved, and
follow-up rates, by indicator, gender and municipality — with the number of persons behind every
figure. Same filters, tables and exports as ``placements.reporting.statistics``.

Definitions: a person counts when their first self-rated measurement (the *start*) was taken in
the period. *Latest* is their last self-rated measurement taken by the end of the period, other
than the start; persons with a latest measurement are the *followed up*. A person's *index* is the
mean of the indicators they rated at that measurement. *Change* is the mean of (latest − start)
over the followed up; *improved* means latest > start. Means are rounded once to one decimal, half
up; shares to whole percent. Only the participant's own ratings count (the guide's are shown on
the participant's page, not here).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from core.choices import Role
from matching.choices import Rater
from matching.models import ProgressionAnswer, ProgressionIndicator
from placements.reporting.statistics import (
    GENDERS,
    Cell,
    Report,
    Scope,
    Section,
    Table,
    gender_labels,
)
from placements.reporting.statistics.cells import share_of
from placements.reporting.statistics.data import _gender, _participants

PROGRESSION_ROLES = (Role.MANAGER, Role.ADMIN, Role.GUIDE)


def mean1(values: list[float]) -> float | None:
    if not values:
        return None
    return float(
        (Decimal(str(sum(values))) / Decimal(len(values))).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
    )


def _avg(values: list[float]) -> Cell:
    return Cell(mean1(values), "number", len(values))


def _persons(scope: Scope):
    """person → (gender, municipality code, start answers, latest answers or None)."""
    people = {
        row[0]: row[1:]
        for row in _participants(scope).values_list(
            "pk", "gender", "municipality__code", "municipality__name"
        )
    }
    by_measurement: dict[int, dict] = defaultdict(dict)
    meta: dict[int, tuple] = {}
    for pid, mid, day, ind, value in (
        ProgressionAnswer.objects.filter(
            rater=Rater.PARTICIPANT,
            measurement__participant_id__in=list(people),
            measurement__taken_on__lte=scope.end,
        )
        .values_list(
            "measurement__participant_id",
            "measurement_id",
            "measurement__taken_on",
            "indicator_id",
            "value",
        )
        .order_by("measurement__taken_on", "measurement_id")
    ):
        by_measurement[mid][ind] = value
        meta[mid] = (pid, day)
    series: dict[int, list[tuple]] = defaultdict(list)
    for mid, (pid, day) in meta.items():
        series[pid].append((day, mid, by_measurement[mid]))
    out = {}
    for pid, items in series.items():
        items.sort()
        first_day, _mid, first = items[0]
        if not scope.start <= first_day <= scope.end:
            continue
        latest = items[-1][2] if len(items) > 1 else None
        gender, code, name = people[pid]
        out[pid] = (_gender(gender), code, name, first, latest)
    return out


def _group_cells(persons: list[tuple]) -> list[Cell]:
    starts = [sum(p[3].values()) / len(p[3]) for p in persons]
    followed = [p for p in persons if p[4]]
    latest = [sum(p[4].values()) / len(p[4]) for p in followed]
    changes = [sum(p[4].values()) / len(p[4]) - sum(p[3].values()) / len(p[3]) for p in followed]
    improved = sum(1 for c in changes if c > 0)
    return [
        Cell(len(persons), "count", len(persons)),
        _avg(starts),
        Cell(len(followed), "count", len(followed)),
        share_of(len(followed), len(persons)),
        _avg(latest),
        _avg(changes),
        share_of(improved, len(followed)),
    ]


def progression_section(scope: Scope) -> Section:
    persons = _persons(scope)
    cols = [
        _("Mean at start"),
        _("Persons"),
        _("Mean latest"),
        _("Persons"),
        _("Change"),
        _("Improved"),
        _("Persons"),
    ]
    by_indicator = Table("progression_indicators", _("Progression by indicator"), cols)
    by_indicator.note = _(
        "Self-rating 1–10 (5 = neither more nor less). Start: the first measurement, taken in the "
        "period; latest: the last one by the end of the period. Persons: how many the figure is "
        "made of."
    )
    for ind in ProgressionIndicator.objects.filter(active=True).order_by("order", "pk"):
        starts = [p[3][ind.pk] for p in persons.values() if ind.pk in p[3]]
        pairs = [
            (p[3][ind.pk], p[4][ind.pk])
            for p in persons.values()
            if p[4] and ind.pk in p[3] and ind.pk in p[4]
        ]
        improved = sum(1 for a, b in pairs if b > a)
        by_indicator.add(
            ind.key,
            ind.label,
            [
                _avg(starts),
                Cell(len(starts), "count", len(starts)),
                _avg([b for _a, b in pairs]),
                Cell(len(pairs), "count", len(pairs)),
                _avg([b - a for a, b in pairs]),
                share_of(improved, len(pairs)),
                Cell(len(pairs), "count", len(pairs)),
            ],
        )
    group_cols = [
        _("Measured at start"),
        _("Mean at start"),
        _("Followed up"),
        _("Follow-up rate"),
        _("Mean latest"),
        _("Change"),
        _("Improved"),
    ]
    by_gender = Table("progression_by_gender", _("Progression by gender"), group_cols)
    by_gender.note = _(
        "Index: the mean of the indicators a person rated. Followed up: a second measurement."
    )
    for gender, label in zip(GENDERS, gender_labels(), strict=True):
        by_gender.add(gender, label, _group_cells([p for p in persons.values() if p[0] == gender]))
    by_gender.add("total", _("Total"), _group_cells(list(persons.values())))
    by_municipality = Table(
        "progression_by_municipality", _("Progression by municipality"), group_cols
    )
    names = {p[1]: p[2] for p in persons.values()}
    for code in sorted(names, key=lambda c: names[c]):
        by_municipality.add(
            code, names[code], _group_cells([p for p in persons.values() if p[1] == code])
        )
    return Section("progression", _("Progression"), [by_indicator, by_gender, by_municipality])


def build_progression_report(scope: Scope) -> Report:
    return Report(scope, [progression_section(scope)])
