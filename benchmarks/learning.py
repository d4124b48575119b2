"""Learned-weights benchmark (issue 25): score and fit 20 000 generated placements.

    uv run python benchmarks/learning.py [--placements 20000] [--profiles 500] [--seed 7]
        [--no-weekly-list]

Pure engine, no database: participants and task profiles are generated as engine records, each
placement's six component scores come from the engine's own vectorised scorer, and whether a
placement lasted is drawn from a known model (short trips and good skills last). Then the same
fit the manager's page runs (``matching.engine.learning.learn_weights``). Target: the fit within
30 s on 2 cores; printed, not asserted (a shared machine is noisy).

Then the coordinator's weekly list "Vem kontaktar jag nu?" for a county (``benchmarks/outreach.py``:
2 000 employers, 50 000 historical ads, 1 000 waiting participants in a throw-away database).
Target: ≤ 5 s. ``--no-weekly-list`` skips it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from matching.engine import COMPONENTS, ParticipantRecord, ProfileRecord, Weights  # noqa: E402
from matching.engine.learning import learn_weights  # noqa: E402
from matching.engine.scoring import score_block  # noqa: E402
from matching.engine.tables import build_tables  # noqa: E402

TARGET_FIT_SECONDS = 30.0
KALMAR = (56.6634, 16.3568)


def generate(n: int, n_profiles: int, seed: int):
    rng = np.random.default_rng(seed)
    skills = list(range(1, 41))
    profiles = [
        ProfileRecord(
            id=j + 1,
            employer_id=j // 3 + 1,
            lat=KALMAR[0] + rng.normal(0, 0.12),
            lon=KALMAR[1] + rng.normal(0, 0.2),
            hours_min=float(rng.integers(10, 25)),
            hours_max=40.0,
            swedish_level=int(rng.integers(0, 4)),
            skills={int(s): (1.0, bool(rng.random() < 0.3)) for s in rng.choice(skills, 3, False)},
            open_proposals=int(rng.integers(0, 4)),
            slots_free=2,
        )
        for j in range(n_profiles)
    ]
    participants = [
        ParticipantRecord(
            id=i + 1,
            lat=KALMAR[0] + rng.normal(0, 0.12),
            lon=KALMAR[1] + rng.normal(0, 0.2),
            hours_min=float(rng.integers(5, 30)),
            hours_max=40.0,
            swedish_level=int(rng.integers(0, 4)),
            means=("bike", "public_transport"),
            skills={
                int(s): (str(rng.choice(["validated", "observed", "self_reported"])), 3)
                for s in rng.choice(skills, int(rng.integers(1, 8)), False)
            },
        )
        for i in range(n)
    ]
    placed = rng.integers(0, n_profiles, n)  # participant i was placed in profile placed[i]
    started = rng.permutation(n)  # start order
    return participants, profiles, placed, started, rng


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--placements", type=int, default=20_000)
    parser.add_argument("--profiles", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-weekly-list", action="store_true")
    args = parser.parse_args()

    t0 = time.perf_counter()
    participants, profiles, placed, started, rng = generate(
        args.placements, args.profiles, args.seed
    )
    tables = build_tables(participants, profiles)
    t1 = time.perf_counter()
    X = np.zeros((args.placements, len(COMPONENTS)))
    for col in np.unique(placed):
        rows = np.flatnonzero(placed == col)
        block = score_block(tables, rows, np.array([col]), Weights())
        for k, name in enumerate(COMPONENTS):
            X[rows, k] = block.components[name][:, 0]
    t2 = time.perf_counter()
    # The known truth: geography (short trips) and skills drive lasting; the rest is noise.
    logit = -2.0 + 3.0 * X[:, 2] + 2.0 * X[:, 0]
    lasted = rng.random(args.placements) < 1 / (1 + np.exp(-logit))
    result = learn_weights(X, lasted, started, Weights())
    t3 = time.perf_counter()

    f = result.figures
    later = f.get("later_period", {})
    print(f"placements: {f['outcomes']} (lasted {f['lasted']}, ended early {f['ended_early']})")
    print(f"generate + tables: {t1 - t0:.2f} s; component scores: {t2 - t1:.2f} s")
    print(f"fit + validation: {t3 - t2:.2f} s (target ≤ {TARGET_FIT_SECONDS:.0f} s)")
    print(
        f"later period ({f.get('evaluated_on')} placements): AUC proposed "
        f"{later.get('auc_proposed', float('nan')):.3f} vs today "
        f"{later.get('auc_today', float('nan')):.3f}; Brier proposed "
        f"{later.get('brier_proposed', float('nan')):.3f} vs today "
        f"{later.get('brier_today', float('nan')):.3f}"
    )
    cv = f.get("cv_auc", {})
    print(
        f"rolling-origin CV AUC ({cv.get('folds')} folds): {cv.get('proposed')} vs {cv.get('today')}"
    )
    print(f"likelihood ratio: {f.get('likelihood_ratio')}")
    print(f"not proposed because: {result.reasons}" if result.reasons else "proposal:")
    for name in COMPONENTS:
        new = result.proposed[name] if result.proposed else float("nan")
        print(f"  {name:18} today {result.current[name]:.3f}  proposed {new:.3f}")
    if not args.no_weekly_list:
        from benchmarks.outreach import run as weekly_list

        weekly_list()


if __name__ == "__main__":
    main()
