"""Matching engine benchmark: prints latency, throughput, memory and the speed-up over the
per-pair Python implementation. Run: ``uv run python benchmarks/matching.py`` (``--quick`` for a
short run). Synthetic data over southern Sweden; same seed, same data.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matching.engine import Engine, ParticipantRecord, ProfileRecord, Weights, score_pair  # noqa: E402

SKILLS = 400
ADAPTATIONS = 26
MEANS = ("walk", "bike", "public_transport", "car")


def synthetic(n_participants: int, n_profiles: int, seed: int = 7):
    rng = np.random.default_rng(seed)
    centres = np.array(
        [
            [56.66, 16.36],
            [57.76, 16.64],
            [57.26, 16.45],
            [56.74, 15.91],
            [55.60, 13.00],
            [57.70, 11.97],
            [59.33, 18.07],
        ]
    )

    def coords(n):
        c = centres[rng.integers(0, len(centres), n)]
        return c[:, 0] + rng.normal(0, 0.25, n), c[:, 1] + rng.normal(0, 0.35, n)

    plat, plon = coords(n_participants)
    people = []
    for i in range(n_participants):
        means = tuple(m for m in MEANS if rng.random() < 0.6) or ("walk",)
        lo = int(rng.integers(0, 25))
        people.append(
            ParticipantRecord(
                id=i + 1,
                lat=float(plat[i]),
                lon=float(plon[i]),
                hours_min=lo,
                hours_max=lo + int(rng.integers(5, 20)),
                swedish_level=int(rng.integers(0, 8)),
                needs=frozenset(
                    int(x)
                    for x in rng.choice(
                        ADAPTATIONS, size=int(rng.choice([0, 0, 1, 2])), replace=False
                    )
                ),
                means=means,
                has_licence=bool(rng.random() < 0.5),
                has_car=bool(rng.random() < 0.4),
                own_minutes=None if rng.random() < 0.6 else int(rng.integers(20, 90)),
                skills={
                    int(s): (
                        str(rng.choice(["self_reported", "observed", "validated"])),
                        int(rng.integers(1, 5)),
                    )
                    for s in rng.choice(SKILLS, size=int(rng.integers(1, 6)), replace=False)
                },
                certified_modules={
                    int(m): 2
                    for m in rng.choice(20, size=int(rng.choice([0, 0, 1])), replace=False)
                },
                kga={int(k): int(rng.integers(1, 5)) for k in range(8) if rng.random() < 0.3},
                desired_occupations=frozenset(
                    int(o) for o in rng.choice(300, size=2, replace=False)
                ),
                consent_employers=frozenset(
                    int(e) for e in rng.choice(5000, size=3, replace=False)
                ),
            )
        )
    rlat, rlon = coords(n_profiles)
    jobs = []
    for j in range(n_profiles):
        lo = int(rng.integers(0, 30))
        jobs.append(
            ProfileRecord(
                id=j + 1,
                employer_id=int(rng.integers(0, 5000)),
                lat=float(rlat[j]),
                lon=float(rlon[j]),
                hours_min=lo,
                hours_max=lo + int(rng.integers(5, 20)),
                swedish_level=int(rng.integers(0, 6)),
                offered=frozenset(
                    int(x)
                    for x in rng.choice(ADAPTATIONS, size=int(rng.integers(3, 20)), replace=False)
                ),
                available=bool(rng.random() < 0.9),
                kind=str(rng.choice(["practice", "work_trial", "employment", "study_visit"])),
                occupation_id=int(rng.integers(0, 300)),
                industry=str(rng.choice(list("ACGIJLNPQ"))),
                skills={
                    int(s): (int(rng.integers(1, 6)), bool(rng.random() < 0.3))
                    for s in rng.choice(SKILLS, size=int(rng.integers(1, 5)), replace=False)
                },
                ocn_required={int(rng.integers(0, 20)): 1} if rng.random() < 0.05 else {},
                kga_required={int(rng.integers(0, 8)): int(rng.integers(1, 4))}
                if rng.random() < 0.1
                else {},
                supervisor=bool(rng.random() < 0.8),
                open_proposals=int(rng.integers(0, 5)),
                slots_free=int(rng.integers(0, 4)),
            )
        )
    return people, jobs


def cycle(rank, ids):
    """A call that ranks the next id of ``ids`` each time (different inputs, no caching effects)."""
    state = {"i": 0}

    def call():
        state["i"] += 1
        return rank(int(ids[state["i"] % len(ids)]), limit=20)

    return call


def timed(fn, repeats: int) -> tuple[float, float]:
    fn()  # warm-up
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer repeats")
    args = parser.parse_args()
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    repeats = 10 if args.quick else 30
    weights = Weights()
    print(f"Brygga matching benchmark — numpy {np.__version__}, {repeats} repeats, top-20")
    print(
        f"{'N':>8}  {'participant→N profiles p50/p95 ms':>36}  {'profile→N participants p50/p95 ms':>36}  build s"
    )
    for n in sizes:
        people, jobs = synthetic(n, n)
        start = time.perf_counter()
        engine = Engine(people, jobs, weights=weights)
        build = time.perf_counter() - start
        rng = np.random.default_rng(1)
        pids = rng.integers(1, n + 1, 64)
        rids = rng.integers(1, n + 1, 64)
        p50a, p95a = timed(cycle(engine.rank_profiles, pids), repeats)
        p50b, p95b = timed(cycle(engine.rank_participants, rids), repeats)
        print(f"{n:>8}  {p50a:>17.2f} / {p95a:<16.2f}  {p50b:>17.2f} / {p95b:<16.2f}  {build:6.1f}")

    n = 2_000 if args.quick else 10_000
    people, jobs = synthetic(n, n, seed=11)
    engine = Engine(people, jobs, weights=weights)
    tracemalloc.start()
    start = time.perf_counter()
    results = sum(1 for _ in engine.batch_top_k(k=20, chunk=256))
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    pairs = n * n
    print(
        f"batch {n:,} × {n:,}: {elapsed:.2f} s, {pairs / elapsed:,.0f} pairs/s, {results:,} rankings, "
        f"peak traced memory {peak / 2**20:.0f} MiB, max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )

    sample_people, sample_jobs = people[:20], jobs[:500]
    start = time.perf_counter()
    for p in sample_people:
        for r in sample_jobs:
            score_pair(p, r, weights)
    per_pair = (time.perf_counter() - start) / (len(sample_people) * len(sample_jobs))
    vectorised = elapsed / pairs
    print(
        f"per-pair Python: {1 / per_pair:,.0f} pairs/s on a {len(sample_people)}×{len(sample_jobs)} sample; "
        f"vectorised batch is {per_pair / vectorised:,.0f}× faster"
    )


if __name__ == "__main__":
    main()
