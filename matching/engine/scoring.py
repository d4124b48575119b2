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


def _dense_rows(matrix, rows):
    return matrix[rows].toarray()


def score_block(
    tables: Tables,
    rows: np.ndarray,
    cols: np.ndarray | None,
    weights: c.Weights,
    *,
    employer_facing: bool = False,
) -> BlockResult:
    pt, pr = tables.participants, tables.profiles
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.arange(pr.size, dtype=np.int64) if cols is None else np.asarray(cols, dtype=np.int64)
    full = len(cols) == pr.size

    def col(a):
        return a if full else a[cols]

    w_skills = pr.skill_weights if full else pr.skill_weights[cols]
    req_skills = pr.skill_required if full else pr.skill_required[cols]
    strengths = pt.strengths[rows]
    # --- skills -------------------------------------------------------------------------------
    wsum = col(pr.skill_weight_sum)
    covered = (w_skills @ strengths.T).T.toarray()
    with np.errstate(divide="ignore", invalid="ignore"):
        skill_cov = np.where(wsum > 0, covered / np.where(wsum > 0, wsum, 1.0), 0.5)
    has_skill = strengths.copy()
    has_skill.data = (has_skill.data > 0).astype(np.float64)
    req_count = col(pr.required_count)
    met_required = (req_skills @ has_skill.T).T.toarray()
    missing_share = np.where(
        req_count > 0, (req_count - met_required) / np.where(req_count > 0, req_count, 1.0), 0.0
    )
    language_gap = col(pr.swedish_level)[None, :] - pt.swedish_level[rows][:, None]
    language = np.where(language_gap <= 0, 1.0, np.where(language_gap == 1, 0.6, 0.3))
    skills = skill_cov * (1.0 - 0.5 * missing_share) * language

    # --- validations --------------------------------------------------------------------------
    validated = (w_skills @ pt.validated[rows].T).T.toarray()
    with np.errstate(divide="ignore", invalid="ignore"):
        validated_share = np.where(wsum > 0, validated / np.where(wsum > 0, wsum, 1.0), 0.0)
    validations = np.where(col(pr.has_requirements)[None, :], 1.0, 0.5 + 0.5 * validated_share)

    # --- geography ----------------------------------------------------------------------------
    distance = distance_matrix_km(pt.units[rows], col(pr.units))
    coords_ok = pt.has_coords[rows][:, None] & col(pr.has_coords)[None, :]
    distance = np.where(coords_ok, distance, np.inf)
    reach = pt.reach_km[rows][:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        geography = np.where(
            reach > 0, np.clip(1.0 - distance / np.where(reach > 0, reach, 1.0), 0.0, 1.0), 0.0
        )

    # --- adaptations and hours ----------------------------------------------------------------
    t_min, t_max = col(pr.hours_min)[None, :], col(pr.hours_max)[None, :]
    p_min, p_max = pt.hours_min[rows][:, None], pt.hours_max[rows][:, None]
    overlap = np.minimum(p_max, t_max) - np.maximum(p_min, t_min)
    hours_fit = np.clip((overlap + 1.0) / (np.maximum(t_max - t_min, 0.0) + 1.0), 0.0, 1.0)
    support = np.where(col(pr.supervisor), 1.0, 0.5)[None, :]
    adaptations_hours = 0.6 * hours_fit + 0.4 * support

    # --- preferences --------------------------------------------------------------------------
    occ_dense = np.pad(
        pt.occupation_affinity[rows].toarray(), ((0, 0), (0, 1))
    )  # last column: "none"
    occ = occ_dense[:, col(pr.occupation_idx)]
    ind_dense = np.pad(pt.industry_affinity[rows], ((0, 0), (0, 1)))
    ind = ind_dense[:, col(pr.industry_idx)]
    preferences = np.where(pt.has_preferences[rows][:, None], np.maximum(occ, ind), c.NO_PREFERENCE)

    load = np.broadcast_to(col(pr.load_score)[None, :], skills.shape)

    # --- hard constraints ---------------------------------------------------------------------
    reasons = np.zeros(skills.shape, dtype=np.uint8)
    needs = pt.needs[rows]
    offered = col(pr.offered)
    unmet_needs = np.zeros(skills.shape, dtype=bool)
    for word in range(needs.shape[1]):
        unmet_needs |= (needs[:, word][:, None] & ~offered[:, word][None, :]) != 0
    reasons |= np.where(unmet_needs, c.REASON_ADAPTATION, 0).astype(np.uint8)

    ocn_req = pr.ocn_required if full else pr.ocn_required[cols]
    ocn_met = (ocn_req @ pt.certified[rows].T).T.toarray()
    validation_fail = ocn_met < col(pr.ocn_count)[None, :]
    if len(pr.kga_rows):
        levels = pt.kga_levels[rows][:, pr.kga_cols]
        unmet = (levels < pr.kga_min[None, :]).astype(np.float64)
        incidence = pr.kga_incidence if full else pr.kga_incidence[:, cols]
        validation_fail |= (incidence.T @ unmet.T).T > 0
    reasons |= np.where(validation_fail, c.REASON_VALIDATION, 0).astype(np.uint8)
    reasons |= np.where((p_max < t_min) | (p_min > t_max), c.REASON_HOURS, 0).astype(np.uint8)
    reasons |= np.where(distance > reach, c.REASON_DISTANCE, 0).astype(np.uint8)
    reasons |= np.where(~col(pr.available)[None, :], c.REASON_NOT_AVAILABLE, 0).astype(np.uint8)
    if employer_facing:
        consent = np.pad(pt.consent[rows].toarray(), ((0, 0), (0, 1)))[:, col(pr.employer_idx)]
        reasons |= np.where(consent <= 0, c.REASON_CONSENT, 0).astype(np.uint8)

    components = {
        "skills": skills,
        "validations": validations,
        "geography": geography,
        "adaptations_hours": adaptations_hours,
        "preferences": preferences,
        "load": load,
    }
    normalised = weights.normalised()
    total = sum(normalised[name] * components[name] for name in c.COMPONENTS)
    scores = np.where(reasons == 0, total, 0.0)
    return BlockResult(rows, cols, scores, reasons, components, distance)


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
