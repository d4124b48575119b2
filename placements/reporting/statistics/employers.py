"""The employers section: active and new employers, study visits, open slots, and the placements
started by industry."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Q
from django.utils.translation import gettext as _

from employers.choices import InteractionKind, ProfileStatus
from employers.models import Employer, Interaction, TaskProfile
from matching.choices import Gender
from placements.models import Placement
from placements.reporting.statistics.cells import Section, Table, number
from placements.reporting.statistics.data import _Data, _gender, _gender_cells, gender_labels


def _employer_section(d: _Data) -> Section:
    start, end = d.scope.start, d.scope.end
    employers = Employer.objects.all()
    if d.scope.unit_ids is not None:
        employers = employers.filter(unit_id__in=d.scope.unit_ids)
    if d.scope.municipality_code:
        employers = employers.filter(municipality__code=d.scope.municipality_code)
    # The placements running in the period, in one query: their employers are active, and those
    # started in the period are counted by industry below (a placement cannot end before it
    # starts, so every placement started in the period is among them).
    running = list(
        Placement.objects.filter(task_profile__employer__in=employers)
        .filter(Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start)))
        .values_list(
            "task_profile__employer_id",
            "started_on",
            "guide_id",
            "participant_id",
            "task_profile__employer__industry__code",
            "task_profile__employer__industry__label",
            "task_profile__employer__industry__parent__code",
            "task_profile__employer__industry__parent__label",
        )
    )
    active = {row[0] for row in running}
    # Every contact-log entry of the employers, in one query: the first contact of each, and the
    # period's entries (an employer active through a contact; the study visits).
    first_contacts = {}
    study_visits = 0
    for eid, day, kind in (
        Interaction.objects.filter(employer__in=employers)
        .values_list("employer_id", "occurred_on", "kind")
        .order_by("occurred_on")
    ):
        first_contacts.setdefault(eid, day)
        if start <= day <= end:
            active.add(eid)
            study_visits += kind == InteractionKind.STUDY_VISIT
    new = sum(1 for day in first_contacts.values() if start <= day <= end)
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
    started = [
        row[3:]
        for row in running
        if start <= row[1] <= end and (not d.scope.guide_id or row[2] == d.scope.guide_id)
    ]
    by_industry: dict[str, Counter] = defaultdict(Counter)
    labels: dict[str, str] = {}
    for pid, code, label, parent, parent_label in started:
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
