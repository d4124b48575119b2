"""The Celery side of ``benchmarks/scale.py --celery``: a split recompute of synthetic data run as real
Celery tasks by a real ``celery worker`` (prefork, ``--concurrency`` 1, 2, …).

Each worker process loads the shared tables once (the pickled records the benchmark wrote, standing
for the database; cached per process and per table file, as ``unit_engine`` caches a unit's engine
per version) and builds the engine from them; every part it runs after that reuses them. A part
ranks its slice of the participants (``Engine.batch_top_k(part=(i, n))``) and writes the results in
bulk (``COPY`` on PostgreSQL, multi-row inserts of 2 000 rows elsewhere; one transaction per part) into a scratch table of the
configured database; it then records its own figures (table load, ranking and writing time, CPU,
peak memory of the process) in a second scratch table, which the benchmark polls.

Its own Celery app and queue (``scale-bench``) on ``SCALE_BROKER_URL``, so the production stack's
worker never takes these tasks.
"""

from __future__ import annotations

import os
import pickle
import resource
import sys
import time
from pathlib import Path

from celery import Celery

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

QUEUE = "scale-bench"
RESULTS = "bench_scale_suggestion"
PARTS = "bench_scale_part"
BATCH = 2000

app = Celery("brygga_scale_bench")
app.conf.update(
    broker_url=os.environ.get("SCALE_BROKER_URL", "memory://"),
    task_default_queue=QUEUE,
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
)
if app.conf.broker_url.startswith("filesystem://"):
    folder = os.environ["SCALE_BROKER_DIR"]
    app.conf.broker_transport_options = {
        "data_folder_in": folder,
        "data_folder_out": folder,
        "processed_folder": folder,
        "store_processed": False,
    }

_tables: dict[str, object] = {}


def engine_for(path: str):
    """The worker process's engine for this table file, loaded and built once."""
    if path not in _tables:
        from matching.engine import Engine

        with open(path, "rb") as handle:
            people, jobs = pickle.load(handle)
        _tables.clear()  # one job's tables at a time
        _tables[path] = Engine(people, jobs)
    return _tables[path]


def connection():
    import django

    django.setup()
    from django.db import connection as db

    return db


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@app.task(name="scale.rank_part")
def rank_part(run: str, path: str, index: int, parts: int, k: int = 20) -> int:
    started, cpu_started = time.perf_counter(), cpu()
    fresh = path not in _tables
    engine = engine_for(path)
    db = connection()
    if fresh:
        db.ensure_connection()
    load = time.perf_counter() - started
    ranked_at, cpu_ranked_at = time.perf_counter(), cpu()
    rows: list[tuple] = []
    ranked = 0
    for participant_id, top in engine.batch_top_k(k=k, part=(index, parts)):
        ranked += 1
        for rank, (profile_id, score) in enumerate(top, start=1):
            rows.append((run, int(participant_id), int(profile_id), float(score), rank))
    rank_s, rank_cpu = time.perf_counter() - ranked_at, cpu() - cpu_ranked_at
    written_at = time.perf_counter()
    write_rows(db, rows)
    write_s = time.perf_counter() - written_at
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    record(
        db,
        (
            run,
            index,
            os.getpid(),
            ranked,
            len(rows),
            load,
            rank_s,
            rank_cpu,
            write_s,
            cpu() - cpu_started,
            peak_kb,
            time.time(),
        ),
    )
    return ranked


def write_rows(db, rows: list[tuple]) -> None:
    """In bulk, one transaction: COPY on PostgreSQL, multi-row inserts elsewhere."""
    from django.db import transaction

    with transaction.atomic(), db.cursor() as cursor:
        if db.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor
            with raw.copy(
                f"COPY {RESULTS} (run, participant, profile, score, rank) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            values = ",".join(["(%s, %s, %s, %s, %s)"] * len(batch))
            cursor.execute(
                f"INSERT INTO {RESULTS} (run, participant, profile, score, rank) VALUES {values}",
                [v for row in batch for v in row],
            )


def record(db, row: tuple) -> None:
    with db.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {PARTS} (run, part, pid, ranked, written, load_s, rank_s, rank_cpu, "
            "write_s, cpu_s, peak_kb, finished) VALUES "
            "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            list(row),
        )


def create_tables(db) -> None:
    with db.cursor() as cursor:
        for table in (RESULTS, PARTS):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(
            f"CREATE TABLE {RESULTS} (run varchar(40), participant bigint, profile bigint, "
            "score double precision, rank integer)"
        )
        cursor.execute(
            f"CREATE TABLE {PARTS} (run varchar(40), part integer, pid integer, ranked integer, "
            "written integer, load_s double precision, rank_s double precision, "
            "rank_cpu double precision, write_s double precision, cpu_s double precision, "
            "peak_kb bigint, finished double precision)"
        )


def drop_tables(db) -> None:
    with db.cursor() as cursor:
        for table in (RESULTS, PARTS):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
