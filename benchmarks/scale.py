"""Scale-out benchmark: a full recompute split into parts ranked by 1, 2, … workers, each loading the
shared tables once, on synthetic data in the demo's shape (``benchmarks/matching.py``).

    uv run python benchmarks/scale.py [--participants 40000] [--profiles 10000] [--workers 1,2]
                                      [--mode celery|processes|both] [--parts-per-worker 1]

Two ways to run the parts:

- ``celery`` (the real thing): a real ``celery worker`` (prefork, ``--concurrency`` = workers) on the
  broker of ``CELERY_BROKER_URL`` (its Redis, db 7, queue ``scale-bench``; kombu's filesystem
  transport without one) runs one task per part (``benchmarks/scale_tasks.py``): each worker process
  loads the tables once, ranks its parts and writes the results in bulk into a scratch table of the
  database (``DATABASE_URL``; a temporary SQLite file without one).
- ``processes``: the same parts on a ``multiprocessing`` pool, no broker and no writes (the ranking
  alone).

The synthetic data is generated once, before the clock starts (it stands for the database); what is
timed per run is the table load in each worker process (reading the tables, building the engine),
the ranking and the writes. Every worker process runs with one BLAS/OpenMP thread
(``OMP_NUM_THREADS=1`` …), so N workers use N cores and not N × the BLAS pool.

Before the runs it prints the machine's own ceiling: how much faster N busy processes run than one
right now. On a machine shared with other work that ceiling, not the job, bounds the speed-up.

Why the speed-up was ~1.1× (measured 26 Nov 2026): (1) the machine: the ceiling on the shared
2-core CI machine was 1.03–1.2× while other builds ran — no job can beat it; (2) the per-part cost
of ``Engine.batch_top_k(part=…)``: it walks every chunk of the whole participant order, not only
its slice, so n parts cost about (1 + n/4) × one part's CPU (8 000 × 2 000: 1 part 0.94 s CPU,
2 parts 1.19 s, 8 parts 2.89 s; looping over the part only keeps it at ~1.0 s) — hence one part per
worker by default until the engine's loop is bounded by the part; (3) each worker re-generating the
synthetic data (5–15 s) inside the timed run — now generated once, before the clock; (4) BLAS
threads: one process already used both cores for matrix work — now one thread per process;
(5) writes: row inserts took 3× the ranking — now ``COPY``.

Prints, per number of workers: total time, table load per worker, pairs/s (all participant ×
profile pairs considered; only pairs within reach are scored), peak memory per worker process, the
speed-up over one worker by wall time and by the busiest worker's CPU time (what dedicated cores
give on a machine shared with other work); then the projection for 8 workers and for the national
case (400 000 participants × 100 000 profiles). Targets (≥ 1.7× from 1 to 2 workers on 2 cores) are
reported, not asserted.
"""

from __future__ import annotations

import os

# Before numpy is imported anywhere (here or in a forked child): one BLAS thread per process.
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import multiprocessing as mp  # noqa: E402
import pickle  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NATIONAL = (400_000, 100_000)
_tables = None
_engine = None


def synthetic(n_participants: int, n_profiles: int):
    spec = importlib.util.spec_from_file_location("bench_matching", ROOT / "benchmarks/matching.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.synthetic(n_participants, n_profiles)[:2]


# --- processes mode ---------------------------------------------------------------------------


def load_engine() -> float:
    """Worker start: build the engine from the shared tables once (what a worker keeps between parts)."""
    global _engine
    from matching.engine import Engine

    started = time.perf_counter()
    _engine = Engine(*_tables)
    return time.perf_counter() - started


def rank_part(args: tuple[int, int]) -> tuple[int, int, float, int, float, float]:
    index, parts = args
    load = load_engine() if _engine is None else 0.0
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    ranked = sum(1 for _ in _engine.batch_top_k(k=20, part=(index, parts)))
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    rank_cpu = (usage.ru_utime + usage.ru_stime) - (before.ru_utime + before.ru_stime)
    return os.getpid(), ranked, load, usage.ru_maxrss, rank_cpu, wall


def run_processes(workers: int, n_participants: int, parts_per_worker: int) -> dict:
    parts = workers * parts_per_worker
    started = time.perf_counter()
    with mp.get_context("fork").Pool(workers) as pool:
        results = pool.map(rank_part, [(i, parts) for i in range(parts)], chunksize=1)
    total = time.perf_counter() - started
    rows = [
        {"pid": pid, "ranked": n, "load_s": load, "peak_kb": peak, "rank_cpu": cpu, "rank_s": wall}
        for pid, n, load, peak, cpu, wall in results
    ]
    return summarise(workers, total, rows, n_participants)


# --- celery mode ------------------------------------------------------------------------------


class CeleryRunner:
    """Starts a real Celery worker per run, queues one task per part, waits for every part's row."""

    def __init__(self, tables_path: str, state: Path):
        self.tables_path = tables_path
        self.state = state
        broker = os.environ.get("CELERY_BROKER_URL", "")
        if broker.startswith("redis"):
            os.environ["SCALE_BROKER_URL"] = broker.rsplit("/", 1)[0] + "/7"
        else:
            folder = state / "broker"
            folder.mkdir()
            os.environ["SCALE_BROKER_URL"] = "filesystem://"
            os.environ["SCALE_BROKER_DIR"] = str(folder)
        # Django is only used for its database connection (the scratch tables).
        os.environ.setdefault("SECRET_KEY", "scale-benchmark-only")
        if not os.environ.get("DATABASE_URL"):
            os.environ["DATABASE_URL"] = f"sqlite:///{state / 'scale.sqlite3'}"
        from benchmarks import scale_tasks

        self.tasks = scale_tasks
        self.db = scale_tasks.connection()
        scale_tasks.create_tables(self.db)
        self.broker = os.environ["SCALE_BROKER_URL"]

    def close(self) -> None:
        self.tasks.drop_tables(self.db)

    def start_worker(self, workers: int) -> subprocess.Popen:
        self.tasks.app.control.purge()
        with open(self.state / f"worker-{workers}.log", "w") as log:
            process = self._popen(workers, log)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            text = (self.state / f"worker-{workers}.log").read_text()
            if " ready." in text:
                return process
            if process.poll() is not None:
                raise SystemExit(f"the Celery worker exited:\n{text[-3000:]}")
            time.sleep(0.2)
        process.kill()
        raise SystemExit("the Celery worker did not get ready in 120 s")

    def _popen(self, workers: int, log) -> subprocess.Popen:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "benchmarks.scale_tasks",
                "worker",
                "-P",
                "prefork",
                f"--concurrency={workers}",
                "-Q",
                self.tasks.QUEUE,
                "-O",
                "fair",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                "-n",
                f"scale{workers}-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def stop_worker(self, process: subprocess.Popen) -> None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def run(self, workers: int, n_participants: int, parts_per_worker: int) -> dict:
        parts = workers * parts_per_worker
        run = uuid.uuid4().hex[:12]
        process = self.start_worker(workers)
        try:
            started = time.time()
            for index in range(parts):
                self.tasks.rank_part.apply_async(args=[run, self.tables_path, index, parts])
            rows = self.wait(run, parts, timeout=1800, process=process)
            total = max(r["finished"] for r in rows) - started
        finally:
            self.stop_worker(process)
        with self.db.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {self.tasks.RESULTS} WHERE run = %s", [run])
            written = cursor.fetchone()[0]
            cursor.execute(f"DELETE FROM {self.tasks.RESULTS} WHERE run = %s", [run])
        result = summarise(workers, total, rows, n_participants)
        result["written"] = written
        result["write_s"] = max(
            sum(r["write_s"] for r in rows if r["pid"] == pid) for pid in {r["pid"] for r in rows}
        )
        return result

    def wait(self, run: str, parts: int, *, timeout: float, process) -> list[dict]:
        columns = [
            "pid",
            "ranked",
            "written",
            "load_s",
            "rank_s",
            "rank_cpu",
            "write_s",
            "cpu_s",
            "peak_kb",
            "finished",
        ]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.db.cursor() as cursor:
                cursor.execute(
                    f"SELECT {', '.join(columns)} FROM {self.tasks.PARTS} WHERE run = %s", [run]
                )
                found = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
            if len(found) >= parts:
                return found
            if process.poll() is not None:
                raise SystemExit("the Celery worker exited during the run")
            time.sleep(0.1)
        raise SystemExit(f"only {len(found)} of {parts} parts finished in {timeout:.0f} s")


# --- dedicated cores, estimated on one ---------------------------------------------------------


def sequential_parts(counts: list[int], parts_per_worker: int) -> dict[int, float]:
    """Every split run part after part in this one process, by CPU time: the busiest worker's share
    is the critical path on dedicated cores, whatever else the machine runs now."""
    from matching.engine import Engine

    engine = Engine(*_tables)
    print("\nsequential parts, one process, CPU time (what dedicated cores would give):")
    base = None
    speedups = {}
    for workers in sorted({*counts, 8}):
        parts = workers * parts_per_worker
        cpu = []
        for index in range(parts):
            started = time.process_time()
            sum(1 for _ in engine.batch_top_k(k=20, part=(index, parts)))
            cpu.append(time.process_time() - started)
        # parts dealt round-robin to the workers, as a fair prefork pool takes them
        busiest = max(sum(cpu[w::workers]) for w in range(workers))
        base = base or busiest
        print(
            f"{workers:>7} workers: {parts} parts, CPU sum {sum(cpu):.1f} s, busiest worker "
            f"{busiest:.1f} s -> speed-up {base / busiest:.2f}x on {workers} dedicated cores"
        )
        speedups[workers] = base / busiest
    return speedups


# --- the machine's own ceiling ----------------------------------------------------------------


def _busy(seconds_hint: int) -> float:
    started = time.perf_counter()
    total = 0
    for i in range(seconds_hint * 4_000_000):
        total += i * i % 7
    return time.perf_counter() - started


def machine_ceiling(workers: int) -> float:
    """The speed-up a perfectly parallel CPU loop gets from ``workers`` processes right now: on a
    machine shared with other work (or with hyperthreads for cores) no job can beat it."""
    started = time.perf_counter()
    _busy(1)
    one = time.perf_counter() - started
    started = time.perf_counter()
    with mp.get_context("fork").Pool(workers) as pool:
        pool.map(_busy, [1] * workers)
    return workers * one / (time.perf_counter() - started)


# --- figures ----------------------------------------------------------------------------------


def summarise(workers: int, total: float, rows: list[dict], n_participants: int) -> dict:
    per_pid: dict[int, dict] = {}
    for row in rows:
        w = per_pid.setdefault(row["pid"], {"ranked": 0, "load": 0.0, "peak_mb": 0.0, "cpu": 0.0})
        w["ranked"] += row["ranked"]
        w["load"] += row["load_s"]
        w["peak_mb"] = max(w["peak_mb"], row["peak_kb"] / 1024)
        # the busiest process's CPU (load + ranking): its critical path on a dedicated core
        w["cpu"] += row["rank_cpu"] + row["load_s"]
    ranked = sum(w["ranked"] for w in per_pid.values())
    assert ranked == n_participants, (ranked, n_participants)
    return {
        "workers": workers,
        "processes": len(per_pid),
        "total_s": total,
        "load_s": max(w["load"] for w in per_pid.values()),
        "peak_mb": max(w["peak_mb"] for w in per_pid.values()),
        "cpu_max_s": max(w["cpu"] for w in per_pid.values()),
        "part_s": sorted(round(r["rank_s"], 2) for r in rows),
    }


def report(mode: str, rows: list[dict], args) -> None:
    pairs = args.participants * args.profiles
    print(f"\n{mode}: {args.parts_per_worker} parts per worker")
    print(
        f"{'workers':>7}{'total s':>9}{'load s':>8}{'pairs/s':>13}{'peak MB/proc':>14}"
        f"{'speed-up':>10}{'busiest CPU s':>15}{'by CPU':>8}"
        + ("   written rows  write s" if "written" in rows[0] else "")
    )
    for row in rows:
        speedup = rows[0]["total_s"] / row["total_s"]
        by_cpu = rows[0]["cpu_max_s"] / row["cpu_max_s"]
        line = (
            f"{row['workers']:>7}{row['total_s']:>9.1f}{row['load_s']:>8.1f}"
            f"{pairs / row['total_s']:>13,.0f}{row['peak_mb']:>14.0f}{speedup:>10.2f}"
            f"{row['cpu_max_s']:>15.1f}{by_cpu:>8.2f}"
        )
        if "written" in row:
            line += f"{row['written']:>15,}{row['write_s']:>9.1f}"
        print(line)
        print(f"{'':>7}part ranking times (s): {row['part_s']}")
    if len(rows) > 1:
        last, one = rows[-1], rows[0]
        efficiency = (one["total_s"] / last["total_s"]) / last["workers"]
        cpu_eff = (one["cpu_max_s"] / last["cpu_max_s"]) / last["workers"]
        print(
            f"parallel efficiency at {last['workers']} workers: {efficiency:.0%} by wall time, "
            f"{cpu_eff:.0%} by the busiest worker's CPU time"
        )
        eff = max(min(efficiency, 1.0), 0.01)
        print(f"projected 8 workers, this size: {one['total_s'] / (8 * eff):.1f} s wall")
        scale = (NATIONAL[0] * NATIONAL[1]) / pairs
        national = one["total_s"] * scale
        print(
            f"projected national case ({NATIONAL[0]:,} x {NATIONAL[1]:,}, linear in pairs): "
            f"1 worker {national / 60:.0f} min, 8 workers {national / (8 * eff) / 60:.0f} min at "
            f"this efficiency ({national / (8 * max(min(cpu_eff, 1.0), 0.01)) / 60:.0f} min at the "
            "CPU-time efficiency, i.e. on dedicated cores)"
        )


def main() -> int:
    global _tables
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=40_000)
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--parts-per-worker", type=int, default=1)
    parser.add_argument("--mode", choices=["celery", "processes", "both"], default="both")
    args = parser.parse_args()
    counts = [int(x) for x in args.workers.split(",")]
    print(
        f"synthetic: {args.participants} participants x {args.profiles} profiles, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, "
        f"OMP/OPENBLAS threads {os.environ['OPENBLAS_NUM_THREADS']}"
    )
    for w in counts[1:]:
        print(
            f"machine ceiling now: {w} busy processes run {machine_ceiling(w):.2f}x one "
            "(a perfectly parallel loop; the most any job can get here)"
        )
    started = time.perf_counter()
    _tables = synthetic(args.participants, args.profiles)
    print(f"generated in {time.perf_counter() - started:.1f} s (not timed below)")
    with tempfile.TemporaryDirectory(prefix="brygga-scale-") as tmp:
        state = Path(tmp)
        if args.mode in ("celery", "both"):
            path = state / "tables.pickle"
            with open(path, "wb") as handle:
                pickle.dump(_tables, handle, protocol=pickle.HIGHEST_PROTOCOL)
            runner = CeleryRunner(str(path), state)
            try:
                rows = [runner.run(w, args.participants, args.parts_per_worker) for w in counts]
            finally:
                runner.close()
            report(f"Celery worker (prefork) on {os.environ['SCALE_BROKER_URL']}", rows, args)
        if args.mode in ("processes", "both"):
            rows = [run_processes(w, args.participants, args.parts_per_worker) for w in counts]
            report("multiprocessing pool (ranking only, no broker, no writes)", rows, args)
            speedups = sequential_parts(counts, args.parts_per_worker)
            one = rows[0]["total_s"]
            national = one * (NATIONAL[0] * NATIONAL[1]) / (args.participants * args.profiles)
            print(
                f"projected national case on 8 dedicated workers from these CPU times: "
                f"{national / speedups[8] / 60:.0f} min (1 worker {national / 60:.0f} min, "
                f"speed-up {speedups[8]:.1f}x)"
            )
    print("\ntarget: >= 1.7x from 1 to 2 workers on 2 cores (reported, not asserted)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
