"""The ESF+ section: the common result indicators at exit and six months after."""

from __future__ import annotations

from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext as _

from matching.choices import OcnStatus
from placements.choices import ExitOutcome, SixMonthSituation
from placements.models import ExitFollowUp
from placements.reporting.statistics.cells import Section, Table, share_of
from placements.reporting.statistics.data import WORK, Person, _Data, _gender_cells, gender_labels
from placements.reporting.statistics.scope import add_months


def _esf_section(d: _Data) -> Section:
    cols = [*gender_labels(), _("Total"), _("Share of leavers")]
    exits = d.exited
    exit_ids = [p.exit.pk for p in exits]
    leavers = {p.pk for p in exits}
    certified = {
        (pid, issued)
        for pid, _code, _name, _registered, issued, status in d.ocn_cases
        if pid in leavers and status == OcnStatus.CERTIFIED
    }
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
