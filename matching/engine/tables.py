"""Records → column tables (numpy arrays and scipy sparse matrices) the scorer works on."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from matching.engine import config as c
from matching.engine.geo import RadiusIndex, unit_vectors
from matching.engine.records import ParticipantRecord, ProfileRecord
from matching.engine.related import effective_strengths
from matching.engine.transit_times import (
    PT,
    km_cap,
    other_reach_km,
    transit_limit,
    usable_means,
)


class Vocab:
    """Index of every key seen: skills, OCN modules, KGA competences, occupations, industries,
    employers, adaptations (bit positions), licences."""

    def __init__(self) -> None:
        self.maps: dict[str, dict[Hashable, int]] = {
            n: {}
            for n in (
                "skill",
                "module",
                "competence",
                "occupation",
                "industry",
                "employer",
                "adaptation",
                "licence",
            )
        }

    def index(self, kind: str, key: Hashable) -> int:
        table = self.maps[kind]
        if key not in table:
            table[key] = len(table)
        return table[key]

    def size(self, kind: str) -> int:
        return max(len(self.maps[kind]), 1)

    def get(self, kind: str, key: Hashable, default: int = -1) -> int:
        return self.maps[kind].get(key, default)

    def words(self) -> int:
        return (self.size("adaptation") + 63) // 64


def _bitmask(vocab: Vocab, rows: Sequence[frozenset[int]]) -> np.ndarray:
    words = vocab.words()
    out = np.zeros((len(rows), words), dtype=np.uint64)
    for r, items in enumerate(rows):
        for item in items:
            bit = vocab.index("adaptation", item)
            out[r, bit // 64] |= np.uint64(1) << np.uint64(bit % 64)
    return out


def _csr(rows: list[dict[int, float]], width: int) -> sparse.csr_matrix:
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for row in rows:
        for col in sorted(row):
            indices.append(col)
            data.append(row[col])
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (
            np.array(data, dtype=np.float64),
            np.array(indices, dtype=np.int64),
            np.array(indptr, dtype=np.int64),
        ),
        shape=(len(rows), width),
    )


def _coords(records) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lat = np.array([r.lat if r.lat is not None else np.nan for r in records], dtype=np.float64)
    lon = np.array([r.lon if r.lon is not None else np.nan for r in records], dtype=np.float64)
    return lat, lon, unit_vectors(np.nan_to_num(lat), np.nan_to_num(lon))


def skill_strength(source: str, level: int) -> float:
    return c.SOURCE_STRENGTH.get(source, c.SOURCE_STRENGTH["self_reported"]) * c.LEVEL_FACTOR.get(
        int(level), 1.0
    )


def own_strengths(record: ParticipantRecord) -> dict[Hashable, float]:
    own: dict[Hashable, float] = {}
    for key, (source, level) in record.skills.items():
        own[key] = max(own.get(key, 0.0), skill_strength(source, level))
    return own


def reach_km(record: ParticipantRecord, travel: c.TravelModel) -> float:
    """How far (great-circle km) the participant can get: the best of their ways of travelling
    within the minute limit (own, capped; or the unit's defaults), and no farther than their own km
    limit. A km limit only ever shortens the reach: it never admits a trip the product estimates
    longer than the minutes that apply (a 100 km limit is not a two-hour drive)."""
    means = [
        m
        for m in record.means
        if m in c.MEANS and (m != "car" or (record.has_licence and record.has_car))
    ]
    if not means:
        means = ["walk"]
    if record.own_minutes is not None:
        limit = min(float(record.own_minutes), travel.max_minutes)
        by_time = max(travel.reach_km(m, limit) for m in means)
    else:
        by_time = max(travel.reach_km(m, travel.default_limits[m]) for m in means)
    if record.own_km is not None:
        return min(float(record.own_km), by_time)
    return by_time


class _Located:
    """A table of points with a lazily built BallTree over them."""

    @property
    def size(self) -> int:
        return len(self.ids)

    def radius_index(self) -> RadiusIndex:
        if self._radius is None:
            self._radius = RadiusIndex(np.nan_to_num(self.lat), np.nan_to_num(self.lon))
        return self._radius


@dataclass
class ProfileTable(_Located):
    ids: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    units: np.ndarray
    has_coords: np.ndarray
    hours_min: np.ndarray
    hours_max: np.ndarray
    swedish_level: np.ndarray
    offered: np.ndarray
    available: np.ndarray
    kind: np.ndarray
    employer: np.ndarray
    employer_idx: np.ndarray
    occupation_idx: np.ndarray
    industry_idx: np.ndarray
    skill_weights: sparse.csr_matrix
    skill_required: sparse.csr_matrix
    skill_weight_sum: np.ndarray
    required_count: np.ndarray
    ocn_required: sparse.csr_matrix
    ocn_count: np.ndarray
    kga_min_matrix: np.ndarray  # profiles × competences, 0 = no requirement
    kga_count: np.ndarray
    has_requirements: np.ndarray
    supervisor: np.ndarray
    load_score: np.ndarray
    licence_required: sparse.csr_matrix  # profiles × licences, 1 = required
    licence_count: np.ndarray
    skill_must: sparse.csr_matrix  # profiles × skills, 1 = must have (a hard requirement)
    must_count: np.ndarray
    records: list[ProfileRecord]
    _radius: RadiusIndex | None = None


@dataclass
class ParticipantTable(_Located):
    ids: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    units: np.ndarray
    has_coords: np.ndarray
    hours_min: np.ndarray
    hours_max: np.ndarray
    swedish_level: np.ndarray
    needs: np.ndarray
    needs_count: np.ndarray
    reach_km: np.ndarray
    # Public transport (issue 24): whether the person travels by it, their limit in minutes, and
    # how far their other ways of travelling reach (``transit_times``).
    uses_transit: np.ndarray
    transit_limit: np.ndarray
    other_reach_km: np.ndarray
    km_cap: np.ndarray
    strengths: sparse.csr_matrix  # own + related
    validated: sparse.csr_matrix
    certified: sparse.csr_matrix
    kga_levels: np.ndarray
    occupation_affinity: sparse.csr_matrix
    industry_affinity: np.ndarray
    has_preferences: np.ndarray
    consent: sparse.csr_matrix
    licences: sparse.csr_matrix  # participants × licences held (with those they include)
    owned: sparse.csr_matrix  # participants × skills they have themselves (no related skills)
    records: list[ParticipantRecord]
    _radius: RadiusIndex | None = None


@dataclass
class Tables:
    vocab: Vocab
    participants: ParticipantTable
    profiles: ProfileTable
    related: dict
    travel: c.TravelModel


def build_tables(
    participants: Sequence[ParticipantRecord],
    profiles: Sequence[ProfileRecord],
    *,
    related: dict | None = None,
    travel: c.TravelModel | None = None,
) -> Tables:
    related = related or {}
    travel = travel or c.TravelModel()
    vocab = Vocab()
    # Register every key first so both sides share column numbers.
    for p in participants:
        for key in p.skills:
            vocab.index("skill", key)
        for m, level in p.certified_modules.items():
            # A certificate at level l satisfies a requirement of the module at any level ≤ l:
            # one column per (module, level), so a matrix product counts the requirements met.
            for lvl in range(1, int(level) + 1):
                vocab.index("module", (m, lvl))
        for k in p.kga:
            vocab.index("competence", k)
        for o in (*p.desired_occupations, *p.substitute_occupations):
            vocab.index("occupation", o)
        for i in p.desired_industries:
            vocab.index("industry", i)
        for e in p.consent_employers:
            vocab.index("employer", e)
        for a in p.needs:
            vocab.index("adaptation", a)
        for licence in p.licences:
            vocab.index("licence", licence)
    for r in profiles:
        for key in r.skills:
            vocab.index("skill", key)
        for m, level in r.ocn_required.items():
            vocab.index("module", (m, int(level)))
        for k in r.kga_required:
            vocab.index("competence", k)
        if r.occupation_id is not None:
            vocab.index("occupation", r.occupation_id)
        if r.industry is not None:
            vocab.index("industry", r.industry)
        vocab.index("employer", r.employer_id)
        for a in r.offered:
            vocab.index("adaptation", a)
        for licence in r.required_licences:
            vocab.index("licence", licence)
        for key in r.must_skills:
            vocab.index("skill", key)
    for key, others in related.items():
        for other, _sim in others:
            if key in vocab.maps["skill"]:
                vocab.index("skill", other)
    return Tables(
        vocab,
        _participant_table(vocab, participants, related, travel),
        _profile_table(vocab, profiles),
        related,
        travel,
    )


def _profile_table(vocab: Vocab, profiles: Sequence[ProfileRecord]) -> ProfileTable:
    n = len(profiles)
    lat, lon, units = _coords(profiles)
    weights = _csr(
        [{vocab.get("skill", k): float(w) for k, (w, _req) in r.skills.items()} for r in profiles],
        vocab.size("skill"),
    )
    required = _csr(
        [
            {vocab.get("skill", k): 1.0 for k, (_w, req) in r.skills.items() if req}
            for r in profiles
        ],
        vocab.size("skill"),
    )
    ocn = _csr(
        [
            {vocab.get("module", (m, int(lvl))): 1.0 for m, lvl in r.ocn_required.items()}
            for r in profiles
        ],
        vocab.size("module"),
    )
    kga_min = np.zeros((n, vocab.size("competence")), dtype=np.float64)
    for row, r in enumerate(profiles):
        for comp, level in r.kga_required.items():
            kga_min[row, vocab.get("competence", comp)] = level
    licences = _csr(
        [{vocab.get("licence", k): 1.0 for k in r.required_licences} for r in profiles],
        vocab.size("licence"),
    )
    must = _csr(
        [{vocab.get("skill", k): 1.0 for k in r.must_skills} for r in profiles],
        vocab.size("skill"),
    )
    slots_free = np.array([max(r.slots_free, 1) for r in profiles], dtype=np.float64)
    proposals = np.array([r.open_proposals for r in profiles], dtype=np.float64)
    return ProfileTable(
        ids=np.array([r.id for r in profiles], dtype=np.int64),
        lat=lat,
        lon=lon,
        units=units,
        has_coords=~(np.isnan(lat) | np.isnan(lon)),
        hours_min=np.array([r.hours_min for r in profiles], dtype=np.float64),
        hours_max=np.array([r.hours_max for r in profiles], dtype=np.float64),
        swedish_level=np.array([r.swedish_level for r in profiles], dtype=np.float64),
        offered=_bitmask(vocab, [r.offered for r in profiles]),
        available=np.array([r.available for r in profiles], dtype=bool),
        kind=np.array([r.kind for r in profiles], dtype=object),
        employer=np.array([r.employer_id for r in profiles], dtype=np.int64),
        employer_idx=np.array(
            [vocab.get("employer", r.employer_id) for r in profiles], dtype=np.int64
        ),
        occupation_idx=np.array(
            [
                vocab.get("occupation", r.occupation_id) if r.occupation_id is not None else -1
                for r in profiles
            ],
            dtype=np.int64,
        ),
        industry_idx=np.array(
            [vocab.get("industry", r.industry) if r.industry is not None else -1 for r in profiles],
            dtype=np.int64,
        ),
        skill_weights=weights,
        skill_required=required,
        skill_weight_sum=np.asarray(weights.sum(axis=1)).ravel(),
        required_count=np.asarray(required.sum(axis=1)).ravel(),
        ocn_required=ocn,
        ocn_count=np.asarray(ocn.sum(axis=1)).ravel(),
        kga_min_matrix=kga_min,
        kga_count=(kga_min > 0).sum(axis=1).astype(np.float64),
        has_requirements=np.array(
            [bool(r.ocn_required or r.kga_required) for r in profiles], dtype=bool
        ),
        supervisor=np.array([r.supervisor for r in profiles], dtype=bool),
        load_score=1.0 - np.minimum(1.0, proposals / (3.0 * slots_free)),
        licence_required=licences,
        licence_count=np.asarray(licences.sum(axis=1)).ravel(),
        skill_must=must,
        must_count=np.asarray(must.sum(axis=1)).ravel(),
        records=list(profiles),
    )


def _participant_table(
    vocab: Vocab, participants: Sequence[ParticipantRecord], related: dict, travel: c.TravelModel
) -> ParticipantTable:
    lat, lon, units = _coords(participants)
    strengths, validated, certified, occ, consent = [], [], [], [], []
    kga = np.zeros((len(participants), vocab.size("competence")), dtype=np.float64)
    industry = np.zeros((len(participants), vocab.size("industry")), dtype=np.float64)
    for row, p in enumerate(participants):
        eff = effective_strengths(own_strengths(p), related, c.RELATED_SKILL_FACTOR)
        strengths.append(
            {vocab.get("skill", k): v for k, v in eff.items() if vocab.get("skill", k) >= 0}
        )
        validated.append(
            {
                vocab.get("skill", k): 1.0
                for k, (source, _lvl) in p.skills.items()
                if source == "validated"
            }
        )
        certified.append(
            {
                vocab.get("module", (m, lvl)): 1.0
                for m, level in p.certified_modules.items()
                for lvl in range(1, int(level) + 1)
            }
        )
        for comp, level in p.kga.items():
            kga[row, vocab.get("competence", comp)] = level
        affinity = {
            vocab.get("occupation", o): c.SUBSTITUTE_FACTOR * pct / 100.0
            for o, pct in p.substitute_occupations.items()
        }
        for o in p.desired_occupations:
            affinity[vocab.get("occupation", o)] = 1.0
        occ.append(affinity)
        for ind in p.desired_industries:
            industry[row, vocab.get("industry", ind)] = c.INDUSTRY_PREFERENCE
        consent.append({vocab.get("employer", e): 1.0 for e in p.consent_employers})
    return ParticipantTable(
        ids=np.array([p.id for p in participants], dtype=np.int64),
        lat=lat,
        lon=lon,
        units=units,
        has_coords=~(np.isnan(lat) | np.isnan(lon)),
        hours_min=np.array([p.hours_min for p in participants], dtype=np.float64),
        hours_max=np.array([p.hours_max for p in participants], dtype=np.float64),
        swedish_level=np.array([p.swedish_level for p in participants], dtype=np.float64),
        needs=_bitmask(vocab, [p.needs for p in participants]),
        needs_count=np.array([len(p.needs) for p in participants], dtype=np.float64),
        reach_km=np.array([reach_km(p, travel) for p in participants], dtype=np.float64),
        uses_transit=np.array([PT in usable_means(p) for p in participants], dtype=bool).reshape(
            -1
        ),
        transit_limit=np.array(
            [transit_limit(p, travel) for p in participants], dtype=np.float64
        ).reshape(-1),
        other_reach_km=np.array(
            [other_reach_km(p, travel) for p in participants], dtype=np.float64
        ).reshape(-1),
        km_cap=np.array([km_cap(p) for p in participants], dtype=np.float64).reshape(-1),
        strengths=_csr(strengths, vocab.size("skill")),
        validated=_csr(validated, vocab.size("skill")),
        certified=_csr(certified, vocab.size("module")),
        kga_levels=kga,
        occupation_affinity=_csr(occ, vocab.size("occupation")),
        industry_affinity=industry,
        has_preferences=np.array(
            [bool(p.desired_occupations or p.desired_industries) for p in participants], dtype=bool
        ),
        consent=_csr(consent, vocab.size("employer")),
        licences=_csr(
            [{vocab.get("licence", k): 1.0 for k in p.licences} for p in participants],
            vocab.size("licence"),
        ),
        owned=_csr(
            [{vocab.get("skill", k): 1.0 for k in p.skills} for p in participants],
            vocab.size("skill"),
        ),
        records=list(participants),
    )
