"""The exit outcomes section: how the period's exits ended, by reporting category, by gender and by
municipality."""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _

from placements.reporting.statistics.cells import Section, Table, count, share_of
from placements.reporting.statistics.data import (
    GENDERS,
    REPORT_OUTCOMES,
    WORK_OR_STUDIES,
    Person,
    _Data,
    gender_labels,
    outcome_labels,
)


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
