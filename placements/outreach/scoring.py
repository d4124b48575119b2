"""The weekly list's math, with no Django: five components per employer in [0, 1], a weighted
score, and weights learned from which contacted suggestions led to a task profile.

Components (higher is more reason to call now):

- ``demand`` — waiting participants of the unit within reach of one of the employer's workplaces,
  who can work its hours, and who want (desired occupation) or have (skills) what it hires for.
- ``hiring`` — the employer's recent job ads: vacancies, each counted less as it ages (half-life
  ``HALF_LIFE_DAYS``).
- ``history`` — the unit's own placements with the employer: how many, and the share that lasted.
- ``not_recent`` — how long since the unit last contacted the employer (a recent contact lowers it).
- ``not_in_play`` — 1 unless the employer already has open profiles with free slots for the unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

COMPONENTS = ("demand", "hiring", "history", "not_recent", "not_in_play")
DEFAULT_WEIGHTS = {
    "demand": 0.35,
    "hiring": 0.30,
    "history": 0.15,
    "not_recent": 0.10,
    "not_in_play": 0.10,
}
HALF_LIFE_DAYS = 182.0
AD_HORIZON_DAYS = 730
CONTACT_QUIET_WEEKS = 12.0
EARTH_KM = 6371.0088


def saturate(x: np.ndarray, scale: float) -> np.ndarray:
    """0 at 0, rising towards 1: ``scale`` is where it reaches about 0.63."""
    return 1.0 - np.exp(-np.asarray(x, dtype=float) / scale)


def _units(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))


@dataclass
class DemandInput:
    """Arrays for the demand component. Employers are rows 0..E-1; each has one or more
    workplaces (``place_employer`` maps a workplace to its employer row)."""

    place_employer: np.ndarray  # (L,) int
    place_lat: np.ndarray  # (L,)
    place_lon: np.ndarray  # (L,)
    employer_occupations: np.ndarray  # (E, S) bool: SSYK groups it hires for
    employer_skills: np.ndarray  # (E, K) bool: skills its profiles ask for
    employer_min_hours: np.ndarray  # (E,) hours a week its profiles need at least (0: unknown)
    participant_lat: np.ndarray  # (P,)
    participant_lon: np.ndarray  # (P,)
    participant_reach_km: np.ndarray  # (P,)
    participant_occupations: np.ndarray  # (P, S) bool: SSYK groups wanted
    participant_skills: np.ndarray  # (P, K) bool: skills held
    participant_max_hours: np.ndarray  # (P,) (0: not given — counts as any)


def demand_matrix(d: DemandInput) -> np.ndarray:
    """(E, P) bool: participant p is demand for employer e (reach, hours, occupation or skill)."""
    n_e = d.employer_occupations.shape[0]
    n_p = d.participant_lat.shape[0]
    if n_e == 0 or n_p == 0:
        return np.zeros((n_e, n_p), dtype=bool)
    places = _units(d.place_lat, d.place_lon)
    people = _units(d.participant_lat, d.participant_lon)
    cos = np.clip(places @ people.T, -1.0, 1.0)
    km = EARTH_KM * np.arccos(cos)
    near_place = km <= d.participant_reach_km[None, :]
    near = np.zeros((n_e, n_p), dtype=bool)
    np.logical_or.at(near, d.place_employer, near_place)
    wants = (
        d.employer_occupations.astype(np.float32) @ d.participant_occupations.T.astype(np.float32)
    ) > 0
    if d.employer_skills.shape[1]:
        wants |= (
            d.employer_skills.astype(np.float32) @ d.participant_skills.T.astype(np.float32)
        ) > 0
    hours = (d.participant_max_hours[None, :] == 0) | (
        d.participant_max_hours[None, :] >= d.employer_min_hours[:, None]
    )
    return near & wants & hours


@dataclass
class ComponentInput:
    demand_count: np.ndarray  # (E,) waiting participants who are demand
    ad_age_days: list[np.ndarray]  # per employer: the age of each ad in days
    ad_vacancies: list[np.ndarray]  # per employer: vacancies of each ad
    placements: np.ndarray  # (E,) the unit's earlier placements with it
    lasted: np.ndarray  # (E,) of those, how many lasted
    weeks_since_contact: np.ndarray  # (E,) nan: never contacted by the unit
    free_slots: np.ndarray  # (E,) free slots in its open profiles for the unit


def hiring_signal(ages: np.ndarray, vacancies: np.ndarray) -> float:
    keep = (ages >= 0) & (ages <= AD_HORIZON_DAYS)
    return float(np.sum(vacancies[keep] * 0.5 ** (ages[keep] / HALF_LIFE_DAYS)))


def components(c: ComponentInput) -> np.ndarray:
    """(E, 5) component scores, in the order of ``COMPONENTS``."""
    n = c.demand_count.shape[0]
    out = np.zeros((n, len(COMPONENTS)))
    out[:, 0] = saturate(c.demand_count, 3.0)
    signal = np.array(
        [hiring_signal(a, v) for a, v in zip(c.ad_age_days, c.ad_vacancies, strict=True)]
    )
    out[:, 1] = saturate(signal, 4.0) if n else 0.0
    share = (c.lasted + 1.0) / (c.placements + 2.0)  # smoothed towards one in two
    out[:, 2] = np.where(c.placements > 0, share * saturate(c.placements, 2.0), 0.0)
    weeks = c.weeks_since_contact
    out[:, 3] = np.where(
        np.isnan(weeks), 1.0, np.clip(np.nan_to_num(weeks) / CONTACT_QUIET_WEEKS, 0, 1)
    )
    out[:, 4] = np.where(c.free_slots > 0, 0.0, 1.0)
    return out


def score(x: np.ndarray, weights: dict[str, float]) -> np.ndarray:
    w = np.array([weights[k] for k in COMPONENTS], dtype=float)
    total = w.sum() or 1.0
    return x @ (w / total)


@dataclass
class LearnedWeights:
    """The weights the list uses and where they come from, for the page."""

    weights: dict[str, float]
    learned: bool
    outcomes: int = 0
    led_to_profile: int = 0
    coefficients: dict[str, float] = field(default_factory=dict)


MIN_OUTCOMES = 30
MIN_PER_CLASS = 5
MAX_LOG_FACTOR = 3.0


def learn_weights(
    x: np.ndarray,
    led_to_profile: np.ndarray,
    defaults: dict[str, float] | None = None,
    *,
    min_outcomes: int = MIN_OUTCOMES,
    min_per_class: int = MIN_PER_CLASS,
) -> LearnedWeights:
    """Re-weight the components from contacted suggestions and whether a profile followed.

    A logistic regression (L2-regularised, scikit-learn) over the five component scores; each
    default weight is multiplied by e^coefficient (bounded to e^±3) and the weights renormalised
    to sum to one. So a component whose high values went with profiles gains weight, one with no
    link keeps its factor near one and loses share to the gainers, and one that went against
    profiles loses. Too few outcomes, or too few of either kind: the defaults, unchanged."""
    defaults = dict(defaults or DEFAULT_WEIGHTS)
    y = np.asarray(led_to_profile, dtype=bool)
    positives = int(y.sum())
    result = LearnedWeights(
        weights=defaults, learned=False, outcomes=int(y.size), led_to_profile=positives
    )
    if y.size < min_outcomes or min(positives, y.size - positives) < min_per_class:
        return result
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, max_iter=500)
    model.fit(np.asarray(x, dtype=float), y)
    coef = np.clip(model.coef_[0], -MAX_LOG_FACTOR, MAX_LOG_FACTOR)
    raw = {k: defaults[k] * float(np.exp(coef[i])) for i, k in enumerate(COMPONENTS)}
    total = sum(raw.values()) or 1.0
    result.weights = {k: raw[k] / total for k in COMPONENTS}
    result.learned = True
    result.coefficients = {k: float(coef[i]) for i, k in enumerate(COMPONENTS)}
    return result
