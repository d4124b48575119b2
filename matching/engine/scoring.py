"""The vectorised scorer: a block of participants against a block of profiles, all pairs at once.

One code path serves a single ranking (one participant × N profiles, or N participants × one
profile) and whole-county batches (chunks of participants × all profiles). Every formula here has
its per-pair twin in ``reference.py``; a property test keeps them equal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.engine import config as c
from matching.engine.geo import distance_matrix_km
from matching.engine.tables import Tables
from matching.engine.transit_times import TransitGrid


@dataclass
class BlockResult:
    rows: np.ndarray  # participant indices
    cols: np.ndarray  # profile indices
    scores: np.ndarray  # B×N, 0 where excluded
    reasons: np.ndarray  # B×N uint8 flags (0 = included)
    components: dict[str, np.ndarray]  # name → B×N
    distance_km: np.ndarray  # B×N

    @property
    def excluded(self) -> np.ndarray:
        return self.reasons != 0


def _gather(matrix, rows: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """B×N array of ``matrix[rows[b], idx[n]]`` (0 where idx is -1), touching only needed columns."""
    valid = idx >= 0
    if len(rows) == 1 and hasattr(matrix, "indptr"):
        out = _dense_row(matrix, int(rows[0]))[np.where(valid, idx, 0)][None, :]
        out[:, ~valid] = 0.0
        return out
    uniq, inverse = np.unique(np.where(valid, idx, 0), return_inverse=True)
    sub = matrix[rows][:, uniq]
    sub = sub.toarray() if hasattr(sub, "toarray") else np.asarray(sub)
    out = sub[:, inverse]
    if not valid.all():
        out[:, ~valid] = 0.0
    return out


def _dense_row(matrix, row: int) -> np.ndarray:
    """Row ``row`` of a CSR matrix as a dense vector (no sparse slicing)."""
    start, end = matrix.indptr[row], matrix.indptr[row + 1]
    out = np.zeros(matrix.shape[1])
    out[matrix.indices[start:end]] = matrix.data[start:end]
    return out


def _cross(left, rows: np.ndarray, right, cols: np.ndarray, binary: bool = False) -> np.ndarray:
    """B×N dense ``left[rows] · right[cols]ᵀ`` (``binary``: left's entries counted as 1 where > 0).

    One participant against many profiles, or many participants against one profile, is a
    sparse matrix times one dense vector over the whole table, then a selection: far cheaper than
    slicing sparse matrices for a single ranking."""
    if len(rows) == 1:
        v = _dense_row(left, int(rows[0]))
        if binary:
            v = (v > 0).astype(np.float64)
        return (right @ v)[cols][None, :]
    if len(cols) == 1:
        # The whole table times one vector, then the rows: slicing a sparse matrix's rows cost
        # more than the product (each row's sum is added in the same order either way).
        v = _dense_row(right, int(cols[0]))
        whole = left
        if binary:
            whole = left.copy()
            whole.data = (whole.data > 0).astype(np.float64)
        return (whole @ v)[rows][:, None]
    sub = left[rows]
    if binary:
        sub = sub.copy()
        sub.data = (sub.data > 0).astype(np.float64)
    whole = len(cols) == right.shape[0] and bool(np.all(cols[1:] > cols[:-1]))
    return ((right if whole else right[cols]) @ sub.T).T.toarray()


def _flag(condition: np.ndarray, bit: int) -> np.ndarray:
    return condition.astype(np.uint8) * np.uint8(bit)


def score_block(
    tables: Tables,
    rows: np.ndarray,
    cols: np.ndarray | None,
    weights: c.Weights,
    *,
    employer_facing: bool = False,
    compact: bool = False,
    transit: TransitGrid | None = None,
) -> BlockResult:
    """Score every (row, col) pair. With ``compact`` only pairs within the participant's reach
    are evaluated (the others are excluded for distance anyway) and no components are returned:
    the fast path for batches. ``transit``: timetable minutes where the unit's feed covers a pair
    (``transit_times``); elsewhere the straight-line estimate."""
    pt, pr = tables.participants, tables.profiles
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.arange(pr.size, dtype=np.int64) if cols is None else np.asarray(cols, dtype=np.int64)
    full = len(cols) == pr.size

    def col(a):
        return a if full else a[cols]

    # Geography first: in compact mode it decides which pairs are evaluated at all.
    distance_grid = distance_matrix_km(pt.units[rows], col(pr.units))
    coords_ok = pt.has_coords[rows][:, None] & col(pr.has_coords)[None, :]
    distance_grid = np.where(coords_ok, distance_grid, np.inf)
    shape = distance_grid.shape
    search_reach = (transit.search_reach_km if transit is not None else pt.reach_km)[rows]
    if compact:
        bi, ni = np.nonzero(distance_grid <= search_reach[:, None])

        def P(a):  # participant side, one value per evaluated pair
            return a[rows][bi]

        def R(a):  # profile side
            return col(a)[ni]

        def G(grid):  # a B×N grid → the evaluated pairs
            return grid[bi, ni]
    else:

        def P(a):
            return a[rows][:, None]

        def R(a):
            return col(a)[None, :]

        def G(grid):
            return grid

    # --- skills -------------------------------------------------------------------------------
    wsum = R(pr.skill_weight_sum)
    covered = G(_cross(pt.strengths, rows, pr.skill_weights, cols))
    with np.errstate(divide="ignore", invalid="ignore"):
        skill_cov = np.where(wsum > 0, covered / np.where(wsum > 0, wsum, 1.0), 0.5)
    req_count = R(pr.required_count)
    met_required = G(_cross(pt.strengths, rows, pr.skill_required, cols, binary=True))
    missing_share = np.where(
        req_count > 0, (req_count - met_required) / np.where(req_count > 0, req_count, 1.0), 0.0
    )
    language_gap = R(pr.swedish_level) - P(pt.swedish_level)
    language = np.where(language_gap <= 0, 1.0, np.where(language_gap == 1, 0.6, 0.3))
    skills = skill_cov * (1.0 - 0.5 * missing_share) * language

    # --- validations --------------------------------------------------------------------------
    validated = G(_cross(pt.validated, rows, pr.skill_weights, cols))
    with np.errstate(divide="ignore", invalid="ignore"):
        validated_share = np.where(wsum > 0, validated / np.where(wsum > 0, wsum, 1.0), 0.0)
    # With requirements, the share of them met (so a missing one never shows as 1.0); without,
    # validated skills lift it from the neutral 0.5.
    ocn_met = G(_cross(pt.certified, rows, pr.ocn_required, cols))
    validation_fail = ocn_met < R(pr.ocn_count)
    kga_met = np.zeros(skills.shape)
    kga_min = col(pr.kga_min_matrix)
    for competence in np.flatnonzero(kga_min.any(axis=0)):
        required_level = R(pr.kga_min_matrix[:, competence])
        short = P(pt.kga_levels[:, competence]) < required_level
        validation_fail = validation_fail | short
        kga_met = kga_met + ((required_level > 0) & ~short)
    requirement_count = R(pr.ocn_count) + R(pr.kga_count)
    with np.errstate(divide="ignore", invalid="ignore"):
        requirements_met = (ocn_met + kga_met) / np.where(
            requirement_count > 0, requirement_count, 1.0
        )
    validations = np.where(R(pr.has_requirements), requirements_met, 0.5 + 0.5 * validated_share)

    # --- geography ----------------------------------------------------------------------------
    distance = G(distance_grid)
    reach = P(pt.reach_km)
    geography = _closeness(distance, reach)
    out_of_reach = distance > reach
    if transit is not None:
        # Where the timetable covers the pair, its minutes decide for public transport; the
        # person's other ways of travelling keep their estimate.
        minutes = G(transit.pairs(rows, cols))
        covered = ~np.isnan(minutes)
        if covered.any():
            limit, other = P(transit.limit), P(transit.other_reach_km)
            by_timetable = np.clip(1.0 - np.where(covered, minutes, 0.0) / limit, 0.0, 1.0)
            by_others = _closeness(distance, other)
            geography = np.where(covered, np.maximum(by_timetable, by_others), geography)
            too_far = (minutes > limit) | (distance > P(transit.km_cap))
            out_of_reach = np.where(covered, too_far & (distance > other), out_of_reach)

    # --- adaptations and hours ----------------------------------------------------------------
    t_min, t_max = R(pr.hours_min), R(pr.hours_max)
    p_min, p_max = P(pt.hours_min), P(pt.hours_max)
    overlap = np.minimum(p_max, t_max) - np.maximum(p_min, t_min)
    hours_fit = np.clip((overlap + 1.0) / (np.maximum(t_max - t_min, 0.0) + 1.0), 0.0, 1.0)
    hours_fit = np.where(overlap < 0, 0.0, hours_fit)  # no common hour: nothing fits
    support = np.where(R(pr.supervisor), 1.0, 0.5)
    needs, offered = pt.needs, pr.offered
    needs_met = np.zeros(skills.shape)
    for word in range(needs.shape[1]):
        needs_met = needs_met + np.bitwise_count(P(needs[:, word]) & R(offered[:, word]))
    need_count = P(pt.needs_count)
    with np.errstate(divide="ignore", invalid="ignore"):
        needs_share = np.where(
            need_count > 0, needs_met / np.where(need_count > 0, need_count, 1.0), 1.0
        )
    adaptations_hours = (0.6 * hours_fit + 0.4 * support) * needs_share

    # --- preferences --------------------------------------------------------------------------
    occ = G(_gather(pt.occupation_affinity, rows, col(pr.occupation_idx)))
    ind = G(_gather(pt.industry_affinity, rows, col(pr.industry_idx)))
    preferences = np.where(P(pt.has_preferences), np.maximum(occ, ind), c.NO_PREFERENCE)

    load = np.broadcast_to(R(pr.load_score), skills.shape)

    # --- hard constraints ---------------------------------------------------------------------
    reasons = np.zeros(skills.shape, dtype=np.uint8)
    reasons |= _flag(needs_met < need_count, c.REASON_ADAPTATION)
    reasons |= _flag(validation_fail, c.REASON_VALIDATION)
    reasons |= _flag((p_max < t_min) | (p_min > t_max), c.REASON_HOURS)
    reasons |= _flag(out_of_reach, c.REASON_DISTANCE)
    reasons |= _flag(np.broadcast_to(~R(pr.available), reasons.shape), c.REASON_NOT_AVAILABLE)
    if employer_facing:
        consent = G(_gather(pt.consent, rows, col(pr.employer_idx)))
        reasons |= _flag(consent <= 0, c.REASON_CONSENT)
    reasons |= _requirement_flags(tables, rows, cols, G, R)

    components = {
        "skills": skills,
        "validations": validations,
        "geography": geography,
        "adaptations_hours": adaptations_hours,
        "preferences": preferences,
        "load": load,
    }
    normalised = weights.normalised()
    total = normalised["skills"] * skills
    for name in c.COMPONENTS[1:]:
        total = total + normalised[name] * components[name]
    scores = np.where(reasons == 0, total, 0.0)
    if not compact:
        return BlockResult(rows, cols, scores, reasons, components, distance_grid)
    grid_scores = np.zeros(shape)
    grid_reasons = np.full(shape, c.REASON_DISTANCE, dtype=np.uint8)
    grid_scores[bi, ni] = scores
    grid_reasons[bi, ni] = reasons
    return BlockResult(rows, cols, grid_scores, grid_reasons, {}, distance_grid)


def _closeness(distance: np.ndarray, reach: np.ndarray) -> np.ndarray:
    """1 at the door, falling linearly to 0 at the edge of ``reach`` (0 with no reach)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            reach > 0, np.clip(1.0 - distance / np.where(reach > 0, reach, 1.0), 0.0, 1.0), 0.0
        )


def _requirement_flags(tables: Tables, rows: np.ndarray, cols: np.ndarray, G, R) -> np.ndarray:
    """Licences and must-have skills: every one the profile requires must be held, or the pair
    is excluded. A must-have skill counts only as the participant's own (a related skill does not
    meet it). Skipped entirely when no profile in the block has such a requirement."""
    pt, pr = tables.participants, tables.profiles
    flags = np.uint8(0)
    if pr.licence_count[cols].any():
        held = G(_cross(pt.licences, rows, pr.licence_required, cols, binary=True))
        flags = flags | _flag(held < R(pr.licence_count), c.REASON_LICENCE)
    if pr.must_count[cols].any():
        owned = G(_cross(pt.owned, rows, pr.skill_must, cols, binary=True))
        flags = flags | _flag(owned < R(pr.must_count), c.REASON_MUST_SKILL)
    return flags


def reason_codes(flags: int) -> list[str]:
    return [name for bit, name in c.REASONS.items() if flags & bit]


def top_k(scores: np.ndarray, ids: np.ndarray, k: int, include: np.ndarray) -> np.ndarray:
    """Indices of the best ``k`` among ``include``, by score descending then id ascending
    (stable and reproducible)."""
    candidates = np.flatnonzero(include)
    if len(candidates) == 0:
        return candidates
    values = scores[candidates]
    if len(candidates) > k:
        threshold = np.partition(values, len(values) - k)[len(values) - k]
        keep = values >= threshold  # ties at the threshold stay in, the sort below settles them
        candidates, values = candidates[keep], values[keep]
    order = np.lexsort((ids[candidates], -values))
    return candidates[order[:k]]
