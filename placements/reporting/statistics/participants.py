"""The participants section: who took part in the period (enrolled, active at the end, exited) by
gender, age group, target group and municipality, and who started work or studies."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from matching.models import Participant
from placements.choices import WORK_OR_STUDY_STARTS, ExitOutcome, PlacementKind
from placements.models import ParticipantStart, Placement
from placements.reporting.statistics.cells import Section, Table, share_of
from placements.reporting.statistics.data import (
    AGE_GROUPS,
    GENDERS,
    WORK_OR_STUDIES,
    Person,
    _Data,
    _gender_cells,
    gender_labels,
)
from placements.reporting.statistics.scope import Scope


def _age_group(person: Person, end: dt.date) -> str:
    if person.birth_year is None:
        return "unknown"
    age = end.year - person.birth_year
    return next((key for key, lo, hi in AGE_GROUPS if lo <= age <= hi), "unknown")


def _participant_section(d: _Data) -> Section:
    cols = [*gender_labels(), _("Total")]
    summary = Table("participants", _("Participants"), cols)
    rows = [
        ("in_period", _("Participants in the period"), d.in_period),
        ("enrolled", _("Enrolled in the period"), d.enrolled),
        ("active_at_end", _("Active at the end of the period"), d.active_at_end),
        ("exited", _("Exited in the period"), d.exited),
    ]
    if d.scope.project_id:
        rows.append(
            (
                "left_project",
                _("Left the project in the period without an exit"),
                d.left_project,
            )
        )
    for key, label, people in rows:
        summary.add(key, label, _gender_cells(Counter(p.gender for p in people)))
    summary.note = _("Participants in the period = active at the end + exited in the period.")
    if d.scope.project_id:
        summary.note = _(
            "Only the project's enrolments, each counted from its start to its end (or the "
            "project's end). Participants in the period = active at the end + exited in the "
            "period + left the project in the period without an exit."
        )
    ages = Table("by_age", _("Participants by age group (age at the end of the period)"), cols)
    age_labels = {
        "under_25": _("Under 25"),
        "25_29": _("25–29"),
        "30_54": _("30–54"),
        "55_plus": _("55 and over"),
        "unknown": _("Age not stated"),
    }
    by_age: dict[str, Counter] = defaultdict(Counter)
    for p in d.in_period:
        by_age[_age_group(p, d.scope.end)][p.gender] += 1
    for key, label in age_labels.items():
        ages.add(key, label, _gender_cells(by_age[key]))
    targets = Table("by_target_group", _("Participants by target group"), cols)
    targets.note = _("A participant can belong to several target groups.")
    target_labels = {
        "newly_arrived": _("Newly arrived"),
        "long_term_unemployed": _("Long-term unemployed"),
        "reduced_work_capacity": _("Disability reducing work capacity"),
        "returning_from_sick_leave": _("Returning from sick leave"),
    }
    for key, label in target_labels.items():
        targets.add(
            key, label, _gender_cells(Counter(p.gender for p in d.in_period if p.flags[key]))
        )
    munis = Table("by_municipality", _("Participants by municipality"), cols)
    for code in d.municipalities():
        munis.add(
            code,
            d.municipality_names[code],
            _gender_cells(Counter(p.gender for p in d.in_period if p.municipality == code)),
        )
    munis.add("total", _("Total"), _gender_cells(Counter(p.gender for p in d.in_period)))
    tables = [summary, ages, targets, munis]
    if d.scope.project_id:
        tables.append(_started_table(d))
    return Section("participants", _("Participants"), tables)


@dataclass
class Started:
    """A person in the project who started work or studies: the first such start in the window."""

    pk: int
    code: str
    gender: str
    started_on: dt.date
    kind: str  # a StartKind value, or "employment" for a hire through a placement


def started_work_or_studies(d: _Data) -> list[Started]:
    """Participants in the period who started work or studies inside their enrolment window, the
    period and (if they exited) before their exit: a recorded start in work or studies, a hire
    through a placement, or an exit to work or studies. The earliest counts, one per person."""
    firsts: dict[int, tuple[dt.date, str]] = {}

    def consider(pid: int, day: dt.date, kind: str) -> None:
        person = d.people.get(pid)
        if person is None:
            return
        # Until the period's end, the enrolment's end and the exit, whichever comes first.
        last = min(
            d.scope.end,
            person.window_end or d.scope.end,
            person.exit.exited_on if person.exit else d.scope.end,
        )
        if max(d.scope.start, person.enrolled_on) <= day <= last and (
            pid not in firsts or day < firsts[pid][0]
        ):
            firsts[pid] = (day, kind)

    ids = list(d.people)
    for pid, day, kind in ParticipantStart.objects.filter(
        participant_id__in=ids, kind__in=WORK_OR_STUDY_STARTS
    ).values_list("participant_id", "started_on", "kind"):
        consider(pid, day, kind)
    for pid, day in Placement.objects.filter(
        participant_id__in=ids, hired_on__isnull=False
    ).values_list("participant_id", "hired_on"):
        consider(pid, day, PlacementKind.EMPLOYMENT)
    for person in d.exited:  # an exit to work or studies is a start on its exit date
        if person.exit.outcome in WORK_OR_STUDIES:
            kind = "studies" if person.exit.outcome == ExitOutcome.STUDIES else "work"
            consider(person.pk, person.exit.exited_on, kind)
    codes = dict(Participant.objects.filter(pk__in=firsts).values_list("pk", "code"))
    return sorted(
        (
            Started(pid, codes[pid], d.people[pid].gender, day, kind)
            for pid, (day, kind) in firsts.items()
        ),
        key=lambda s: (s.started_on, s.code),
    )


def _started_table(d: _Data) -> Table:
    cols = [*gender_labels(), _("Total")]
    started = Counter(s.gender for s in started_work_or_studies(d))
    everyone = Counter(p.gender for p in d.in_period)
    table = Table("started_work_or_studies", _("Started work or studies during the project"), cols)
    table.note = _(
        "Participants in the period who started work or studies (a recorded start in work or "
        "studies, a hire, or an exit to work or studies) within both their enrolment in the project and the period; the "
        "share is of the participants in the period."
    )
    table.add("in_period", _("Participants in the period"), _gender_cells(everyone))
    table.add("started", _("Started work or studies"), _gender_cells(started))
    table.add(
        "share",
        _("Share who started work or studies"),
        [share_of(started[g], everyone[g]) for g in GENDERS]
        + [share_of(sum(started.values()), sum(everyone.values()))],
    )
    return table


def started_persons(scope: Scope) -> list[Started]:
    """The persons behind the "started work or studies" count (for the list a manager opens)."""
    return started_work_or_studies(_Data(scope))
