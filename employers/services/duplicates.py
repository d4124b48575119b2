"""Possible duplicate employers (fuzzy name in the same municipality), pairs marked as not
duplicates, and merging two employers with its preview and history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from core.models import User
from core.writes import announce_rows
from employers.models import (
    ContactPerson,
    Employer,
    EmployerMembership,
    Interaction,
    NotDuplicate,
    Site,
    TaskProfile,
)
from employers.services._shared import ensure_can_write
from employers.services.identifiers import fold_name

FUZZY_DUPLICATE_THRESHOLD = 88.0


@dataclass(frozen=True)
class PossibleDuplicate:
    employer: Employer
    score: float


def find_possible_duplicates(
    *, name: str, municipality_id: str, exclude_id: int | None = None, unit_id: int | None = None
) -> list[PossibleDuplicate]:
    """Employers in the same municipality whose name fuzzy-matches ("ICA Maxi Kalmar" ~ "Ica maxi, Kalmar")."""
    folded = fold_name(name)
    candidates = Employer.objects.filter(municipality_id=municipality_id)
    if unit_id is not None:
        # One register per region: a possible duplicate is looked for in the unit's region.
        candidates = candidates.filter(region__units=unit_id)
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    dismissed = not_duplicate_pairs([exclude_id]) if exclude_id is not None else set()
    found = []
    for employer in candidates.only("pk", "name", "municipality_id", "orgnr"):
        if exclude_id is not None and _pair(exclude_id, employer.pk) in dismissed:
            continue
        score = fuzz.token_sort_ratio(folded, fold_name(employer.name))
        if score >= FUZZY_DUPLICATE_THRESHOLD:
            found.append(PossibleDuplicate(employer, float(score)))
    return sorted(found, key=lambda d: (-d.score, d.employer.pk))


@transaction.atomic
def employer_merge(*, keep: Employer, remove: Employer, by: User) -> Employer:
    """Move everything of ``remove`` to ``keep`` and delete ``remove``. Nothing is lost: sites,
    contacts, the contact log, profiles and logins move; empty fields of ``keep`` are filled from
    ``remove``, and its notes are appended."""
    if keep.pk == remove.pk:
        raise ValidationError({"remove": _("An employer cannot be merged with itself.")})
    ensure_can_write(by, keep)
    ensure_can_write(by, remove)
    keep = Employer.objects.select_for_update().get(pk=keep.pk)
    remove = Employer.objects.select_for_update().get(pk=remove.pk)
    moved = employer_merge_preview(remove=remove)
    removed = {"id": remove.pk, "name": remove.name, "orgnr": remove.orgnr}
    Site.objects.filter(employer=remove).update(employer=keep)
    ContactPerson.objects.filter(employer=remove).update(employer=keep)
    Interaction.objects.filter(employer=remove).update(employer=keep)
    TaskProfile.objects.filter(employer=remove).update(employer=keep)
    EmployerMembership.objects.filter(employer=remove).update(employer=keep)
    _move_other_references(remove, keep)
    announce_rows(Employer)  # sites, profiles and consents moved in bulk: anything may differ
    for field in ("industry", "size_class", "owner", "website"):
        if not getattr(keep, field) and getattr(remove, field):
            setattr(keep, field, getattr(remove, field))
    orgnr = remove.orgnr
    merged_note = _("Merged from “%(name)s” (%(orgnr)s) on %(date)s.") % {
        "name": remove.name,
        "orgnr": orgnr or "–",
        "date": timezone.localdate().isoformat(),
    }
    keep.notes = "\n\n".join(part for part in (keep.notes, remove.notes, merged_note) if part)
    remove.delete()
    if not keep.orgnr and orgnr:
        keep.orgnr = orgnr
    keep.full_clean()
    keep.save()
    _audit_merge(keep=keep, removed=removed, moved=moved, by=by)
    return keep


def employer_merge_preview(*, remove: Employer) -> dict[str, list[str]]:
    """What a merge would move from ``remove``: the names of its sites, contacts, profiles, logins
    and the number of contact-log entries. Shown before the merge and kept in the audit log."""
    return {
        "sites": [s.name for s in remove.sites.all()],
        "contacts": [c.name for c in remove.contacts.all()],
        "task_profiles": [p.title for p in remove.task_profiles.all()],
        "logins": [m.user.get_username() for m in remove.memberships.select_related("user")],
        "interactions": [str(remove.interactions.count())],
    }


def _audit_merge(*, keep: Employer, removed: dict, moved: dict, by: User) -> None:
    from auditlog.models import LogEntry

    LogEntry.objects.log_create(
        keep,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        actor=by,
        changes={"merged_from": [f"{removed['name']} ({removed['orgnr'] or '–'})", keep.name]},
        additional_data={"merge": {"removed": removed, "moved": moved}},
    )


def possible_duplicates_of(employer: Employer) -> list[PossibleDuplicate]:
    """``find_possible_duplicates`` for an employer's own page, kept in the shared cache until an
    employer or a "not a duplicate" mark changes (issue 22: the fuzzy comparison with every
    employer of the municipality is otherwise paid on each visit)."""
    from core.choice_cache import cached_choices

    return cached_choices(
        "employer-duplicates",
        f"{employer.pk}:{employer.unit_id}",
        lambda: find_possible_duplicates(
            name=employer.name,
            municipality_id=employer.municipality_id,
            exclude_id=employer.pk,
            unit_id=employer.unit_id,
        ),
    )


def employer_merges(employer: Employer) -> list[dict]:
    """The merges recorded for an employer, newest first: who, when, which record and what moved."""
    from auditlog.models import LogEntry

    entries = (
        LogEntry.objects.get_for_object(employer)
        .filter(additional_data__has_key="merge")
        .select_related("actor")
    )
    return [
        {
            "at": e.timestamp,
            "by": e.actor,
            "removed": e.additional_data["merge"]["removed"],
            "moved": e.additional_data["merge"]["moved"],
        }
        for e in entries.order_by("-timestamp")
    ]


def _pair(a_id: int, b_id: int) -> tuple[int, int]:
    return (a_id, b_id) if a_id < b_id else (b_id, a_id)


@transaction.atomic
def not_duplicate_mark(*, a: Employer, b: Employer, by: User) -> NotDuplicate:
    """Record that two employers are different organisations: the pair is never proposed again."""
    if a.pk == b.pk:
        raise ValidationError({"b": _("An employer cannot be paired with itself.")})
    ensure_can_write(by, a)
    ensure_can_write(by, b)
    low, high = _pair(a.pk, b.pk)
    mark, _created = NotDuplicate.objects.get_or_create(
        low_id=low, high_id=high, defaults={"by": by}
    )
    return mark


def not_duplicate_pairs(employer_ids: Iterable[int] | None = None) -> set[tuple[int, int]]:
    qs = NotDuplicate.objects.all()
    if employer_ids is not None:
        ids = list(employer_ids)
        qs = qs.filter(Q(low_id__in=ids) | Q(high_id__in=ids))
    return set(qs.values_list("low_id", "high_id"))


def duplicate_pairs(employers) -> list[tuple[Employer, Employer, float]]:
    """Possible duplicate pairs among ``employers`` (each once), leaving out pairs marked as
    not duplicates. Both the API and the pages list pairs with this.

    The same rule as ``find_possible_duplicates`` for each employer (same municipality, the
    region of the employer's unit, a fuzzy name match), with the candidates read once for all
    of them rather than once per employer (issue 22: the page grew two queries per employer)."""
    from core.models import Unit

    employers = list(employers)
    dismissed = not_duplicate_pairs()
    region_of_unit = dict(
        Unit.objects.filter(pk__in={e.unit_id for e in employers if e.unit_id}).values_list(
            "pk", "region_id"
        )
    )
    by_municipality: dict[str, list[tuple[Employer, str]]] = {}
    for candidate in Employer.objects.filter(
        municipality_id__in={e.municipality_id for e in employers}
    ).only("pk", "name", "municipality_id", "orgnr", "region_id"):
        by_municipality.setdefault(candidate.municipality_id, []).append(
            (candidate, fold_name(candidate.name))
        )
    pairs, seen = [], set()
    for employer in employers:
        folded = fold_name(employer.name)
        region = region_of_unit.get(employer.unit_id) if employer.unit_id is not None else None
        found = []
        for candidate, candidate_folded in by_municipality.get(employer.municipality_id, ()):
            if candidate.pk == employer.pk:
                continue
            if employer.unit_id is not None and (region is None or candidate.region_id != region):
                continue  # one register per region: looked for in the unit's region
            score = fuzz.token_sort_ratio(folded, candidate_folded)
            if score >= FUZZY_DUPLICATE_THRESHOLD:
                found.append(PossibleDuplicate(candidate, float(score)))
        for dupe in sorted(found, key=lambda d: (-d.score, d.employer.pk)):
            key = _pair(employer.pk, dupe.employer.pk)
            if key in seen or key in dismissed:
                continue
            seen.add(key)
            pairs.append((employer, dupe.employer, dupe.score))
    return pairs


def _move_other_references(remove: Employer, keep: Employer) -> None:
    """Other apps (consents, statistics) may point at employers too: move every such reference."""
    for relation in Employer._meta.related_objects:
        if relation.related_model in (
            Site,
            ContactPerson,
            Interaction,
            TaskProfile,
            EmployerMembership,
        ):
            continue
        if relation.many_to_many or relation.one_to_many:
            if relation.many_to_many:
                continue
            relation.related_model._base_manager.filter(**{relation.field.name: remove}).update(
                **{relation.field.name: keep}
            )
