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


@dataclass
class Explanation:
    match: Match
    matched_skills: list = field(default_factory=list)  # keys the participant has
    related_skills: list = field(default_factory=list)  # (profile key, participant key, similarity)
    missing_skills: list = field(default_factory=list)  # (key, required)
    validations_counting: list = field(
        default_factory=list
    )  # ("ocn", module) / ("kga", competence, level, min)
    validations_missing: list = field(default_factory=list)
    needs_met: list = field(default_factory=list)
    needs_unmet: list = field(default_factory=list)
    travel_minutes: dict = field(default_factory=dict)
    reach_km: float = 0.0
    hours_overlap: tuple = ()


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
        self._participant_row = {int(pid): i for i, pid in enumerate(self.tables.participants.ids)}
        self._profile_row = {int(rid): i for i, rid in enumerate(self.tables.profiles.ids)}

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
        radius = None if include_excluded else float(pt.reach_km[row])
        if max_distance_km is not None:
            radius = max_distance_km if radius is None else min(radius, max_distance_km)
        if radius is not None and pt.has_coords[row]:
            # Only profiles within reach can be included: a BallTree radius search narrows the block.
            cols = pr.radius_index().within(pt.lat[row], pt.lon[row], radius * (1 + 1e-9))
        block = score_block(
            self.tables, np.array([row]), cols, self.weights, employer_facing=employer_facing
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
                pr.lat[col], pr.lon[col], float(pt.reach_km.max()) * (1 + 1e-9)
            )
        block = score_block(
            self.tables, rows, np.array([col]), self.weights, employer_facing=employer_facing
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
        for start in range(0, pt.size, chunk):
            rows = order[start : start + chunk]
            located = rows[pt.has_coords[rows]]
            if len(located):
                cols = index.within_any(
                    pt.lat[located], pt.lon[located], pt.reach_km[located] * (1 + 1e-9)
                )
            else:
                cols = np.array([], dtype=np.int64)
            block = score_block(
                self.tables, rows, cols, self.weights, employer_facing=employer_facing, compact=True
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
        for module in sorted(r.ocn_required):
            (
                out.validations_counting
                if module in p.certified_modules
                else out.validations_missing
            ).append(("ocn", module))
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
        if distance is not None:
            travel = self.tables.travel
            usable = [
                m for m in p.means if m in c.MEANS and (m != "car" or (p.has_licence and p.has_car))
            ] or ["walk"]
            out.travel_minutes = {m: round(travel.minutes(m, distance), 1) for m in usable}
        out.reach_km = float(self.tables.participants.reach_km[row])
        out.hours_overlap = (max(p.hours_min, r.hours_min), min(p.hours_max, r.hours_max))
        return out
