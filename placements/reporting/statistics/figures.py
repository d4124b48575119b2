"""The figures: every table of the report, from a handful of queries."""

from __future__ import annotations

import datetime as dt
import statistics as pystats
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from employers.choices import InteractionKind, ProfileStatus
from employers.models import Employer, Interaction, TaskProfile
from matching.choices import Gender, OcnStatus, Phase
from matching.models import KgaAssessment, OcnCase, Participant, PhaseChange
from placements.choices import (
    WORK_OR_STUDY_STARTS,
    ExitOutcome,
    FollowUpStatus,
    PlacementKind,
    SixMonthSituation,
)
from placements.models import (
    Exit,
    ExitFollowUp,
    FollowUp,
    ParticipantStart,
    Placement,
    ProjectEnrolment,
)
from placements.reporting.statistics.cells import (
    Cell,
    Report,
    Section,
    Table,
    count,
    half_up,
    number,
    share_of,
)
from placements.reporting.statistics.scope import Scope, add_months

GENDERS = [Gender.WOMAN, Gender.MAN, Gender.OTHER, Gender.UNKNOWN]
ON_TIME_DAYS = 7  # a follow-up done within a week of its planned date is on time

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


@dataclass
class Started:
    """A person in the project who started work or studies: the first such start in the window."""

    pk: int
    code: str
    gender: str
    started_on: dt.date
    kind: str  # a StartKind value, or "employment" for a hire through a placement


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
        self.genders = {
            pk: _gender(g) for pk, g in participants.values_list("pk", "gender")
        }  # for events about people not necessarily in the period

    def municipalities(self) -> list[str]:
        return sorted(self.municipality_names, key=lambda c: self.municipality_names[c])


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


def _outcome_table(key: str, title: str, groups: list[tuple[str, list[Person]]]) -> Table:
    """Rows: the reporting categories, work or studies, all exits. Columns: count and share of the
    group's exits for each group."""
    columns = []
    for label, _people in groups:
        columns += [label, f"{label} %"]
    table = Table(key, title, columns)
    counts = [Counter(p.exit.outcome for p in people) for _label, people in groups]
    totals = [len(people) for _label, people in groups]
    labels = outcome_labels()
    for cat, outcomes in REPORT_OUTCOMES.items():
        cells = []
        for c, total in zip(counts, totals, strict=True):
            n = sum(c[o] for o in outcomes)
            cells += [count(n), share_of(n, total)]
        table.add(cat, labels[cat], cells)
    cells = []
    for c, total in zip(counts, totals, strict=True):
        n = sum(c[o] for o in WORK_OR_STUDIES)
        cells += [count(n), share_of(n, total)]
    table.add("work_or_studies", _("Work or studies"), cells)
    cells = []
    for total in totals:
        cells += [count(total), share_of(total, total)]
    table.add("exits", _("All exits"), cells)
    table.note = _("Shares of the exits in the period.")
    return table


def _outcome_section(d: _Data) -> Section:
    by_gender = [
        (label, [p for p in d.exited if p.gender == g])
        for g, label in zip(GENDERS, gender_labels(), strict=True)
    ] + [(_("Total"), d.exited)]
    by_muni = [
        (d.municipality_names[code], [p for p in d.exited if p.municipality == code])
        for code in d.municipalities()
    ] + [(_("Total"), d.exited)]
    return Section(
        "outcomes",
        _("Exit outcomes"),
        [
            _outcome_table("outcomes_by_gender", _("Exit outcomes by gender"), by_gender),
            _outcome_table("outcomes_by_municipality", _("Exit outcomes by municipality"), by_muni),
        ],
    )


def _median_cells(values: dict[str, list[int]]) -> list[Cell]:
    cells = []
    for g in [*GENDERS, None]:
        vals = values[g] if g else [v for g2 in GENDERS for v in values[g2]]
        med = half_up(pystats.median(vals)) if vals else None
        cells.append(Cell(med, "days", len(vals)))
    return cells


def _placements(d: _Data):
    return Placement.objects.filter(participant__in=d.participant_ids)


def _method_section(d: _Data) -> Section:
    start, end = d.scope.start, d.scope.end
    cols = [*gender_labels(), _("Total")]
    placements = list(
        _placements(d)
        .filter(Q(started_on__isnull=False) | Q(hired_on__isnull=False))
        .values("participant_id", "kind", "started_on", "hired_on", "ended_on", "ended_early")
        .order_by("started_on", "pk")
    )
    enrolled = dict(_participants(d.scope).values_list("pk", "enrolled_on"))
    first_practice: dict[int, dt.date] = {}
    first_hire: dict[int, dt.date] = {}
    for p in placements:
        pid = p["participant_id"]
        is_practice = p["kind"] in (PlacementKind.PRACTICE, PlacementKind.WORK_TRIAL)
        if (
            is_practice
            and p["started_on"]
            and (pid not in first_practice or p["started_on"] < first_practice[pid])
        ):
            first_practice[pid] = p["started_on"]
        if p["hired_on"] and (pid not in first_hire or p["hired_on"] < first_hire[pid]):
            first_hire[pid] = p["hired_on"]
    times = Table("time_to", _("Days from enrolment (median)"), cols)
    times.note = _(
        "Participants whose first practice or first employment started in the period; median "
        "days rounded half up."
    )
    for key, label, firsts in [
        ("first_practice", _("To first practice"), first_practice),
        ("employment", _("To employment"), first_hire),
    ]:
        values: dict[str, list[int]] = defaultdict(list)
        for pid, day in firsts.items():
            if start <= day <= end and pid in enrolled:
                values[d.genders[pid]].append((day - enrolled[pid]).days)
        times.add(key, label, _median_cells(values))
        times.add(
            f"{key}_persons",
            _("Persons"),
            [count(len(values[g])) for g in GENDERS] + [count(sum(map(len, values.values())))],
        )
    # Retention: employments whose three-month mark falls in the period.
    due: Counter = Counter()
    held: Counter = Counter()
    for p in placements:
        if not p["hired_on"]:
            continue
        mark = add_months(p["hired_on"], 3)
        if start <= mark <= end:
            g = d.genders[p["participant_id"]]
            due[g] += 1
            if not p["ended_early"] and (p["ended_on"] is None or p["ended_on"] >= mark):
                held[g] += 1
    retention = Table("retention", _("Employments still held three months after hire"), cols)
    retention.note = _("Employments whose three-month mark falls in the period.")
    retention.add("due", _("Employments reaching three months"), _gender_cells(due))
    retention.add("held", _("Still held"), _gender_cells(held))
    retention.add(
        "share",
        _("Share still held"),
        [share_of(held[g], due[g]) for g in GENDERS]
        + [share_of(sum(held.values()), sum(due.values()))],
    )
    returns = Counter(
        d.genders[pid]
        for pid in PhaseChange.objects.filter(
            participant__in=d.participant_ids,
            to_phase=Phase.FINNA,
            from_phase__in=[Phase.FA, Phase.BEHALLA],
            at__date__gte=start,
            at__date__lte=end,
        ).values_list("participant_id", flat=True)
    )
    funnel = Table("funnel", _("Phases reached by participants in the period"), cols)
    reached_fa = {
        p["participant_id"]
        for p in placements
        if p["started_on"] and p["started_on"] <= end and p["kind"] != PlacementKind.STUDY_VISIT
    }
    reached_keep = {
        p["participant_id"] for p in placements if p["hired_on"] and p["hired_on"] <= end
    }
    steps = [
        ("in_period", _("Participants in the period"), d.in_period),
        (
            "fa",
            _("Reached get (practice or work started)"),
            [p for p in d.in_period if p.pk in reached_fa],
        ),
        ("behalla", _("Reached keep (hired)"), [p for p in d.in_period if p.pk in reached_keep]),
        (
            "exit_work",
            _("Exited to work"),
            [p for p in d.exited if p.exit.outcome in WORK],
        ),
    ]
    for key, label, people in steps:
        funnel.add(key, label, _gender_cells(Counter(p.gender for p in people)))
    funnel.add("returns", _("Returns to find (finna)"), _gender_cells(returns))
    return Section(
        "method",
        _("The method"),
        [times, retention, funnel, *_followup_tables(d)],
    )


def _followup_state(f, reference: dt.date) -> str:
    if f["status"] == FollowUpStatus.DONE and f["done_on"]:
        return "on_time" if (f["done_on"] - f["planned_on"]).days <= ON_TIME_DAYS else "late"
    if f["planned_on"] < reference:
        return "missed"
    return "pending"


def _followup_tables(d: _Data) -> list[Table]:
    start, end = d.scope.start, d.scope.end
    reference = min(end + dt.timedelta(days=1), timezone.localdate()) - dt.timedelta(
        days=ON_TIME_DAYS
    )
    qs = FollowUp.objects.filter(
        placement__participant__in=d.participant_ids,
        planned_on__gte=start,
        planned_on__lte=end,
        status__in=[FollowUpStatus.PLANNED, FollowUpStatus.DONE],
    )
    if d.scope.guide_id:
        qs = qs.filter(placement__guide_id=d.scope.guide_id)
    rows = list(
        qs.values(
            "planned_on",
            "done_on",
            "status",
            "placement__guide_id",
            "placement__guide__first_name",
            "placement__guide__last_name",
            "placement__guide__username",
        )
    )
    cols = [_("Planned"), _("On time"), _("Late"), _("Missed"), _("Not yet due"), _("On time %")]

    def cells(items) -> list[Cell]:
        c = Counter(_followup_state(f, reference) for f in items)
        decided = c["on_time"] + c["late"] + c["missed"]
        return [
            count(len(items)),
            count(c["on_time"]),
            count(c["late"]),
            count(c["missed"]),
            count(c["pending"]),
            share_of(c["on_time"], decided),
        ]

    by_guide = Table("followups_by_guide", _("Follow-ups by guide"), cols)
    by_guide.note = _(
        "Follow-ups planned in the period. On time: done within %(n)s days of the planned date; "
        "missed: not done %(n)s days after it; the share is of those decided."
    ) % {"n": ON_TIME_DAYS}
    guides: dict[int, list] = defaultdict(list)
    names: dict[int, str] = {}
    for f in rows:
        gid = f["placement__guide_id"]
        guides[gid].append(f)
        names[gid] = (
            f"{f['placement__guide__first_name']} {f['placement__guide__last_name']}".strip()
            or f["placement__guide__username"]
        )
    for gid in sorted(guides, key=lambda g: names[g]):
        by_guide.add(f"guide-{gid}", names[gid], cells(guides[gid]))
    by_guide.add("unit", _("Unit"), cells(rows))
    by_month = Table("followups_by_month", _("Follow-up punctuality by month"), cols)
    months: dict[str, list] = defaultdict(list)
    for f in rows:
        months[f["planned_on"].strftime("%Y-%m")].append(f)
    month = dt.date(start.year, start.month, 1)
    while month <= end:
        key = month.strftime("%Y-%m")
        by_month.add(key, key, cells(months[key]))
        month = add_months(month, 1)
    return [by_guide, by_month]


def _employer_section(d: _Data) -> Section:
    start, end = d.scope.start, d.scope.end
    employers = Employer.objects.all()
    if d.scope.unit_ids is not None:
        employers = employers.filter(unit_id__in=d.scope.unit_ids)
    if d.scope.municipality_code:
        employers = employers.filter(municipality__code=d.scope.municipality_code)
    interactions = Interaction.objects.filter(employer__in=employers)
    in_period = interactions.filter(occurred_on__gte=start, occurred_on__lte=end)
    placements = Placement.objects.filter(task_profile__employer__in=employers)
    active_placement = placements.filter(
        Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    )
    active = set(in_period.values_list("employer_id", flat=True)) | set(
        active_placement.values_list("task_profile__employer_id", flat=True)
    )
    first_contacts = {}
    for eid, day in interactions.values_list("employer_id", "occurred_on").order_by("occurred_on"):
        first_contacts.setdefault(eid, day)
    new = sum(1 for day in first_contacts.values() if start <= day <= end)
    study_visits = in_period.filter(kind=InteractionKind.STUDY_VISIT).count()
    open_slots = sum(
        max(p.slots_total - p.slots_taken, 0)
        for p in TaskProfile.objects.filter(employer__in=employers, status=ProfileStatus.OPEN)
        .filter(change_of__isnull=True)
        .only("slots_total", "slots_taken")
    )
    summary = Table("employers", _("Employers"), [_("Number")])
    summary.note = _(
        "Active: a contact or a placement in the period. New contacts: employers first contacted "
        "in the period. Open slots: free slots of open task profiles today."
    )
    summary.add("active", _("Active employers"), [number(len(active))])
    summary.add("new_contacts", _("New contacts"), [number(new)])
    summary.add("study_visits", _("Study visits"), [number(study_visits)])
    summary.add("open_slots", _("Open slots"), [number(open_slots)])
    # Placements started in the period, by the employer's industry (SNI section) and gender.
    started = placements.filter(started_on__gte=start, started_on__lte=end)
    if d.scope.guide_id:
        started = started.filter(guide_id=d.scope.guide_id)
    by_industry: dict[str, Counter] = defaultdict(Counter)
    labels: dict[str, str] = {}
    for pid, code, label, parent, parent_label in started.values_list(
        "participant_id",
        "task_profile__employer__industry__code",
        "task_profile__employer__industry__label",
        "task_profile__employer__industry__parent__code",
        "task_profile__employer__industry__parent__label",
    ):
        key, name = (parent, parent_label) if parent else (code, label)
        key = key or "-"
        labels[key] = f"{key} {name}" if name else _("Industry not stated")
        by_industry[key][_gender(d.genders.get(pid) or Gender.UNKNOWN)] += 1
    industries = Table(
        "placements_by_industry",
        _("Placements started in the period by industry"),
        [*gender_labels(), _("Total")],
    )
    for key in sorted(by_industry):
        industries.add(key, labels[key], _gender_cells(by_industry[key]))
    total: Counter = Counter()
    for c in by_industry.values():
        total.update(c)
    industries.add("total", _("Total"), _gender_cells(total))
    return Section("employers", _("Employers"), [summary, industries])


def _validation_section(d: _Data) -> Section:
    start, end = d.scope.start, d.scope.end
    cases = OcnCase.objects.filter(participant__in=d.participant_ids).values_list(
        "participant_id",
        "module__code",
        "module__name",
        "registered_on",
        "certificate_issued_on",
        "status",
    )
    started: dict[str, Counter] = defaultdict(Counter)
    certified: dict[str, Counter] = defaultdict(Counter)
    titles: dict[str, str] = {}
    for pid, code, title, registered, issued, status in cases:
        titles[code] = f"{code} {title}"
        g = d.genders[pid]
        if start <= registered <= end:
            started[code][g] += 1
        if status == OcnStatus.CERTIFIED and issued and start <= issued <= end:
            certified[code][g] += 1
    labels = gender_labels()
    cols = [f"{_('Started')}: {g}" for g in labels] + [_("Started")]
    cols += [f"{_('Certified')}: {g}" for g in labels] + [_("Certified")]
    ocn = Table("ocn_by_module", _("OCN validations by module"), cols)
    keys = sorted(set(started) | set(certified))
    for code in keys:
        ocn.add(code, titles[code], _gender_cells(started[code]) + _gender_cells(certified[code]))
    all_started, all_cert = Counter(), Counter()
    for c in started.values():
        all_started.update(c)
    for c in certified.values():
        all_cert.update(c)
    ocn.add("total", _("Total"), _gender_cells(all_started) + _gender_cells(all_cert))
    assessments = list(
        KgaAssessment.objects.filter(
            participant__in=d.participant_ids, assessed_on__gte=start, assessed_on__lte=end
        ).values_list("participant_id", flat=True)
    )
    kga = Table("kga", _("KGA assessments"), [*labels, _("Total")])
    kga.add(
        "assessments", _("Assessments"), _gender_cells(Counter(d.genders[p] for p in assessments))
    )
    kga.add(
        "persons",
        _("Persons assessed"),
        _gender_cells(Counter(d.genders[p] for p in set(assessments))),
    )
    return Section("validations", _("Validations"), [ocn, kga])


def _esf_section(d: _Data) -> Section:
    cols = [*gender_labels(), _("Total"), _("Share of leavers")]
    exits = d.exited
    exit_ids = [p.exit.pk for p in exits]
    certified = set(
        OcnCase.objects.filter(
            participant__in=[p.pk for p in exits], status=OcnStatus.CERTIFIED
        ).values_list("participant_id", "certificate_issued_on")
    )
    qualified = {
        p.pk
        for p in exits
        for pid, issued in certified
        if pid == p.pk and issued and p.enrolled_on <= issued <= p.exit.exited_on
    }

    def row(table: Table, key: str, label: str, people: list[Person], base: int) -> None:
        c = Counter(p.gender for p in people)
        table.add(key, label, _gender_cells(c) + [share_of(len(people), base)])

    # One ready table: the indicators at exit and six months after.
    at_exit = Table("esf", _("ESF+ common result indicators"), cols)
    at_exit.note = _(
        "Leavers: participants who exited in the period. Employment: work with or without "
        "subsidy; education or training: studies; qualification: an OCN certificate issued "
        "between enrolment and exit."
    )
    n = len(exits)
    row(at_exit, "leavers", _("Leavers"), exits, n)
    row(
        at_exit,
        "employment",
        _("In employment, incl. self-employment"),
        [p for p in exits if p.exit.outcome in WORK],
        n,
    )
    row(
        at_exit,
        "education",
        _("In education or training"),
        [p for p in exits if p.exit.outcome == ExitOutcome.STUDIES],
        n,
    )
    row(
        at_exit,
        "job_searching",
        _("Engaged in job searching"),
        [p for p in exits if p.exit.outcome == ExitOutcome.JOB_SEEKING],
        n,
    )
    row(
        at_exit,
        "qualification",
        _("Gaining a qualification"),
        [p for p in exits if p.pk in qualified],
        n,
    )
    followups = dict(
        ExitFollowUp.objects.filter(exit_id__in=exit_ids).values_list("exit_id", "situation")
    )
    today = timezone.localdate()
    due = [p for p in exits if add_months(p.exit.exited_on, 6) <= today]
    recorded = [p for p in exits if p.exit.pk in followups]
    employed = [p for p in recorded if followups[p.exit.pk] == SixMonthSituation.EMPLOYED]
    at_exit.note += " " + _(
        "Of the leavers in the period; from the recorded six-month follow-ups. Shares of the "
        "leavers whose six months have passed."
    )
    base = len(due)
    six = at_exit
    row(six, "six_months_due", _("Leavers whose six months have passed"), due, base)
    row(six, "six_months_recorded", _("Six-month follow-up recorded"), recorded, base)
    row(
        six,
        "six_months_employed",
        _("In employment six months after, incl. self-employment"),
        employed,
        base,
    )
    return Section("esf", _("ESF+ indicators"), [at_exit])


SECTION_BUILDERS = {
    "participants": _participant_section,
    "outcomes": _outcome_section,
    "method": _method_section,
    "employers": _employer_section,
    "validations": _validation_section,
    "esf": _esf_section,
}


def build_report(scope: Scope) -> Report:
    data = _Data(scope)
    return Report(scope, [SECTION_BUILDERS[key](data) for key in scope.sections])
