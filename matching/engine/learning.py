"""Weights learned from the unit's own outcomes (issue 25): the pure math, no Django.

Input: one row per placement with a known outcome — the engine's six component scores for the
placement's (participant, profile) pair, whether it lasted, and when it started. Nothing else:
gender, age or origin are never features (the record types carry none; the Django side only uses
them for the fairness report, after the fit).

The model: P(lasted) = σ(a + Σ mᵢ·wᵢ·xᵢ) with today's weights wᵢ, the components xᵢ and one
multiplier mᵢ ≥ 0 per component. Non-negative multipliers keep it monotone: a higher component
score never lowers the chance. The multipliers are shrunk towards a common scale (a ridge
penalty on (mᵢ − s)·wᵢ), so with little evidence the proposal stays close to today's weights. The
proposal is wᵢ·mᵢ, normalised like ``Weights.normalised()`` (a weight of zero today stays zero).

A proposal is made only when there is enough data and a signal: on a LATER period than the fit
(time split by start date) the proposed weights must discriminate better than today's by a margin
(ROC AUC), and the multipliers must improve the fit significantly over today's weights alone
(a likelihood-ratio test).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from matching.engine.config import COMPONENTS, Weights


@dataclass(frozen=True)
class LearningSettings:
    min_outcomes: int = 40
    min_per_class: int = 10
    later_share: float = 0.3  # the latest share of placements (by start date) is held out
    auc_margin: float = 0.02  # the proposal must beat today's AUC by this much on the later period
    p_value: float = 0.05  # likelihood-ratio test of the multipliers against today's weights
    ridge: float = 1.0  # shrinkage of the multipliers towards a common scale
    cv_folds: int = 3  # rolling-origin folds for the cross-validated AUC
    reliability_bins: int = 5


@dataclass
class Fit:
    intercept: float
    multipliers: np.ndarray  # one per component, ≥ 0
    scale: float
    log_likelihood: float
    center: np.ndarray | float = 0.0  # the fitted components' means (see ``fit_multipliers``)

    def predict(self, X: np.ndarray, weights: np.ndarray) -> np.ndarray:
        return _sigmoid(self.intercept + ((X - self.center) * weights) @ self.multipliers)


@dataclass
class LearningResult:
    """What the manager sees: the proposal (or why there is none) and the figures behind it."""

    proposed: dict[str, float] | None
    current: dict[str, float]
    reasons: list[str] = field(default_factory=list)  # codes: why nothing is proposed
    figures: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -35.0, 35.0)))


def _log_likelihood(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))


def fit_multipliers(X: np.ndarray, y: np.ndarray, weights: np.ndarray, ridge: float) -> Fit:
    """Penalised logistic regression on the weighted components, multipliers bounded at 0.

    The components are centred first, so a component that does not vary in the data carries no
    evidence and cannot stand in for the intercept: its multiplier stays at the common scale."""
    center = X.mean(axis=0)
    Z = (X - center) * weights  # n × k: each component's (centred) contribution to today's score
    k = Z.shape[1]
    y = y.astype(float)

    def loss(theta):
        a, s, m = theta[0], theta[1], theta[2:]
        eta = a + Z @ m
        p = _sigmoid(eta)
        nll = -_log_likelihood(p, y)
        # The penalty is on the logit coefficients mᵢ·wᵢ against s·wᵢ (today's weights, scaled):
        # every component is shrunk alike, whether today's weight is large or small.
        diff = (m - s) * weights
        penalty = 0.5 * ridge * float(diff @ diff)
        residual = p - y
        grad_a = residual.sum()
        grad_m = Z.T @ residual + ridge * diff * weights
        grad_s = -ridge * float(diff @ weights)
        return nll + penalty, np.concatenate([[grad_a, grad_s], grad_m])

    base = np.log((y.mean() + 1e-6) / (1 - y.mean() + 1e-6))
    theta0 = np.concatenate([[base, 1.0], np.ones(k)])
    bounds = [(None, None), (0.0, None)] + [(0.0, None)] * k
    from scipy import optimize  # here: SciPy and scikit-learn take seconds to import

    res = optimize.minimize(loss, theta0, jac=True, method="L-BFGS-B", bounds=bounds)
    a, s, m = res.x[0], res.x[1], res.x[2:]
    ll = _log_likelihood(_sigmoid(a + Z @ m), y)
    return Fit(float(a), np.maximum(m, 0.0), float(s), ll, center)


def fit_today(X: np.ndarray, y: np.ndarray, weights: np.ndarray) -> Fit:
    """Today's weights alone, calibrated: P = σ(a + s·score), s ≥ 0 (the restricted model)."""
    score = (X * weights).sum(axis=1)
    y = y.astype(float)

    def loss(theta):
        p = _sigmoid(theta[0] + theta[1] * score)
        r = p - y
        return -_log_likelihood(p, y), np.array([r.sum(), r @ score])

    from scipy import optimize  # here: SciPy and scikit-learn take seconds to import

    res = optimize.minimize(
        loss, np.array([0.0, 1.0]), jac=True, method="L-BFGS-B", bounds=[(None, None), (0, None)]
    )
    a, s = res.x
    return Fit(
        float(a),
        np.full(len(weights), s),
        float(s),
        _log_likelihood(_sigmoid(a + s * score), y),
    )


def _auc(y: np.ndarray, score: np.ndarray) -> float | None:
    if len(np.unique(y)) < 2:
        return None
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, score))


def reliability_table(y: np.ndarray, p: np.ndarray, bins: int) -> list[dict]:
    """Predicted chance against the observed share, in equal-width bins of the prediction."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    rows = []
    for b in range(bins):
        inside = which == b
        if inside.any():
            rows.append(
                {
                    "low": float(edges[b]),
                    "high": float(edges[b + 1]),
                    "count": int(inside.sum()),
                    "predicted": float(p[inside].mean()),
                    "observed": float(y[inside].mean()),
                }
            )
    return rows


def normalised(values: np.ndarray) -> dict[str, float]:
    total = float(values.sum())
    return {name: float(v / total) for name, v in zip(COMPONENTS, values, strict=True)}


def learn_weights(
    X: np.ndarray,
    lasted: np.ndarray,
    started: np.ndarray,
    current: Weights,
    settings: LearningSettings | None = None,
) -> LearningResult:
    """Fit, validate on the later period, and propose new weights — or say why not.

    ``X``: n × 6 component scores in ``COMPONENTS`` order; ``lasted``: n booleans; ``started``:
    n sortable start dates (the time split)."""
    # Here, not at the top: SciPy and scikit-learn take seconds to import, which every process
    # paid at start-up.
    from scipy import stats
    from sklearn.metrics import brier_score_loss

    settings = settings or LearningSettings()
    X = np.asarray(X, dtype=float).reshape(-1, len(COMPONENTS))
    y = np.asarray(lasted, dtype=bool).astype(float)
    w = np.array([current.normalised()[name] for name in COMPONENTS])
    today = current.normalised()
    n, n_lasted = len(y), int(y.sum())
    figures: dict = {"outcomes": n, "lasted": n_lasted, "ended_early": n - n_lasted}
    result = LearningResult(proposed=None, current=today, figures=figures)
    if n < settings.min_outcomes or min(n_lasted, n - n_lasted) < settings.min_per_class:
        result.reasons.append("too_little_data")
        return result

    # Time split: fit on the earlier placements, judge on the later ones. Ties in the start date
    # are broken by input order, so the split is reproducible.
    order = np.argsort(np.asarray(started), kind="stable")
    X, y = X[order], y[order]
    cut = int(round(n * (1 - settings.later_share)))
    train, test = slice(0, cut), slice(cut, n)
    figures["fitted_on"] = cut
    figures["evaluated_on"] = n - cut
    if len(np.unique(y[train])) < 2 or len(np.unique(y[test])) < 2:
        result.reasons.append("too_little_data")
        return result

    early = fit_multipliers(X[train], y[train], w, settings.ridge)
    early_today = fit_today(X[train], y[train], w)
    proposed_w = w * early.multipliers
    p_new = early.predict(X[test], w)
    p_old = early_today.predict(X[test], w)
    figures["later_period"] = {
        "auc_proposed": _auc(y[test], X[test] @ proposed_w),
        "auc_today": _auc(y[test], X[test] @ w),
        "brier_proposed": float(brier_score_loss(y[test], p_new)),
        "brier_today": float(brier_score_loss(y[test], p_old)),
        "reliability_proposed": reliability_table(y[test], p_new, settings.reliability_bins),
        "reliability_today": reliability_table(y[test], p_old, settings.reliability_bins),
    }

    # Rolling-origin cross-validation: each fold fits on everything before it.
    fold_aucs = []
    edges = np.linspace(0, n, settings.cv_folds + 2).astype(int)
    for i in range(1, settings.cv_folds + 1):
        tr, te = slice(0, edges[i]), slice(edges[i], edges[i + 1])
        if len(np.unique(y[tr])) < 2 or len(np.unique(y[te])) < 2:
            continue
        f = fit_multipliers(X[tr], y[tr], w, settings.ridge)
        fold_aucs.append(
            {
                "proposed": _auc(y[te], X[te] @ (w * f.multipliers)),
                "today": _auc(y[te], X[te] @ w),
            }
        )
    figures["cv_auc"] = {
        "folds": len(fold_aucs),
        "proposed": float(np.mean([f["proposed"] for f in fold_aucs])) if fold_aucs else None,
        "today": float(np.mean([f["today"] for f in fold_aucs])) if fold_aucs else None,
    }

    # The proposal itself is fitted on all outcomes; the test compares it with today's weights.
    full = fit_multipliers(X, y, w, settings.ridge)
    restricted = fit_today(X, y, w)
    lr = max(2.0 * (full.log_likelihood - restricted.log_likelihood), 0.0)
    dof = int((w > 0).sum()) - 1
    p_value = float(stats.chi2.sf(lr, dof)) if dof > 0 else 1.0
    figures["likelihood_ratio"] = {"statistic": lr, "dof": dof, "p_value": p_value}
    figures["common_scale"] = full.scale
    figures["multipliers"] = {
        name: float(m) for name, m in zip(COMPONENTS, full.multipliers, strict=True)
    }

    later = figures["later_period"]
    if later["auc_proposed"] is None or later["auc_proposed"] < (
        later["auc_today"] + settings.auc_margin
    ):
        result.reasons.append("no_better_than_today")
    if p_value > settings.p_value:
        result.reasons.append("not_significant")
    final = w * full.multipliers
    if final.sum() <= 0:
        result.reasons.append("no_signal")
    if result.reasons:
        return result
    result.proposed = normalised(final)
    return result
