"""Reads of the employers app that cross units: the relation summary of a shared employer.

The contact log stays per unit for its details; what crosses units within the region is only the
summary: who leads, when each unit last had contact and its next step, and counts of open profiles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from employers.choices import InteractionKind, ProfileStatus
from employers.models import Employer, Interaction, TaskProfile

OPEN_PLACEMENT_STATUSES = ("proposed", "agreed", "ongoing")  # placements.choices.OPEN_STATUSES

# What the employer search can be narrowed by, besides its text.
SEARCH_FILTERS = ("municipality", "industry", "status")


def employer_search(user, *, order: str, q: str, term: str, **filters) -> QuerySet:
    """The employers the coordinators' search finds for ``user``, ordered by ``order`` (a field,
    ``-`` for descending) and then by id: the name contains ``q`` or the organisation number
    contains ``term`` (``orgnr_search_term(q)``; an empty text is in every name), and each of
    ``SEARCH_FILTERS`` given is the value given."""
    qs = Employer.objects.visible_to(user).filter(Q(name__icontains=q) | Q(orgnr__icontains=term))
    for name in SEARCH_FILTERS:
        if name in filters:
            qs = qs.filter(**{name: filters[name]})
    return qs.order_by(order, "pk")


def with_waiting_requests(employers: QuerySet) -> QuerySet:
    """``employers`` with ``open_requests``: whether the employer has a request for a profile that
    no coordinator has handled yet (``TaskProfile.objects.waiting_requests``)."""
    return employers.annotate(
        open_requests=Exists(TaskProfile.objects.waiting_requests().filter(employer=OuterRef("pk")))
    )


@dataclass
class UnitRelation:
    """What one unit of the region has going with the employer (counts and dates, no people)."""

    unit_id: int
    unit_name: str
    last_contact_on: date | None = None
    last_contact_kind: str = ""
    next_step_due: date | None = None
    open_profiles: int = 0
    regional_profiles: int = 0
    open_placements: int = 0


@dataclass
class RelationSummary:
    employer: Employer
    lead_unit: str
    lead_coordinator: str
    units: list[UnitRelation] = field(default_factory=list)

    def others(self, unit_id: int | None) -> list[UnitRelation]:
        """Other units' recent contacts: the "coordinate before calling" note."""
        return [u for u in self.units if u.unit_id != unit_id and u.last_contact_on]


def _region_units(employer: Employer) -> dict[int, UnitRelation]:
    from core.choice_cache import cached_choices
    from core.models import Unit

    region_units = cached_choices(
        "region-units",
        employer.region_id,
        lambda: (
            Unit.objects.filter(region_id=employer.region_id)
            .order_by("name")
            .values_list("pk", "name")
        ),
    )
    return {pk: UnitRelation(unit_id=pk, unit_name=name) for pk, name in region_units}


def _add_contacts(units: dict[int, UnitRelation], interactions) -> None:
    """Each unit's last contact (kind, date) and its earliest open next step's due date, from
    ``interactions`` (the employer's log). The free text stays in the database: whether an entry
    has a next step is asked there."""
    rows = (
        interactions.annotate(
            has_next_step=ExpressionWrapper(~Q(next_step=""), output_field=BooleanField())
        )
        .order_by("unit_id", "-occurred_on", "-pk")
        .values_list(
            "unit_id", "occurred_on", "kind", "next_step_due", "next_step_done", "has_next_step"
        )
    )
    labels = dict(InteractionKind.choices)
    for unit_id, occurred_on, kind, due, done, next_step in rows:
        rel = units.get(unit_id)
        if rel is None:
            continue
        if rel.last_contact_on is None:
            rel.last_contact_on = occurred_on
            rel.last_contact_kind = str(labels.get(kind, kind))
        open_due = due if next_step and not done else None
        if open_due and (rel.next_step_due is None or open_due < rel.next_step_due):
            rel.next_step_due = open_due


def other_units_contacts(employer: Employer, unit_id: int | None) -> list[UnitRelation]:
    """The "coordinate before calling" note of the employer page: the other units of the region
    that have had contact with the employer, with their last contact and open next step. The same
    rows as ``relation_summary(employer).others(unit_id)``, without the profile counts."""
    units = _region_units(employer)
    _add_contacts(units, Interaction.objects.filter(employer=employer).exclude(unit_id=unit_id))
    return [u for u in units.values() if u.unit_id != unit_id and u.last_contact_on]


def relation_summary(employer: Employer) -> RelationSummary:
    """Per unit of the employer's region: last contact (kind, date), the open next step's due date
    open/regional profile counts and open placements at each unit's profiles."""
    units = _region_units(employer)
    _add_contacts(units, Interaction.objects.filter(employer=employer))
    # Open and regional profiles and open placements per unit, in one query. Placements live in a
    # higher app: counted through the reverse relation, never imported.
    is_open = Q(status=ProfileStatus.OPEN)
    for row in (
        TaskProfile.objects.filter(employer=employer)
        .values("unit_id")
        .annotate(
            n=Count("pk", filter=is_open, distinct=True),
            regional=Count("pk", filter=is_open & Q(regional=True), distinct=True),
            placements=Count(
                "placements",
                filter=Q(placements__status__in=OPEN_PLACEMENT_STATUSES),
                distinct=True,
            ),
        )
    ):
        if row["unit_id"] in units:
            units[row["unit_id"]].open_profiles = row["n"]
            units[row["unit_id"]].regional_profiles = row["regional"]
            units[row["unit_id"]].open_placements += row["placements"]
    owner = employer.owner
    return RelationSummary(
        employer=employer,
        lead_unit=employer.unit.name,
        lead_coordinator=(owner.get_full_name() or owner.get_username()) if owner else "",
        units=[u for u in units.values() if u.last_contact_on or u.open_profiles]
        + [u for u in units.values() if not (u.last_contact_on or u.open_profiles)],
    )
