"""Rankings and explanations on top of the scorer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from matching.engine import config as c
from matching.engine.records import ParticipantRecord, ProfileRecord
from matching.engine.related import effective_strengths
from matching.engine.scoring import BlockResult, reason_codes, score_block, top_k
from matching.engine.tables import Tables, build_tables, own_strengths
from matching.engine.transit_times import TransitGrid


@dataclass
class Match:
    participant_id: int
    profile_id: int
    score: float
    components: dict[str, float]
    reasons: list[str]
    distance_km: float | None

    @property
    def excluded(self) -> bool:
        return bool(self.reasons)


@dataclass(frozen=True)
class Reason:
    """One concrete failure behind an exclusion: a code from ``config.REASONS`` and the facts a
    reader needs (ids, numbers). The Django side turns it into a sentence in the reader's language."""

    code: str
    params: dict = field(default_factory=dict)


@dataclass
class Explanation:
    match: Match
    matched_skills: list = field(default_factory=list)  # keys the participant has
    related_skills: list = field(default_factory=list)  # (profile key, participant key, similarity)
    missing_skills: list = field(default_factory=list)  # (key, required)
    # ("ocn", module, certified level, required level) / ("kga", competence, level, min) /
    # ("skill", key) for a validated skill the profile asks for
    validations_counting: list = field(default_factory=list)
    validations_missing: list = field(default_factory=list)
    needs_met: list = field(default_factory=list)
    needs_unmet: list = field(default_factory=list)
    travel_minutes: dict = field(default_factory=dict)
    reach_km: float = 0.0
    reach_basis: str = "default"  # "own_km", "own_minutes" or "default"
    reach_means: str = "walk"  # the way of travelling that gives the reach
    hours_overlap: tuple | None = None  # (from, to) when the hours overlap, else None
    # Public transport from the unit's timetable: minutes (inf: no journey) and the limit; None
    # when the timetable does not cover the pair (then ``travel_minutes`` holds the estimate).
    timetable_minutes: float | None = None
    timetable_limit: float | None = None
    reasons: list[Reason] = field(default_factory=list)
    details: dict[str, dict] = field(default_factory=dict)  # component → the facts behind it


REQUIREMENT_CODES = (c.REASONS[c.REASON_LICENCE], c.REASONS[c.REASON_MUST_SKILL])


def requirement_reasons(code: str, p: ParticipantRecord, r: ProfileRecord) -> list[Reason]:
    """One reason per licence or must-have skill the profile requires and the participant lacks
    (sorted, so the explanation reads the same every time)."""
    if code == c.REASONS[c.REASON_LICENCE]:
        return [Reason(code, {"licence": k}) for k in sorted(r.required_licences - p.licences)]
    missing = sorted((k for k in r.must_skills if k not in p.skills), key=str)
    return [Reason(code, {"skill": k}) for k in missing]


class Engine:
    """Holds the feature tables of one unit (or a whole batch) and answers ranking questions."""

    def __init__(
        self,
        participants: list[ParticipantRecord],
        profiles: list[ProfileRecord],
        *,
        weights: c.Weights | None = None,
        related: dict | None = None,
        travel: c.TravelModel | None = None,
    ) -> None:
        self.weights = weights or c.Weights()
        self.tables: Tables = build_tables(participants, profiles, related=related, travel=travel)
        self.transit: TransitGrid | None = None
        # (a weak reference to the engine this one was patched from, the participant rows
        # replaced in place) when only those changed: the travel-time grid follows them alone.
        self.replaced_rows: tuple | None = None
        self._index_rows()

    @classmethod
    def from_tables(
        cls, tables: Tables, *, weights: c.Weights | None = None, rows_of: Engine | None = None
    ) -> Engine:
        """An engine over tables built elsewhere (loaded from disk, or patched). ``rows_of``: an
        engine whose tables hold the same ids in the same rows, whose indexes are shared."""
        engine = cls.__new__(cls)
        engine.weights = weights or c.Weights()
        engine.tables = tables
        engine.transit = None
        engine.replaced_rows = None
        if rows_of is not None:
            engine._participant_row, engine._profile_row = (
                rows_of._participant_row,
                rows_of._profile_row,
            )
        else:
            engine._index_rows()
        return engine

    def with_transit(self, transit: TransitGrid | None) -> Engine:
        """This engine's tables and weights with timetable travel times (a new engine object;
        the tables are shared, not copied)."""
        engine = Engine.from_tables(self.tables, weights=self.weights, rows_of=self)
        engine.transit = transit
        return engine

    def _search_reach(self) -> np.ndarray:
        """How far each participant may reach a site (timetable trips included)."""
        if self.transit is not None:
            return self.transit.search_reach_km
        return self.tables.participants.reach_km

    def _index_rows(self) -> None:
        self._participant_row = {
            int(pid): i for i, pid in enumerate(self.tables.participants.ids.tolist())
        }
        self._profile_row = {int(rid): i for i, rid in enumerate(self.tables.profiles.ids.tolist())}

    # --- lookups ------------------------------------------------------------------------------
    def participant_row(self, participant_id: int) -> int:
        return self._participant_row[participant_id]

    def profile_row(self, profile_id: int) -> int:
        return self._profile_row[profile_id]

    def _match(self, block: BlockResult, b: int, n: int) -> Match:
        distance = float(block.distance_km[b, n])
        return Match(
            participant_id=int(self.tables.participants.ids[block.rows[b]]),
            profile_id=int(self.tables.profiles.ids[block.cols[n]]),
            score=float(block.scores[b, n]),
            components={name: float(block.components[name][b, n]) for name in c.COMPONENTS},
            reasons=reason_codes(int(block.reasons[b, n])),
            distance_km=None if not np.isfinite(distance) else distance,
        )

    # --- rankings -----------------------------------------------------------------------------
    def rank_profiles(
        self,
        participant_id: int,
        *,
        limit: int = 20,
        kind: str | None = None,
        max_distance_km: float | None = None,
        include_excluded: bool = False,
        employer_facing: bool = False,
    ) -> list[Match]:
        """The best task profiles for one participant."""
        row = self.participant_row(participant_id)
        pt, pr = self.tables.participants, self.tables.profiles
        cols = None
        radius = None if include_excluded else float(self._search_reach()[row])
        if max_distance_km is not None:
            radius = max_distance_km if radius is None else min(radius, max_distance_km)
        if radius is not None and pt.has_coords[row]:
            # Only profiles within reach can be included: a BallTree radius search narrows the block.
            cols = pr.radius_index().within(pt.lat[row], pt.lon[row], radius * (1 + 1e-9))
        block = score_block(
            self.tables,
            np.array([row]),
            cols,
            self.weights,
            employer_facing=employer_facing,
            transit=self.transit,
        )
        include = np.ones(len(block.cols), dtype=bool) if include_excluded else ~block.excluded[0]
        if kind is not None:
            include &= pr.kind[block.cols] == kind
        if max_distance_km is not None:
            include &= block.distance_km[0] <= max_distance_km
        chosen = top_k(block.scores[0], pr.ids[block.cols], limit, include)
        return [self._match(block, 0, n) for n in chosen]

    def rank_participants(
        self,
        profile_id: int,
        *,
        limit: int = 20,
        include_excluded: bool = False,
        employer_facing: bool = False,
    ) -> list[Match]:
        """The best participants for one profile."""
        col = self.profile_row(profile_id)
        pt, pr = self.tables.participants, self.tables.profiles
        rows = np.arange(pt.size)
        if not include_excluded and pr.has_coords[col] and pt.size:
            # Nobody farther away than the longest reach can be included.
            rows = pt.radius_index().within(
                pr.lat[col], pr.lon[col], float(self._search_reach().max()) * (1 + 1e-9)
            )
        block = score_block(
            self.tables,
            rows,
            np.array([col]),
            self.weights,
            employer_facing=employer_facing,
            transit=self.transit,
        )
        scores = block.scores[:, 0]
        include = np.ones(len(scores), dtype=bool) if include_excluded else ~block.excluded[:, 0]
        chosen = top_k(scores, pt.ids[block.rows], limit, include)
        return [self._match(block, b, 0) for b in chosen]

    def batch_top_k(
        self,
        *,
        k: int = 20,
        chunk: int = 64,
        employer_facing: bool = False,
        part: tuple[int, int] | None = None,
    ) -> Iterator[tuple[int, list[tuple[int, float]]]]:
        """Every participant's top ``k`` profiles, chunk by chunk (memory stays at chunk × N).

        Participants are taken in spatial order, so each chunk only needs the profiles within
        its members' reach (a BallTree query), and only pairs within reach are scored.
        ``part=(i, n)``: only the i-th of n equal slices of that order (one worker's share)."""
        pt, pr = self.tables.participants, self.tables.profiles
        order = np.lexsort((np.nan_to_num(pt.lon), np.round(np.nan_to_num(pt.lat) * 4)))
        if part is not None:
            order = np.array_split(order, part[1])[part[0]]
        index = pr.radius_index()
        for start in range(0, len(order), chunk):  # this part's rows only, never the whole order
            rows = order[start : start + chunk]
            located = rows[pt.has_coords[rows]]
            if len(located):
                cols = index.within_any(
                    pt.lat[located], pt.lon[located], self._search_reach()[located] * (1 + 1e-9)
                )
            else:
                cols = np.array([], dtype=np.int64)
            block = score_block(
                self.tables,
                rows,
                cols,
                self.weights,
                employer_facing=employer_facing,
                compact=True,
                transit=self.transit,
            )
            ids = pr.ids[block.cols]
            included = ~block.excluded
            for b, row in enumerate(rows):
                chosen = top_k(block.scores[b], ids, k, included[b])
                yield int(pt.ids[row]), [(int(ids[n]), float(block.scores[b, n])) for n in chosen]

    # --- explanation --------------------------------------------------------------------------
    def explain(
        self, participant_id: int, profile_id: int, *, employer_facing: bool = False
    ) -> Explanation:
        row, col = self.participant_row(participant_id), self.profile_row(profile_id)
        block = score_block(
            self.tables,
            np.array([row]),
            np.array([col]),
            self.weights,
            employer_facing=employer_facing,
            transit=self.transit,
        )
        return self.explain_matches([self._match(block, 0, 0)])[0]

    def explain_matches(self, matches: list[Match]) -> list[Explanation]:
        """Explanations of already scored matches (the rows a ranking returns): no pair is scored
        again, and each participant's skill strengths are worked out once for all its rows."""
        strengths: dict[int, tuple[dict, dict]] = {}
        out_list = []
        for match in matches:
            row = self.participant_row(match.participant_id)
            if row not in strengths:
                own = own_strengths(self.tables.participants.records[row])
                strengths[row] = (
                    own,
                    effective_strengths(own, self.tables.related, c.RELATED_SKILL_FACTOR),
                )
            out_list.append(
                self._explain(match, row, self.profile_row(match.profile_id), *strengths[row])
            )
        return out_list

    def _explain(self, match: Match, row: int, col: int, own: dict, effective: dict) -> Explanation:
        p: ParticipantRecord = self.tables.participants.records[row]
        r: ProfileRecord = self.tables.profiles.records[col]
        out = Explanation(match=match)
        for key, (_w, required) in sorted(r.skills.items(), key=lambda kv: (-kv[1][0], str(kv[0]))):
            if own.get(key, 0) > 0:
                out.matched_skills.append(key)
            elif effective.get(key, 0) > 0:
                via = max(
                    (
                        (k2, sim)
                        for k2, sims in self.tables.related.items()
                        for k3, sim in sims
                        if k3 == key and k2 in own
                    ),
                    key=lambda t: t[1],
                    default=(None, 0),
                )
                out.related_skills.append((key, via[0], via[1]))
            else:
                out.missing_skills.append((key, required))
        for module, level in sorted(r.ocn_required.items()):
            # The certified level counts, not the module's: a level-1 certificate never meets level 2.
            certified = int(p.certified_modules.get(module, 0))
            item = ("ocn", module, certified, int(level))
            (out.validations_counting if certified >= level else out.validations_missing).append(
                item
            )
        for comp, level in sorted(r.kga_required.items()):
            item = ("kga", comp, p.kga.get(comp, 0), level)
            (
                out.validations_counting if p.kga.get(comp, 0) >= level else out.validations_missing
            ).append(item)
        for key, (source, _lvl) in p.skills.items():
            if source == "validated" and key in r.skills:
                out.validations_counting.append(("skill", key))
        out.needs_met = sorted(p.needs & r.offered)
        out.needs_unmet = sorted(p.needs - r.offered)
        distance = out.match.distance_km
        travel = self.tables.travel
        usable = [
            m for m in p.means if m in c.MEANS and (m != "car" or (p.has_licence and p.has_car))
        ] or ["walk"]
        if distance is not None:
            out.travel_minutes = {m: round(travel.minutes(m, distance), 1) for m in usable}
        out.reach_km = float(self.tables.participants.reach_km[row])
        limit = min(float(p.own_minutes), travel.max_minutes) if p.own_minutes is not None else None
        out.reach_means = max(
            usable,
            key=lambda m: travel.reach_km(
                m, limit if limit is not None else travel.default_limits[m]
            ),
        )
        out.reach_basis = (
            "own_km"
            if p.own_km is not None and out.reach_km == float(p.own_km)
            else "own_minutes"
            if p.own_minutes is not None
            else "default"
        )
        if self.transit is not None and self.transit.covers(row, col):
            out.timetable_minutes = float(
                self.transit.pairs(np.array([row]), np.array([col]))[0, 0]
            )
            out.timetable_limit = float(self.transit.limit[row])
        low, high = max(p.hours_min, r.hours_min), min(p.hours_max, r.hours_max)
        out.hours_overlap = (low, high) if low <= high else None
        out.reasons = self._reasons(out, p, r)
        out.details = self._details(out, p, r, own)
        return out

    def _reasons(self, out: Explanation, p: ParticipantRecord, r: ProfileRecord) -> list[Reason]:
        """Each failure behind the match's reason codes, in the same order as the codes."""
        found: list[Reason] = []
        for code in out.match.reasons:
            if code == "adaptation_not_offered":
                found += [Reason(code, {"adaptation": a}) for a in out.needs_unmet]
            elif code == "validation_missing":
                for item in out.validations_missing:
                    if item[0] == "ocn":
                        found.append(
                            Reason(
                                code,
                                {
                                    "kind": "ocn",
                                    "module": item[1],
                                    "certified_level": item[2],
                                    "level": item[3],
                                },
                            )
                        )
                    else:
                        found.append(
                            Reason(
                                code,
                                {
                                    "kind": "kga",
                                    "competence": item[1],
                                    "assessed_level": item[2],
                                    "level": item[3],
                                },
                            )
                        )
            elif code == "hours_incompatible":
                found.append(
                    Reason(
                        code,
                        {
                            "hours_min": p.hours_min,
                            "hours_max": p.hours_max,
                            "profile_min": r.hours_min,
                            "profile_max": r.hours_max,
                        },
                    )
                )
            elif code == "outside_commute_reach" and out.timetable_minutes is not None:
                minutes = out.timetable_minutes
                found.append(
                    Reason(
                        code,
                        {
                            "distance_km": out.match.distance_km,
                            "basis": "timetable",
                            "minutes": None if not np.isfinite(minutes) else minutes,
                            "limit_minutes": out.timetable_limit,
                        },
                    )
                )
            elif code == "outside_commute_reach":
                found.append(
                    Reason(
                        code,
                        {
                            "distance_km": out.match.distance_km,
                            "means": out.reach_means,
                            "limit_km": out.reach_km,
                            "basis": out.reach_basis,
                        },
                    )
                )
            elif code == "no_consent":
                found.append(Reason(code, {"employer": r.employer_id}))
            elif code in REQUIREMENT_CODES:
                found += requirement_reasons(code, p, r)
            else:
                found.append(Reason(code, {}))
        return found

    def _details(
        self, out: Explanation, p: ParticipantRecord, r: ProfileRecord, own: dict
    ) -> dict[str, dict]:
        """The facts behind each component's value, for a sentence a guide can read."""
        sources: dict[str, float] = {}
        levels: dict[int, float] = {}
        for key in out.matched_skills:
            source, level = p.skills[key]
            sources[source] = c.SOURCE_STRENGTH.get(source, c.SOURCE_STRENGTH["self_reported"])
            levels[int(level)] = c.LEVEL_FACTOR.get(int(level), 1.0)
        gap = r.swedish_level - p.swedish_level
        required = [k for k, (_w, req) in r.skills.items() if req]
        ocn_total = len(r.ocn_required) + len(r.kga_required)
        counting_requirements = [v for v in out.validations_counting if v[0] != "skill"]
        preference = "none"
        if p.desired_occupations or p.desired_industries:
            preference = "no_match"
            if r.occupation_id is not None and r.occupation_id in p.desired_occupations:
                preference = "occupation"
            elif r.occupation_id is not None and r.occupation_id in p.substitute_occupations:
                preference = "substitute"
            elif r.industry is not None and r.industry in p.desired_industries:
                preference = "industry"
        overlap = out.hours_overlap
        return {
            "skills": {
                "matched": len(out.matched_skills),
                "related": len(out.related_skills),
                "total": len(r.skills),
                "required_missing": sum(1 for k, req in out.missing_skills if req),
                "required": len(required),
                "sources": dict(sorted(sources.items(), key=lambda kv: -kv[1])),
                "levels": dict(sorted(levels.items())),
                "language_factor": 1.0 if gap <= 0 else (0.6 if gap == 1 else 0.3),
            },
            "validations": {
                "requirements": ocn_total,
                "met": len(counting_requirements),
                "validated_skills": sum(1 for v in out.validations_counting if v[0] == "skill"),
            },
            "geography": {
                "distance_km": out.match.distance_km,
                "reach_km": out.reach_km,
                "means": out.reach_means,
                "timetable_minutes": out.timetable_minutes,
                "timetable_limit": out.timetable_limit,
            },
            "adaptations_hours": {
                "hours_min": p.hours_min,
                "hours_max": p.hours_max,
                "profile_min": r.hours_min,
                "profile_max": r.hours_max,
                "overlap": None if overlap is None else overlap[1] - overlap[0],
                "supervisor": r.supervisor,
                "needs": len(p.needs),
                "needs_met": len(out.needs_met),
            },
            "preferences": {
                "kind": preference,
                "substitutability": p.substitute_occupations.get(r.occupation_id, 0)
                if preference == "substitute"
                else None,
            },
            "load": {"open_proposals": r.open_proposals, "slots_free": r.slots_free},
        }
