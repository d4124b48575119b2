"""The one load every section reads: the definitions (genders, reporting outcomes, age and target
groups), the persons in scope and ``_Data``, which fetches the period's rows in a handful of queries."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _

from matching.choices import Gender
from matching.models import OcnCase, Participant
from placements.choices import ExitOutcome
from placements.models import Exit, ProjectEnrolment
from placements.reporting.statistics.cells import Cell, count
from placements.reporting.statistics.scope import Scope

GENDERS = [Gender.WOMAN, Gender.MAN, Gender.OTHER, Gender.UNKNOWN]


# The six reporting categories; practice and labour-market programme are reported together.
REPORT_OUTCOMES = {
    "work_unsubsidised": [ExitOutcome.WORK_UNSUBSIDISED],
    "work_subsidised": [ExitOutcome.WORK_SUBSIDISED],
    "studies": [ExitOutcome.STUDIES],
    "practice_programme": [ExitOutcome.PRACTICE, ExitOutcome.PROGRAMME],
    "job_seeking": [ExitOutcome.JOB_SEEKING],
    "other": [ExitOutcome.OTHER],
}


WORK = {ExitOutcome.WORK_UNSUBSIDISED, ExitOutcome.WORK_SUBSIDISED}


WORK_OR_STUDIES = WORK | {ExitOutcome.STUDIES}


AGE_GROUPS = [("under_25", 0, 24), ("25_29", 25, 29), ("30_54", 30, 54), ("55_plus", 55, 200)]


TARGET_GROUPS = [
    "newly_arrived",
    "long_term_unemployed",
    "reduced_work_capacity",
    "returning_from_sick_leave",
]


def outcome_labels() -> dict[str, str]:
    return {
        "work_unsubsidised": _("Work without subsidy"),
        "work_subsidised": _("Work with subsidy"),
        "studies": _("Studies"),
        "practice_programme": _("Practice or labour-market programme"),
        "job_seeking": _("Job-seeking"),
        "other": _("Other"),
    }


def gender_labels() -> list[str]:
    return [_("Women"), _("Men"), _("Non-binary/other"), _("Gender not stated")]


@dataclass
class Person:
    pk: int
    gender: str
    birth_year: int | None
    municipality: str
    enrolled_on: dt.date
    flags: dict[str, bool]
    exit: Exit | None = None  # the exit that counts for the period, if any
    window_end: dt.date | None = None  # a project's enrolment: the last day it counts


def _participants(scope: Scope):
    qs = Participant.objects.all()
    if scope.unit_ids is not None:
        qs = qs.filter(unit_id__in=scope.unit_ids)
    if scope.municipality_code:
        qs = qs.filter(municipality__code=scope.municipality_code)
    if scope.guide_id:
        qs = qs.filter(guide_id=scope.guide_id)
    if scope.project_id:
        qs = qs.filter(project_enrolments__project_id=scope.project_id)
    return qs


def _project_windows(scope: Scope) -> dict[int, tuple[dt.date, dt.date]]:
    """Per person, the first and last day their enrolment in the chosen project counts."""
    return {
        e.participant_id: (e.started_on, e.ended_on or e.project.ends_on)
        for e in ProjectEnrolment.objects.filter(project_id=scope.project_id).select_related(
            "project"
        )
    }


def _gender_cells(counter: Counter) -> list[Cell]:
    return [count(counter[g]) for g in GENDERS] + [count(sum(counter[g] for g in GENDERS))]


def _gender(value: str) -> str:
    return value if value in GENDERS else Gender.UNKNOWN


class _Data:
    """Everything the tables need, loaded once in a handful of queries."""

    def __init__(self, scope: Scope):
        self.scope = scope
        start, end = scope.start, scope.end
        participants = _participants(scope)
        self.participant_ids = participants.values("pk")
        exits_by_person: dict[int, list[Exit]] = defaultdict(list)
        for e in Exit.objects.filter(participant__in=self.participant_ids).order_by(
            "exited_on", "pk"
        ):
            exits_by_person[e.participant_id].append(e)
        self.in_period: list[Person] = []
        self.enrolled: list[Person] = []
        self.active_at_end: list[Person] = []
        self.exited: list[Person] = []
        self.left_project: list[Person] = []  # enrolment ended in the period without an exit
        self.municipality_names: dict[str, str] = {}
        # Of every person in scope, in the period or not (events about people not necessarily in
        # the period): their gender and their enrolment in the programme.
        self.genders: dict[int, str] = {}
        self.enrolled_on: dict[int, dt.date] = {}
        windows = _project_windows(scope) if scope.project_id else {}
        for row in participants.values(
            "pk",
            "gender",
            "birth_year",
            "municipality__code",
            "municipality__name",
            "enrolled_on",
            *TARGET_GROUPS,
        ):
            self.genders[row["pk"]] = _gender(row["gender"])
            self.enrolled_on[row["pk"]] = row["enrolled_on"]
            # In a project, its enrolment's dates bound the person's window; otherwise the
            # programme's enrolment opens it and nothing closes it but an exit.
            enrolled_on, window_end = windows.get(row["pk"], (row["enrolled_on"], None))
            if enrolled_on > end or (window_end is not None and window_end < start):
                continue
            exits = [
                e
                for e in exits_by_person[row["pk"]]
                if e.exited_on >= enrolled_on and (window_end is None or e.exited_on <= window_end)
            ]
            if exits and exits[-1].exited_on < start:
                continue  # left before the period
            person = Person(
                pk=row["pk"],
                gender=_gender(row["gender"]),
                birth_year=row["birth_year"],
                municipality=row["municipality__code"],
                enrolled_on=enrolled_on,
                flags={t: row[t] for t in TARGET_GROUPS},
                window_end=window_end,
            )
            self.municipality_names[row["municipality__code"]] = row["municipality__name"]
            in_period = [e for e in exits if start <= e.exited_on <= end]
            self.in_period.append(person)
            if start <= person.enrolled_on <= end:
                self.enrolled.append(person)
            if in_period:
                person.exit = in_period[-1]
                self.exited.append(person)
            elif window_end is not None and window_end < end:
                self.left_project.append(person)
            else:
                self.active_at_end.append(person)
        self.people = {p.pk: p for p in self.in_period}

    @cached_property
    def ocn_cases(self) -> list[tuple]:
        """Every OCN case of the persons in scope, read once for the sections that count them
        (validations, ESF): (participant, module code, module name, registered, certificate
        issued, status)."""
        return list(
            OcnCase.objects.filter(participant__in=self.participant_ids).values_list(
                "participant_id",
                "module__code",
                "module__name",
                "registered_on",
                "certificate_issued_on",
                "status",
            )
        )

    def municipalities(self) -> list[str]:
        return sorted(self.municipality_names, key=lambda c: self.municipality_names[c])
