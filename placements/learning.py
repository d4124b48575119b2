"""Weights learned from the unit's own outcomes (issue 25): the Django side.

Gathers the unit's placements with a known outcome, takes the engine's own component scores for
each placement's (participant, profile) pair, hands them to ``matching.engine.learning`` and stores
the result as a ``WeightProposal`` with a fairness report. It lives in ``placements`` because it
reads placements (matching sits below placements and may not import them); deciding on a proposal
(accept, reject, roll back) is in ``matching.services.learning``.

Component scores are computed with the reference scorer from the records AS THEY ARE NOW, not from
a stored suggestion: stored suggestions are replaced on every recomputation and exist only for pairs
the engine once suggested, while the now-records exist for every placement, so every outcome is
scored the same way. The cost: a participant's record may have grown since (skills gained in the
practice), which flatters the skills component a little for placements that lasted.

Gender and age are read only for the fairness report, after the fit; they are never features.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.models import Skill, Unit, User
from employers.choices import ProfileStatus
from employers.models import TaskProfile
from matching.choices import Gender
from matching.engine import COMPONENTS, Engine, Weights, score_pair
from matching.engine.learning import LearningSettings, learn_weights
from matching.engine.related import related_skills
from matching.features import participant_records, profile_records, unit_engine
from matching.models import Participant, ProposalStatus, WeightProposal
from matching.services.learning import current_weights, ensure_may_learn
from placements import rules
from placements.choices import PlacementKind, PlacementStatus
from placements.models import Placement

DEFAULTS = {
    "min_outcomes": 40,
    "min_per_class": 10,
    "auc_margin": 0.02,
    "p_value": 0.05,
    "fairness_bound_pp": 10.0,  # a gap may not widen by more than this many percentage points
    "sample_profiles": 30,  # open profiles whose top-10 lists are compared
    "top": 10,
}
AGE_GROUPS = (("18-24", 18, 24), ("25-29", 25, 29), ("30-49", 30, 49), ("50+", 50, 200))


def config() -> dict:
    return {**DEFAULTS, **getattr(settings, "LEARNED_WEIGHTS", {})}


def outcome(p: Placement, today: dt.date) -> bool | None:
    """True: lasted; False: ended early; None: not known (yet), or not a placement that counts.

    An employment lasted when it was still held three months (the keep period) after hiring; it
    ended early when it ended before that, or ended in få before anyone was hired. A practice or
    work trial lasted when it ended on or after its planned end, and ended early before it. Study
    visits, placements that never started and practices without a planned end do not count."""
    if p.kind == PlacementKind.STUDY_VISIT or p.started_on is None:
        return None
    ended = p.status == PlacementStatus.ENDED
    if p.kind == PlacementKind.EMPLOYMENT:
        if p.hired_on is None:
            return False if ended else None
        keep_end = rules.keep_phase_end(p.hired_on)
        if p.ended_early or (p.ended_on is not None and p.ended_on < keep_end):
            return False
        return True if keep_end <= today else None
    if not ended or p.ended_on is None or p.planned_end is None:
        return None
    return p.ended_on >= p.planned_end


def gather(unit: Unit, today: dt.date):
    """(placements, X, lasted, started) for the unit's placements with a known outcome."""
    placements = list(
        Placement.objects.filter(participant__unit=unit, imported=False)
        .exclude(started_on=None)
        .order_by("started_on", "pk")
    )
    known = [(p, o) for p in placements if (o := outcome(p, today)) is not None]
    if not known:
        return [], np.zeros((0, len(COMPONENTS))), np.zeros(0, bool), np.zeros(0)
    participants = Participant.objects.filter(pk__in={p.participant_id for p, _o in known})
    profiles = TaskProfile.objects.filter(pk__in={p.task_profile_id for p, _o in known})
    p_records = {r.id: r for r in participant_records(list(participants.order_by("pk")))}
    r_records = {
        r.id: r
        for r in profile_records(list(profiles.select_related("site", "employer").order_by("pk")))
    }
    keys = {k for rec in (*p_records.values(), *r_records.values()) for k in rec.skills}
    names = dict(
        Skill.objects.filter(pk__in=[k for k in keys if not isinstance(k, tuple)]).values_list(
            "pk", "label"
        )
    )
    related = related_skills(
        {k: (k[1] if isinstance(k, tuple) else names.get(k, str(k))) for k in keys}
    )
    rows, lasted, started = [], [], []
    for p, o in known:
        _score, components, _reasons, _km = score_pair(
            p_records[p.participant_id], r_records[p.task_profile_id], Weights(), related=related
        )
        rows.append([components[name] for name in COMPONENTS])
        lasted.append(o)
        started.append(p.started_on.toordinal())
    return [p for p, _o in known], np.array(rows), np.array(lasted), np.array(started)


def _age_group(birth_year: int | None, year: int) -> str | None:
    if not birth_year:
        return None
    age = year - birth_year
    return next((name for name, low, high in AGE_GROUPS if low <= age <= high), None)


def _shares(ids: list[int], people: dict[int, tuple[str, str | None]]) -> dict:
    total = len(ids)
    genders = Counter(people[i][0] for i in ids)
    ages = Counter(people[i][1] for i in ids)

    def share(n):
        return round(100.0 * n / total, 1) if total else None

    return {
        "slots": total,
        "women": share(genders[Gender.WOMAN]),
        "men": share(genders[Gender.MAN]),
        "ages": {name: share(ages[name]) for name, _l, _h in AGE_GROUPS},
    }


def top_lists(unit: Unit, old: dict[str, float], new: dict[str, float], cfg: dict) -> list[dict]:
    """Top lists of a sample of the unit's open profiles under today's and the proposed weights
    (the unit's current engine, only its weights swapped)."""
    engine = unit_engine(unit.pk).engine
    before = Engine.from_tables(engine.tables, weights=Weights(**old))
    after = Engine.from_tables(engine.tables, weights=Weights(**new))
    ids = {int(i) for i in engine.tables.profiles.ids.tolist()}
    open_ids = sorted(
        TaskProfile.objects.filter(pk__in=ids, status=ProfileStatus.OPEN).values_list(
            "pk", flat=True
        )
    )[: cfg["sample_profiles"]]
    out = []
    for pid in open_ids:
        b = [m.participant_id for m in before.rank_participants(pid, limit=cfg["top"])]
        a = [m.participant_id for m in after.rank_participants(pid, limit=cfg["top"])]
        out.append({"profile": pid, "before": b, "after": a, "overlap": len(set(a) & set(b))})
    return out


def fairness_report(
    lists: list[dict], placements: list[Placement], lasted: np.ndarray, cfg: dict, year: int
) -> tuple[dict, bool]:
    """Shares of women/men and age groups among the top lists before and after, outcomes by
    gender, and flags where the proposal widens a gap by more than the configured bound."""
    pids = {i for row in lists for i in (*row["before"], *row["after"])}
    pids |= {p.participant_id for p in placements}
    people = {
        pk: (gender, _age_group(birth, year))
        for pk, gender, birth in Participant.objects.filter(pk__in=pids).values_list(
            "pk", "gender", "birth_year"
        )
    }
    before = _shares([i for row in lists for i in row["before"]], people)
    after = _shares([i for row in lists for i in row["after"]], people)
    bound = float(cfg["fairness_bound_pp"])
    flags = []
    if before["slots"] and after["slots"]:
        gap_before = abs((before["women"] or 0) - (before["men"] or 0))
        gap_after = abs((after["women"] or 0) - (after["men"] or 0))
        if gap_after - gap_before > bound:
            flags.append({"group": "gender", "before": gap_before, "after": gap_after})
        for name, _l, _h in AGE_GROUPS:
            drop = (before["ages"][name] or 0) - (after["ages"][name] or 0)
            if drop > bound:
                flags.append(
                    {"group": name, "before": before["ages"][name], "after": after["ages"][name]}
                )
    outcomes = {}
    for key, gender in (("women", Gender.WOMAN), ("men", Gender.MAN)):
        mine = [
            bool(o)
            for p, o in zip(placements, lasted, strict=True)
            if people.get(p.participant_id, ("",))[0] == gender
        ]
        outcomes[key] = {
            "outcomes": len(mine),
            "lasted_share": round(100.0 * sum(mine) / len(mine), 1) if mine else None,
        }
    report = {
        "bound_pp": bound,
        "before": before,
        "after": after,
        "outcomes_by_gender": outcomes,
        "flags": flags,
    }
    return report, bool(flags)


@transaction.atomic
def weight_proposal_create(*, by: User, unit: Unit) -> WeightProposal:
    """Fit the unit's weights to its outcomes and store the result. Changes no weights: a manager
    accepts or rejects it. When there is too little data or no signal, the stored result says so
    (status ``nothing``) and proposes nothing."""
    ensure_may_learn(by, unit)
    cfg = config()
    today = timezone.localdate()
    current = current_weights(unit)
    placements, X, lasted, started = gather(unit, today)
    result = learn_weights(
        X,
        lasted,
        started,
        Weights(**current),
        LearningSettings(
            min_outcomes=cfg["min_outcomes"],
            min_per_class=cfg["min_per_class"],
            auc_margin=cfg["auc_margin"],
            p_value=cfg["p_value"],
        ),
    )
    proposal = WeightProposal(
        unit=unit,
        current=result.current,
        proposed=result.proposed,
        reasons=result.reasons,
        figures=result.figures,
        created_by=by,
        status=ProposalStatus.PROPOSED if result.proposed else ProposalStatus.NOTHING,
    )
    if result.proposed:
        lists = top_lists(unit, result.current, result.proposed, cfg)
        proposal.figures["top_lists"] = {
            "profiles": len(lists),
            "mean_overlap": round(float(np.mean([r["overlap"] for r in lists])), 2)
            if lists
            else None,
            "top": cfg["top"],
            "rows": [
                {"profile": r["profile"], "overlap": r["overlap"], "size": len(r["before"])}
                for r in lists
            ],
        }
        proposal.fairness, proposal.flagged = fairness_report(
            lists, placements, lasted, cfg, today.year
        )
    proposal.full_clean()
    proposal.save()
    return proposal
