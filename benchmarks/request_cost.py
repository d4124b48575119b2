"""Where a request's CPU goes: the load benchmark's mix run in-process, per kind of request.

    uv run python benchmarks/request_cost.py [--requests 200] [--profile KIND] [--top 25]
                                             [--only REGEX] [--kinds REGEX] [--callers REGEX] [--calls]

Runs against the configured database (``DATABASE_URL``; the demo data of ``manage.py seed_demo``)
through Django's full request handler and middleware, signed in as the demo users, with no HTTP
server in between. For each kind of request of ``benchmarks/load.py`` it prints the web process's
CPU per request (median and mean, ``time.process_time``), the database queries per request and the
time spent waiting for them. ``--profile KIND`` (a prefix of a kind, e.g. ``employer``) adds a
cProfile of that kind's requests, sorted by own time and timed in the thread's CPU time (waiting
for the database or the cache is not in it, so the listing ranks what costs CPU). The database
server's CPU is not in these
figures; ``benchmarks/load.py`` measures the whole stack.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "request-cost-benchmark")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import MIX, PASSWORD, USERS  # noqa: E402

TARGET_MS = 12


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start


def signed_in(username: str) -> Client:
    client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "testserver")
    page = client.get("/logga-in/")
    response = client.post("/logga-in/", {"username": username, "password": PASSWORD}, follow=False)
    if response.status_code != 302:
        raise SystemExit(
            f"login as {username} failed ({response.status_code}); run seed_demo first"
        )
    del page
    return client


def targets(clients: dict[str, list[Client]]) -> dict[str, list]:
    guide = clients["guide"][0]
    coordinator = clients["coordinator"][0]
    me = guide.get("/api/v1/me/").json()
    active = [
        p
        for p in guide.get("/api/v1/participants/?page_size=200").json()["results"]
        if p.get("active", True)
    ]
    people = [p["id"] for p in active]
    employers = coordinator.get("/api/v1/employers/?page_size=200").json()["results"]
    profiles = coordinator.get("/api/v1/task-profiles/?page_size=200&status=open").json()["results"]
    words = sorted({w for e in employers for w in e["name"].split() if len(w) > 3})[:60]
    return {
        "participants": people,
        "own": [p["id"] for p in active if p.get("guide") == me["id"]] or people,
        "employers": [e["id"] for e in employers],
        "profiles": [p["id"] for p in profiles],
        "words": words or [""],
    }


def request(kind: str, client: Client, ids: dict, rng: random.Random):
    if kind == "guide: matches":
        return client.get(
            f"/api/v1/participants/{rng.choice(ids['participants'])}/matches/?limit=20"
        )
    if kind == "guide: participant page":
        return client.get(f"/deltagare/{rng.choice(ids['participants'])}/")
    if kind == "coordinator: employer search":
        return client.get(f"/arbetsgivare/?q={rng.choice(ids['words'])}")
    if kind == "coordinator: employer page":
        return client.get(f"/arbetsgivare/{rng.choice(ids['employers'])}/")
    if kind == "coordinator: profile matches":
        return client.get(f"/api/v1/task-profiles/{rng.choice(ids['profiles'])}/matches/?limit=20")
    if kind == "employer: portal":
        return client.get("/arbetsgivarportal/")
    if kind == "employer: placements":
        return client.get("/api/v1/placements/")
    if kind == "write: participant edit":
        return client.patch(
            f"/api/v1/participants/{rng.choice(ids['own'])}/",
            data={"hours_max": rng.choice([20, 25, 30, 35, 40])},
            content_type="application/json",
        )
    if kind == "write: contact log":
        return client.post(
            "/api/v1/interactions/",
            data={
                "employer": rng.choice(ids["employers"]),
                "kind": "call",
                "occurred_on": time.strftime("%Y-%m-%d"),
                "notes": "Request cost benchmark",
            },
            content_type="application/json",
        )
    raise ValueError(kind)


def calls_per_request(kind: str, clients: dict, ids: dict, rng, count: int) -> float:
    """Python function calls per request of ``kind``, counted by cProfile."""
    role = MIX[kind][0]
    users = clients[role][:1] if kind == "write: participant edit" else clients[role]
    profiler = cProfile.Profile()
    for i in range(count):
        profiler.enable()
        request(kind, users[i % len(users)], ids, rng)
        profiler.disable()
    return pstats.Stats(profiler).total_calls / count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="per kind")
    parser.add_argument("--profile", default="", help="profile the kinds starting with this")
    parser.add_argument("--callers", default="", help="with --profile: who calls these functions")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--only", default="", help="the cumulative listing only for functions matching this regex"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--writes", action="store_true", help="include the two writing kinds")
    parser.add_argument("--kinds", default="", help="only the kinds matching this regex")
    parser.add_argument(
        "--calls",
        action="store_true",
        help="also count the Python function calls per request (a second pass of up to 50 "
        "requests under cProfile): a figure that does not move with the machine's speed",
    )
    args = parser.parse_args()

    rng = random.Random(args.seed)
    clients = {role: [signed_in(name) for name in names] for role, names in USERS.items()}
    ids = targets(clients)
    kinds = [
        k for k in MIX if (args.writes or not k.startswith("write")) and re.search(args.kinds, k)
    ]
    profiler = cProfile.Profile(time.thread_time) if args.profile else None
    weights = {k: w for k, (_, w) in MIX.items() if k in kinds}

    calls_head = f" {'calls':>8}" if args.calls else ""
    print(f"{'kind':32} {'CPU p50':>8} {'CPU mean':>9} {'queries':>8} {'db wait':>8}{calls_head}")
    mix_cpu = mix_calls = 0.0
    for kind in kinds:
        role = MIX[kind][0]
        cpu: list[float] = []
        queries: list[int] = []
        waits: list[float] = []
        for i in range(args.requests + 5):
            # the participant edits go to the first guide's own participants
            users = clients[role][:1] if kind == "write: participant edit" else clients[role]
            client = users[i % len(users)]
            counter = QueryCounter()
            profiling = profiler is not None and kind.startswith(args.profile) and i >= 5
            with connection.execute_wrapper(counter):
                if profiling:
                    profiler.enable()
                start = time.process_time()
                response = request(kind, client, ids, rng)
                spent = time.process_time() - start
                if profiling:
                    profiler.disable()
            if response.status_code >= 400:
                raise SystemExit(f"{kind}: {response.status_code}")
            if i >= 5:  # the first requests warm caches
                cpu.append(spent * 1000)
                queries.append(counter.count)
                waits.append(counter.seconds * 1000)
        mean = statistics.fmean(cpu)
        mix_cpu += mean * weights[kind]
        calls = ""
        if args.calls:
            per_request = calls_per_request(kind, clients, ids, rng, min(args.requests, 50))
            mix_calls += per_request * weights[kind]
            calls = f" {per_request:8.0f}"
        print(
            f"{kind:32} {statistics.median(cpu):7.1f}ms {mean:8.1f}ms "
            f"{statistics.median(queries):8.0f} {statistics.median(waits):7.1f}ms{calls}"
        )
    mix = mix_cpu / sum(weights.values())
    print(
        f"{'weighted mix (web process)':32} {'':8} {mix:8.1f}ms   target ≤ {TARGET_MS} ms with the database"
    )
    if args.calls:
        print(f"{'weighted mix, calls per request':32} {mix_calls / sum(weights.values()):8.0f}")
    if profiler is not None:
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(args.top)
        only = (args.only,) if args.only else ()
        stats.sort_stats("cumulative").print_stats(*only, args.top)
        if args.callers:
            stats.print_callers(args.callers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
