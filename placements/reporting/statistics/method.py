"""The method section: days from enrolment to first practice and to employment, employments held
three months after hiring, the phases reached, and the follow-ups by guide and by month."""

from __future__ import annotations

import datetime as dt
import statistics as pystats
from collections import Counter, defaultdict

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.choices import Phase
from matching.models import PhaseChange
from placements.choices import FollowUpStatus, PlacementKind
from placements.models import FollowUp, Placement
from placements.reporting.statistics.cells import Cell, Section, Table, count, half_up, share_of
from placements.reporting.statistics.data import (
    GENDERS,
    WORK,
    _Data,
    _gender_cells,
    gender_labels,
)
from placements.reporting.statistics.scope import add_months

ON_TIME_DAYS = 7  # a follow-up done within a week of its planned date is on time


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
    enrolled = d.enrolled_on
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
