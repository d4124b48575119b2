"""Ranked, explained matches for people (guides) and the stored suggestions behind lists."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.compiled import CompiledRows
from core.exceptions import DomainError
from employers.models import TaskProfile
from matching.engine import Explanation, Match
from matching.engine.config import REASONS
from matching.explanations import _ as _fast
from matching.explanations import breakdown, label, num, one_language, reason_text, transit_text
from matching.features import UnitEngine, unit_engine
from matching.models import MatchSuggestion, Participant
from matching.participants.selectors import ended_collaborations

REASON_TEXT = {
    "adaptation_not_offered": gettext_lazy("an adaptation the participant needs is not offered"),
    "validation_missing": gettext_lazy("a required validation is missing"),
    "hours_incompatible": gettext_lazy("the hours do not fit"),
    "outside_commute_reach": gettext_lazy("outside the participant's commute reach"),
    "profile_not_open_or_full": gettext_lazy("the profile is not open or has no free slot"),
    "no_consent": gettext_lazy("no valid consent to share with this employer"),
    "licence_missing": gettext_lazy("a required licence or legitimation is missing"),
    "must_skill_missing": gettext_lazy("a must-have skill is missing"),
}
assert set(REASON_TEXT) == set(REASONS.values())


class NotInMatching(DomainError):
    default_message = (
        "The participant or profile is not part of matching (inactive, draft or closed)."
    )
    default_field = "non_field_errors"


def _explained_all(ue: UnitEngine, explanations: list[Explanation]) -> list[dict]:
    with one_language():
        return [_explained(ue, e) for e in explanations]


def _explained(ue: UnitEngine, explanation: Explanation) -> dict:
    m, labels = explanation.match, ue.labels
    return {
        **_plain(m),
        "breakdown": breakdown(m.components, explanation.details),
        "reasons": [
            {
                "code": r.code,
                "label": label(REASON_TEXT[r.code]),
                "text": reason_text(r, labels),
                "params": r.params,
            }
            for r in explanation.reasons
        ],
        "matched_skills": [labels.skill(k) for k in explanation.matched_skills],
        "related_skills": [
            {"skill": labels.skill(k), "via": labels.skill(via), "similarity": round(sim, 2)}
            for k, via, sim in explanation.related_skills
        ],
        "missing_skills": [
            {"skill": labels.skill(k), "required": req} for k, req in explanation.missing_skills
        ],
        "validations_counting": [
            _validation_label(ue, v) for v in explanation.validations_counting
        ],
        "validations_missing": [_validation_label(ue, v) for v in explanation.validations_missing],
        "needs_met": [labels.name("adaptations", a) for a in explanation.needs_met],
        "needs_unmet": [labels.name("adaptations", a) for a in explanation.needs_unmet],
        "travel_minutes": {
            means: minutes
            for means, minutes in explanation.travel_minutes.items()
            if means != "public_transport"  # said by ``transit`` below, from the timetable or not
        },
        "transit": _transit(ue, explanation),
        "reach_km": round(explanation.reach_km, 1),
        "hours_overlap": list(explanation.hours_overlap) if explanation.hours_overlap else None,
    }


def _transit(ue: UnitEngine, explanation: Explanation) -> dict | None:
    """The public-transport trip of a match: the timetable's where it covers the pair, else the
    estimate, marked as one. None for a person who does not travel by public transport."""
    estimate = explanation.travel_minutes.get("public_transport")
    m = explanation.match
    trip = None
    if explanation.timetable_minutes is not None and ue.transit is not None:
        trip = ue.transit.trip(m.participant_id, m.profile_id)
    if trip is None and estimate is None:
        return None
    return {"text": transit_text(trip, estimate), "estimated": trip is None}


def _validation_label(ue: UnitEngine, item) -> str:
    if item[0] == "ocn":
        module = ue.labels.name("modules", item[1])
        if item[2] and item[2] != item[3]:
            return _fast("OCN: %(module)s level %(level)s (certified at level %(certified)s)") % {
                "module": module,
                "level": item[3],
                "certified": item[2],
            }
        return _fast("OCN: %(module)s level %(level)s") % {"module": module, "level": item[3]}
    if item[0] == "kga":
        return _fast("KGA: %(competence)s %(level)s of %(required)s required") % {
            "competence": ue.labels.name("competences", item[1]),
            "level": num(item[2]),
            "required": num(item[3]),
        }
    return _fast("validated skill: %(s)s") % {"s": ue.labels.skill(item[1])}


_EMPLOYERS = CompiledRows(
    lambda ids: TaskProfile.objects.filter(pk__in=ids).values_list("pk", "employer_id"), ids=[]
)


def _flag_ended(matches: list[dict]) -> list[dict]:
    """Mark each match whose employer already ended a placement of the participant ("Ended
    24/11/2026 at this employer"), so after an early end the employer that just ended it is not
    silently ranked first again. The engine's scores stay as they are; the flag is for the guide."""
    for m in matches:
        m.setdefault("flags", [])
    if not matches:
        return matches
    ended = ended_collaborations({m["participant"] for m in matches})
    if not ended:
        return matches
    employer_of = dict(_EMPLOYERS.rows(ids=[m["task_profile"] for m in matches]))
    with one_language():
        for m in matches:
            on = ended.get(m["participant"], {}).get(employer_of.get(m["task_profile"]))
            if on is not None:
                m["flags"].append(
                    {
                        "code": "ended_here",
                        "on": on.isoformat(),
                        "text": _fast("Ended %(date)s: a placement at this employer")
                        % {"date": formats.date_format(on, "SHORT_DATE_FORMAT")},
                    }
                )
    return matches


def _plain(m: Match) -> dict:
    return {
        "participant": m.participant_id,
        "task_profile": m.profile_id,
        "score": round(m.score, 4),
        "components": {k: round(v, 4) for k, v in m.components.items()},
        "excluded": m.excluded,
        "reasons": [
            {"code": r, "label": label(REASON_TEXT[r]), "text": label(REASON_TEXT[r])}
            for r in m.reasons
        ],
        "distance_km": None if m.distance_km is None else round(m.distance_km, 1),
    }


def rank_profiles_for(
    participant: Participant,
    *,
    limit: int = 20,
    kind: str | None = None,
    max_distance_km: float | None = None,
    include_excluded: bool = False,
) -> list[dict]:
    """The best open profiles for a participant, each explained."""
    ue = unit_engine(participant.unit_id)
    try:
        ue.engine.participant_row(participant.pk)
    except KeyError as exc:
        raise NotInMatching(_("The participant is not active in matching.")) from exc
    matches = ue.engine.rank_profiles(
        participant.pk,
        limit=limit,
        kind=kind,
        max_distance_km=max_distance_km,
        include_excluded=include_excluded,
    )
    # Explained from the ranking's own scores: nothing is scored twice.
    return _flag_ended(_explained_all(ue, ue.engine.explain_matches(matches)))


def rank_participants_for(
    profile: TaskProfile, *, limit: int = 20, include_excluded: bool = False
) -> list[dict]:
    """The best participants for a profile (staff only), each explained."""
    ue = unit_engine(profile.unit_id)
    try:
        ue.engine.profile_row(profile.pk)
    except KeyError as exc:
        raise NotInMatching(_("Draft and closed profiles are not matched.")) from exc
    matches = ue.engine.rank_participants(
        profile.pk, limit=limit, include_excluded=include_excluded
    )
    return _flag_ended(_explained_all(ue, ue.engine.explain_matches(matches)))


MATCH_STATES = ("all", "included", "excluded")


@dataclass(frozen=True)
class MatchFilter:
    """What a person narrows a ranked list to. ``text`` searches the other side of the pair: a
    profile's title, employer and occupation (or a participant's code, home locality and desired
    occupations); ``municipality`` is the site's (or the participant's) municipality code;
    ``state`` keeps included or excluded pairs, or all. The rank order is never changed."""

    text: str = ""
    municipality: str | None = None
    state: str = "all"

    def __post_init__(self):
        if self.state not in MATCH_STATES:
            raise ValueError(self.state)

    @property
    def narrows_by_record(self) -> bool:
        return bool(self.text.strip() or self.municipality)


def _contains(fields: tuple[str, ...], text: str) -> Q:
    """Case-insensitive "contains" over ``fields``. SQLite's LIKE folds only ASCII, so Å, Ä and Ö
    are also tried in the spellings people type (as typed, lower, upper, capitalised)."""
    q = Q()
    for variant in {text, text.lower(), text.upper(), text.capitalize()}:
        for field in fields:
            q |= Q(**{f"{field}__icontains": variant})
    return q


def _profiles_matching(f: MatchFilter) -> set[int]:
    qs = TaskProfile.objects.all()
    if text := f.text.strip():
        qs = qs.filter(_contains(("title", "employer__name", "occupation__label"), text))
    if f.municipality:
        qs = qs.filter(site__municipality_id=f.municipality)
    return set(qs.values_list("pk", flat=True))


def _participants_matching(f: MatchFilter) -> set[int]:
    qs = Participant.objects.all()
    if text := f.text.strip():
        qs = qs.filter(_contains(("code", "home_locality", "desired_occupations__label"), text))
    if f.municipality:
        qs = qs.filter(municipality_id=f.municipality)
    return set(qs.values_list("pk", flat=True))


def rank_page(
    *,
    participant: Participant | None = None,
    profile: TaskProfile | None = None,
    page: int = 1,
    page_size: int = 50,
    kind: str | None = None,
    max_distance_km: float | None = None,
    filters: MatchFilter | None = None,
) -> tuple[int, list[dict]]:
    """Every profile for a participant (or every participant for a profile), excluded ones too,
    one page at a time: (total count, the page's explained matches). Only the page is explained.
    ``filters`` narrow the ranked list (in rank order) before it is cut into pages, so a page
    and the count are of what the person searched for."""
    if participant is not None:
        ue = unit_engine(participant.unit_id)
        try:
            ue.engine.participant_row(participant.pk)
        except KeyError as exc:
            raise NotInMatching(_("The participant is not active in matching.")) from exc
        matches = ue.engine.rank_profiles(
            participant.pk,
            limit=max(ue.engine.tables.profiles.size, 1),
            kind=kind,
            max_distance_km=max_distance_km,
            include_excluded=True,
        )
    else:
        ue = unit_engine(profile.unit_id)
        try:
            ue.engine.profile_row(profile.pk)
        except KeyError as exc:
            raise NotInMatching(_("Draft and closed profiles are not matched.")) from exc
        matches = ue.engine.rank_participants(
            profile.pk, limit=max(ue.engine.tables.participants.size, 1), include_excluded=True
        )
    if filters is not None:
        if filters.state == "included":
            matches = [m for m in matches if not m.excluded]
        elif filters.state == "excluded":
            matches = [m for m in matches if m.excluded]
        if filters.narrows_by_record:
            if participant is not None:
                keep = _profiles_matching(filters)
                matches = [m for m in matches if m.profile_id in keep]
            else:
                keep = _participants_matching(filters)
                matches = [m for m in matches if m.participant_id in keep]
    chosen = matches[(page - 1) * page_size : page * page_size]
    # Explained from the ranking's own scores: the page is neither scored again nor pair by pair.
    return len(matches), _flag_ended(_explained_all(ue, ue.engine.explain_matches(chosen)))


def explain_pair(participant: Participant, profile: TaskProfile) -> dict:
    if not profile.is_open_to_unit(participant.unit):
        raise NotInMatching(_("The participant and the profile belong to different units."))
    ue = unit_engine(participant.unit_id)
    try:
        explained = _explained(ue, ue.engine.explain(participant.pk, profile.pk))
    except KeyError as exc:
        raise NotInMatching() from exc
    return _flag_ended([explained])[0]


@transaction.atomic
def suggestions_store_for_participant(
    participant_id: int, ranked: list[tuple[int, float]], breakdowns: dict | None = None
) -> None:
    MatchSuggestion.objects.filter(participant_id=participant_id).delete()
    now = timezone.now()
    MatchSuggestion.objects.bulk_create(
        [
            MatchSuggestion(
                participant_id=participant_id,
                task_profile_id=rid,
                score=score,
                rank=i + 1,
                computed_at=now,
                breakdown=(breakdowns or {}).get(rid, {}),
            )
            for i, (rid, score) in enumerate(ranked)
        ]
    )


def suggestions_refresh_participant(participant_id: int, *, limit: int = 20) -> int:
    participant = Participant.objects.filter(pk=participant_id, active=True).first()
    if participant is None:
        MatchSuggestion.objects.filter(participant_id=participant_id).delete()
        return 0
    ue = unit_engine(participant.unit_id)
    matches = ue.engine.rank_profiles(participant.pk, limit=limit)
    suggestions_store_for_participant(
        participant.pk,
        [(m.profile_id, m.score) for m in matches],
        {m.profile_id: m.components for m in matches},
    )
    return len(matches)


@transaction.atomic
def suggestions_refresh_profile(profile_id: int, *, limit: int = 50) -> int:
    """Re-rank one profile's participants; its stored pairs are replaced."""
    profile = TaskProfile.objects.select_related("employer").filter(pk=profile_id).first()
    MatchSuggestion.objects.filter(task_profile_id=profile_id).delete()
    if profile is None:
        return 0
    ue = unit_engine(profile.unit_id)
    try:
        matches = ue.engine.rank_participants(profile.pk, limit=limit)
    except KeyError:
        return 0
    now = timezone.now()
    MatchSuggestion.objects.bulk_create(
        [
            MatchSuggestion(
                participant_id=m.participant_id,
                task_profile_id=profile_id,
                score=m.score,
                rank=i + 1,
                computed_at=now,
                breakdown=m.components,
            )
            for i, m in enumerate(matches)
        ]
    )
    return len(matches)
