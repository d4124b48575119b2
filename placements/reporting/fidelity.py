"""Fidelity to Supported Employment (IPS), computed from the records, per guide and per unit and
quarter. Only the items the records can measure are scored; the rest are listed as "to assess at
review" and never guessed. Anchors are configurable (``settings.FIDELITY_ANCHORS`` overrides
:data:`DEFAULT_ANCHORS` item by item); their sources are in the README.

Definitions (quarter = ``start``–``end``, both days included; a quarter not yet over ends today):

* **caseload** — active participants at the end of the quarter (enrolled on or before the end, no
  exit on or before it) per guide; the unit figure is active participants / guides with a caseload.
* **days_to_contact** — for participants whose first employer contact (a contact-log entry naming
  them, on or after enrolment) falls in the quarter: mean days from enrolment to that contact.
* **contacts_per_week** — contact-log entries in the quarter naming one of the guide's
  participants or logged by the guide, per week of the quarter; the unit figure is all the unit's
  entries naming a participant / guides / weeks.
* **competitive** — of the jobs obtained in the quarter (placements with ``hired_on`` in it), the
  share with no wage subsidy (``FIDELITY_COMPETITIVE_SUBSIDIES``).
* **job_types** / **employers** — of those jobs, distinct occupations (employers) / jobs.
* **follow_along** — of the jobs obtained 4–12 months before the end of the quarter and not ended
  within 4 months, the share with a follow-up done 4 months or more after hire (support not cut off
  when behålla ends).
* **one_guide** — of the participants in the quarter with a placement, the share whose every
  placement was guided by their own guide.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.choices import Role
from core.models import Unit, User
from core.roles import role_of
from employers.models import Interaction
from matching.models import Participant
from placements.choices import FollowUpStatus, SubsidyType
from placements.models import Exit, FollowUp, Placement
from placements.reporting.statistics import Cell, Report, Scope, Section, Table, add_months, percent

FIDELITY_ROLES = (Role.MANAGER, Role.ADMIN, Role.GUIDE)

# Each item: ``bands`` as (threshold, score), checked in order; ``lower_is_better`` decides whether
# a value at most (True) or at least (False) the threshold earns the score. Values below every band
# score 1.
DEFAULT_ANCHORS: dict[str, dict] = {
    "caseload": {"lower_is_better": True, "bands": [(20, 5), (25, 4), (30, 3), (40, 2)]},
    "days_to_contact": {"lower_is_better": True, "bands": [(30, 5), (60, 4), (150, 3), (270, 2)]},
    "contacts_per_week": {"lower_is_better": False, "bands": [(6, 5), (5, 4), (4, 3), (2, 2)]},
    "competitive": {"lower_is_better": False, "bands": [(95, 5), (85, 4), (75, 3), (65, 2)]},
    "job_types": {"lower_is_better": False, "bands": [(85, 5), (71, 4), (61, 3), (51, 2)]},
    "employers": {"lower_is_better": False, "bands": [(85, 5), (71, 4), (61, 3), (51, 2)]},
    "follow_along": {"lower_is_better": False, "bands": [(90, 5), (75, 4), (50, 3), (1, 2)]},
    "one_guide": {"lower_is_better": False, "bands": [(95, 5), (80, 4), (60, 3), (40, 2)]},
}

ITEM_LABELS = {
    "caseload": gettext_lazy("Caseload per guide (active participants)"),
    "days_to_contact": gettext_lazy("Days from enrolment to first employer contact"),
    "contacts_per_week": gettext_lazy("Employer contacts per guide and week"),
    "competitive": gettext_lazy("Share of jobs that are competitive (no wage subsidy)"),
    "job_types": gettext_lazy("Diversity of job types"),
    "employers": gettext_lazy("Diversity of employers"),
    "follow_along": gettext_lazy("Follow-along after hire, not cut off"),
    "one_guide": gettext_lazy("One guide through all phases"),
}
ITEMS = list(ITEM_LABELS)
UNITS = {
    "caseload": "",
    "days_to_contact": gettext_lazy("days"),
    "contacts_per_week": "",
    "competitive": "%",
    "job_types": "%",
    "employers": "%",
    "follow_along": "%",
    "one_guide": "%",
}

# Figures that count something other than persons (never suppressed, like the statistics' numbers).
NOT_ABOUT_PERSONS = {"contacts_per_week"}

# The items of the published scale that need interviews or observation: never scored here.
REVIEW_ITEMS = [
    gettext_lazy("Vocational services staff (only employment services)"),
    gettext_lazy("Integration with the treatment/rehabilitation team"),
    gettext_lazy("Collaboration with the Public Employment Service and Försäkringskassan"),
    gettext_lazy("Vocational unit and supervision"),
    gettext_lazy("Zero exclusion criteria"),
    gettext_lazy("Agency focus on competitive employment"),
    gettext_lazy("Executive team support"),
    gettext_lazy("Work incentives planning (benefits counselling)"),
    gettext_lazy("Disclosure"),
    gettext_lazy("Ongoing, work-based vocational assessment"),
    gettext_lazy("Individualised job search (the participant's preferences)"),
    gettext_lazy("Quality of job development (relationships with employers)"),
    gettext_lazy("Individualised follow-along supports"),
    gettext_lazy("Community-based services"),
    gettext_lazy("Assertive engagement and outreach"),
]


def anchors() -> dict[str, dict]:
    merged = {k: dict(v) for k, v in DEFAULT_ANCHORS.items()}
    for key, value in (getattr(settings, "FIDELITY_ANCHORS", None) or {}).items():
        merged.setdefault(key, {}).update(value)
    return merged


def competitive_subsidies() -> set[str]:
    return set(getattr(settings, "FIDELITY_COMPETITIVE_SUBSIDIES", [SubsidyType.NONE]))


def score(item: str, value: float | None) -> int | None:
    """The 1–5 anchor score for a value, None when there is nothing to score."""
    if value is None:
        return None
    anchor = anchors()[item]
    for threshold, points in anchor["bands"]:
        if (value <= threshold) if anchor["lower_is_better"] else (value >= threshold):
            return points
    return 1


def one_decimal(value: float | None) -> float | None:
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


# --- quarters ---------------------------------------------------------------------------------


def quarter_of(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(key: str) -> tuple[dt.date, dt.date]:
    """``2026-Q2`` → (1 April, 30 June). Raises ValueError on anything else."""
    year, q = key.upper().split("-Q")
    n = int(q)
    if not 1 <= n <= 4:
        raise ValueError(key)
    start = dt.date(int(year), 3 * (n - 1) + 1, 1)
    return start, add_months(start, 3) - dt.timedelta(days=1)


def previous_quarters(key: str, n: int) -> list[str]:
    start, _end = quarter_bounds(key)
    return [quarter_of(add_months(start, -3 * i)) for i in range(n - 1, -1, -1)]


# --- results ----------------------------------------------------------------------------------


@dataclass
class Record:
    """One thing behind a figure: a participant or a contact-log entry, with its own value."""

    kind: str  # "participant" | "contact" | "placement"
    pk: int
    label: str
    value: str = ""
    participant_pk: int | None = None
    employer_pk: int | None = None


@dataclass
class ItemResult:
    key: str
    value: float | None
    n: int  # how many records the figure is made of
    records: list[Record] = field(default_factory=list)
    note: str = ""

    @property
    def score(self) -> int | None:
        return score(self.key, self.value)

    @property
    def label(self) -> str:
        return str(ITEM_LABELS[self.key])

    @property
    def unit(self) -> str:
        return str(UNITS[self.key])

    @property
    def persons(self) -> int | None:
        """How many participants the figure is about, for the statistics' suppression rule when
        shared; None for the contact rate, which counts contact-log entries, not persons."""
        if self.key in NOT_ABOUT_PERSONS:
            return None
        return len({r.participant_pk for r in self.records})

    def as_dict(self, with_records: bool = True) -> dict:
        data = {
            "item": self.key,
            "label": self.label,
            "value": self.value,
            "score": self.score,
            "n": self.n,
        }
        if with_records:
            data["records"] = [
                {"kind": r.kind, "id": r.pk, "label": r.label, "value": r.value}
                for r in self.records
            ]
        return data


@dataclass(frozen=True)
class FidelityScope:
    quarter: str
    unit_ids: tuple[int, ...] | None  # None: every unit (administrators)
    guide_id: int | None = None  # set for guides (their own figures only)

    @property
    def bounds(self) -> tuple[dt.date, dt.date]:
        start, end = quarter_bounds(self.quarter)
        return start, min(end, max(timezone.localdate(), start))


def parse_fidelity_filters(user: User, data) -> tuple[FidelityScope | None, dict]:
    errors: dict[str, list[str]] = {}
    role = role_of(user)
    raw = str(data.get("quarter") or "").strip() or quarter_of(timezone.localdate())
    try:
        start, _end = quarter_bounds(raw)
        if not 2000 <= start.year <= 2100:
            raise ValueError(raw)
    except (ValueError, OverflowError):  # a year past the calendar is an OverflowError
        errors["quarter"] = [_("Enter a quarter as YYYY-Qn, e.g. 2026-Q2.")]
    unit_ids: tuple[int, ...] | None = (user.unit_id,) if user.unit_id else ()
    raw_unit = str(data.get("unit") or "").strip()
    if role == Role.ADMIN:
        unit_ids = None
        if raw_unit:
            if not raw_unit.isdigit() or not Unit.objects.filter(pk=raw_unit).exists():
                errors["unit"] = [_("Unknown unit.")]
            else:
                unit_ids = (int(raw_unit),)
    elif raw_unit and raw_unit != str(user.unit_id):
        errors["unit"] = [_("You can only see your own unit.")]
    guide_id = None
    raw_guide = str(data.get("guide") or "").strip()
    if role == Role.GUIDE:
        guide_id = user.pk
        if raw_guide and raw_guide != str(user.pk):
            errors["guide"] = [_("Guides see their own figures only.")]
    elif raw_guide:
        guides = User.objects.filter(groups__name=Role.GUIDE)
        if unit_ids is not None:
            guides = guides.filter(unit_id__in=unit_ids)
        if not raw_guide.isdigit() or not guides.filter(pk=raw_guide).exists():
            errors["guide"] = [_("Unknown guide.")]
        else:
            guide_id = int(raw_guide)
    if errors:
        return None, errors
    return FidelityScope(quarter=raw.upper(), unit_ids=unit_ids, guide_id=guide_id), {}


def _name(user_row: dict, prefix: str = "") -> str:
    first = user_row.get(f"{prefix}first_name") or ""
    last = user_row.get(f"{prefix}last_name") or ""
    return f"{first} {last}".strip() or user_row.get(f"{prefix}username") or ""


@dataclass
class GuideResult:
    pk: int | None  # None: the unit as a whole
    name: str
    items: dict[str, ItemResult]


@dataclass
class FidelityReport:
    scope: FidelityScope
    start: dt.date
    end: dt.date
    unit: GuideResult
    guides: list[GuideResult]

    def as_dict(self, with_records: bool = True) -> dict:
        def part(g: GuideResult) -> dict:
            return {
                "guide": g.pk,
                "name": g.name,
                "items": [g.items[k].as_dict(with_records) for k in ITEMS],
            }

        return {
            "quarter": self.scope.quarter,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "unit": part(self.unit),
            "guides": [part(g) for g in self.guides],
            "assessed_at_review": [str(x) for x in REVIEW_ITEMS],
        }


def _contacts(unit_ids: tuple[int, ...] | None, start: dt.date, end: dt.date) -> dict[int, dict]:
    """The contact-log entries from ``start`` to ``end``, oldest first, with the participants each
    names (two queries)."""
    interactions = Interaction.objects.filter(occurred_on__gte=start, occurred_on__lte=end)
    if unit_ids is not None:
        interactions = interactions.filter(employer__unit_id__in=unit_ids)
    contacts: dict[int, dict] = {}
    for row in interactions.values(
        "pk", "occurred_on", "by_id", "employer_id", "employer__name", "kind"
    ).order_by("occurred_on", "pk"):
        row["participants"] = set()
        contacts[row["pk"]] = row
    for iid, pid in Interaction.participants.through.objects.filter(
        interaction_id__in=list(contacts)
    ).values_list("interaction_id", "participant_id"):
        contacts[iid]["participants"].add(pid)
    return contacts


class _Data:
    """The records of one quarter, loaded in a handful of queries. Only the contact log depends
    on the quarter: ``base``, another quarter's data of the same units, lends the rest, and
    ``contacts`` may come from one load of several quarters (``trend``)."""

    def __init__(
        self,
        scope: FidelityScope,
        *,
        base: _Data | None = None,
        contacts: dict[int, dict] | None = None,
    ):
        self.scope = scope
        self.start, self.end = scope.bounds
        if contacts is None:
            contacts = _contacts(scope.unit_ids, self.start, self.end)
        self.contacts = contacts
        if base is not None:
            self.participants, self.exits = base.participants, base.exits
            self.guide_names, self.first_contact = base.guide_names, base.first_contact
            self.placements, self.followups_done = base.placements, base.followups_done
            return
        participants = Participant.objects.all()
        if scope.unit_ids is not None:
            participants = participants.filter(unit_id__in=scope.unit_ids)
        self.participants = {
            row["pk"]: row
            for row in participants.values("pk", "code", "guide_id", "enrolled_on", "unit_id")
        }
        exits: dict[int, list[dt.date]] = defaultdict(list)
        for pid, day in Exit.objects.filter(participant__in=participants.values("pk")).values_list(
            "participant_id", "exited_on"
        ):
            exits[pid].append(day)
        self.exits = exits
        guides = User.objects.filter(groups__name=Role.GUIDE, is_active=True)
        if scope.unit_ids is not None:
            guides = guides.filter(unit_id__in=scope.unit_ids)
        self.guide_names = {
            row["pk"]: _name(row)
            for row in guides.values("pk", "first_name", "last_name", "username")
        }
        # First employer contact ever made for each participant (on or after enrolment).
        self.first_contact: dict[int, tuple[dt.date, int]] = {}
        for pid, day, iid in (
            Interaction.participants.through.objects.filter(
                participant_id__in=list(self.participants)
            )
            .values_list("participant_id", "interaction__occurred_on", "interaction_id")
            .order_by("interaction__occurred_on", "interaction_id")
        ):
            if day >= self.participants[pid]["enrolled_on"]:
                self.first_contact.setdefault(pid, (day, iid))
        placements = Placement.objects.filter(participant_id__in=list(self.participants))
        self.placements = list(
            placements.values(
                "pk",
                "participant_id",
                "guide_id",
                "kind",
                "subsidy_type",
                "status",
                "started_on",
                "hired_on",
                "ended_on",
                "task_profile__employer_id",
                "task_profile__employer__name",
                "task_profile__occupation_id",
                "task_profile__title",
            )
        )
        hired_ids = [p["pk"] for p in self.placements if p["hired_on"]]
        self.followups_done: dict[int, list[dt.date]] = defaultdict(list)
        for pid, day in FollowUp.objects.filter(
            placement_id__in=hired_ids, status=FollowUpStatus.DONE, done_on__isnull=False
        ).values_list("placement_id", "done_on"):
            self.followups_done[pid].append(day)

    def active_at_end(self, pid: int) -> bool:
        row = self.participants[pid]
        if row["enrolled_on"] > self.end:
            return False
        return not any(row["enrolled_on"] <= d <= self.end for d in self.exits.get(pid, []))

    def in_quarter(self, pid: int) -> bool:
        row = self.participants[pid]
        if row["enrolled_on"] > self.end:
            return False
        exits = [d for d in self.exits.get(pid, []) if d >= row["enrolled_on"]]
        return not exits or max(exits) >= self.start or any(d > self.end for d in exits)


def _participant_record(d: _Data, pid: int, value: str = "") -> Record:
    return Record("participant", pid, d.participants[pid]["code"], value, pid)


def _items(d: _Data, guide_id: int | None, n_guides: int) -> dict[str, ItemResult]:
    """Every item for one guide (``guide_id``) or the unit (None, divided by ``n_guides``)."""

    def mine(pid: int) -> bool:
        return guide_id is None or d.participants[pid]["guide_id"] == guide_id

    weeks = ((d.end - d.start).days + 1) / 7
    out: dict[str, ItemResult] = {}
    # caseload
    active = [pid for pid in d.participants if mine(pid) and d.active_at_end(pid)]
    divisor = 1 if guide_id is not None else n_guides
    out["caseload"] = ItemResult(
        "caseload",
        one_decimal(len(active) / divisor) if divisor else None,
        len(active),
        [
            _participant_record(d, pid)
            for pid in sorted(active, key=lambda p: d.participants[p]["code"])
        ],
    )
    # days to first employer contact
    firsts = [
        (pid, day, iid)
        for pid, (day, iid) in d.first_contact.items()
        if mine(pid) and d.start <= day <= d.end
    ]
    days = [(day - d.participants[pid]["enrolled_on"]).days for pid, day, _iid in firsts]
    out["days_to_contact"] = ItemResult(
        "days_to_contact",
        one_decimal(sum(days) / len(days)) if days else None,
        len(days),
        [
            _participant_record(d, pid, _("%(n)s days") % {"n": n})
            for (pid, _day, _iid), n in sorted(
                zip(firsts, days, strict=True), key=lambda x: d.participants[x[0][0]]["code"]
            )
        ],
    )
    # employer contacts per week
    contacts = [
        c
        for c in d.contacts.values()
        if (guide_id is None and c["participants"])
        or (
            guide_id is not None
            and (c["by_id"] == guide_id or any(mine(p) for p in c["participants"]))
        )
    ]
    per_week = None
    if weeks and divisor:
        per_week = one_decimal(len(contacts) / divisor / weeks)
    out["contacts_per_week"] = ItemResult(
        "contacts_per_week",
        per_week,
        len(contacts),
        [
            Record(
                "contact",
                c["pk"],
                f"{c['occurred_on']:%Y-%m-%d} {c['employer__name']}",
                employer_pk=c["employer_id"],
            )
            for c in contacts
        ],
    )
    # jobs obtained in the quarter
    jobs = [
        p
        for p in d.placements
        if p["hired_on"] and d.start <= p["hired_on"] <= d.end and mine(p["participant_id"])
    ]

    def job_record(p: dict, value: str = "") -> Record:
        return Record(
            "placement",
            p["pk"],
            f"{d.participants[p['participant_id']]['code']} – {p['task_profile__employer__name']}",
            value,
            p["participant_id"],
        )

    competitive = [p for p in jobs if p["subsidy_type"] in competitive_subsidies()]
    out["competitive"] = ItemResult(
        "competitive",
        percent(len(competitive), len(jobs)),
        len(jobs),
        [job_record(p, _("competitive") if p in competitive else _("subsidised")) for p in jobs],
    )
    types = {p["task_profile__occupation_id"] or f"t:{p['task_profile__title']}" for p in jobs}
    out["job_types"] = ItemResult(
        "job_types", percent(len(types), len(jobs)), len(jobs), [job_record(p) for p in jobs]
    )
    employers = {p["task_profile__employer_id"] for p in jobs}
    out["employers"] = ItemResult(
        "employers", percent(len(employers), len(jobs)), len(jobs), [job_record(p) for p in jobs]
    )
    # follow-along not cut off
    window_start = add_months(d.end, -12)
    window_end = add_months(d.end, -4)
    eligible = []
    for p in d.placements:
        hired = p["hired_on"]
        if not hired or not mine(p["participant_id"]) or not window_start < hired <= window_end:
            continue
        four = add_months(hired, 4)
        if p["ended_on"] and p["ended_on"] < four:
            continue
        followed = any(day >= four for day in d.followups_done.get(p["pk"], []))
        eligible.append((p, followed))
    out["follow_along"] = ItemResult(
        "follow_along",
        percent(sum(1 for _p, f in eligible if f), len(eligible)),
        len(eligible),
        [
            job_record(p, _("followed up") if f else _("no follow-up after 4 months"))
            for p, f in eligible
        ],
    )
    # one guide through all phases
    by_person: dict[int, set[int]] = defaultdict(set)
    for p in d.placements:
        pid = p["participant_id"]
        if p["started_on"] and p["started_on"] <= d.end and mine(pid) and d.in_quarter(pid):
            by_person[pid].add(p["guide_id"])
    same = [pid for pid, g in by_person.items() if g == {d.participants[pid]["guide_id"]}]
    out["one_guide"] = ItemResult(
        "one_guide",
        percent(len(same), len(by_person)),
        len(by_person),
        [
            _participant_record(d, pid, _("same guide") if pid in same else _("several guides"))
            for pid in sorted(by_person, key=lambda p: d.participants[p]["code"])
        ],
    )
    return out


def build_fidelity(scope: FidelityScope) -> FidelityReport:
    return _report(_Data(scope))


def _report(d: _Data) -> FidelityReport:
    scope = d.scope
    guide_ids = sorted(d.guide_names, key=lambda g: d.guide_names[g])
    if scope.guide_id is not None:
        guide_ids = [g for g in guide_ids if g == scope.guide_id]
    guides = [GuideResult(g, d.guide_names[g], _items(d, g, 1)) for g in guide_ids]
    if scope.guide_id is not None:
        unit = (
            guides[0] if guides else GuideResult(scope.guide_id, "", _items(d, scope.guide_id, 1))
        )
    else:
        with_caseload = {
            row["guide_id"]
            for pid, row in d.participants.items()
            if row["guide_id"] and d.active_at_end(pid)
        }
        unit = GuideResult(None, _("Unit"), _items(d, None, len(with_caseload)))
    return FidelityReport(scope, d.start, d.end, unit, guides)


def trend(scope: FidelityScope, n: int = 4) -> list[FidelityReport]:
    """The same figures for the ``n`` quarters ending with the scope's (oldest first). The records
    are loaded once and the contact log of all the quarters in one go, not each quarter anew."""
    scopes = [
        FidelityScope(q, scope.unit_ids, scope.guide_id)
        for q in previous_quarters(scope.quarter, n)
    ]
    everything = _contacts(scope.unit_ids, scopes[0].bounds[0], scopes[-1].bounds[1])
    reports, base = [], None
    for quarter in scopes:
        start, end = quarter.bounds
        contacts = {pk: row for pk, row in everything.items() if start <= row["occurred_on"] <= end}
        d = _Data(quarter, base=base, contacts=contacts)
        base = base or d
        reports.append(_report(d))
    return reports


# --- as statistics tables (for the CSV/XLSX exports shared with the statistics) ------------------


def _value_cell(item: ItemResult) -> Cell:
    return Cell(item.value, "percent" if item.unit == "%" else "number", item.persons)


def as_report(report: FidelityReport, history: list[FidelityReport]) -> Report:
    cols = [_("Value"), _("Score (1–5)"), _("Number behind the figure")]
    tables = []
    for part in [report.unit, *([] if report.scope.guide_id else report.guides)]:
        table = Table(
            f"fidelity-{part.pk or 'unit'}",
            f"{_('Fidelity')}: {part.name}",
            cols,
        )
        for key in ITEMS:
            item = part.items[key]
            table.add(
                key,
                item.label,
                [
                    _value_cell(item),
                    Cell(item.score, "number", item.persons),
                    Cell(item.n, "number", item.persons),
                ],
            )
        tables.append(table)
    trend_table = Table("fidelity-trend", _("Score by quarter"), [h.scope.quarter for h in history])
    for key in ITEMS:
        trend_table.add(
            key,
            str(ITEM_LABELS[key]),
            [Cell(h.unit.items[key].score, "number", h.unit.items[key].persons) for h in history],
        )
    tables.append(trend_table)
    review = Table("fidelity-review", _("Assessed at review"), [_("Score (1–5)")])
    review.note = _("These items need interviews or observation and are not computed.")
    for i, label in enumerate(REVIEW_ITEMS):
        review.add(f"review-{i}", str(label), [Cell(None, "number")])
    tables.append(review)
    scope = Scope(
        start=report.start,
        end=report.end,
        unit_ids=report.scope.unit_ids,
        guide_id=report.scope.guide_id,
    )
    return Report(scope, [Section("fidelity", _("Fidelity"), tables)])
