"""Load benchmark: drives a running Brygga stack over a realistic mix and prints requests/s,
p50/p95/p99 per kind, errors and server CPU per request.

    uv run python benchmarks/load.py http://127.0.0.1:8000 [--duration 60] [--clients 50]
                                     [--mode both|saturation|workday] [--think 1.0]

Two modes: *saturation* (every client sends its next request as soon as the last one answered) and
*working day* (each user pauses ``--think`` seconds between requests). The mix: guides' matches and
participant pages, coordinators' employer search, employer pages and profile matches, employer users'
portal and placements, and some writes (participant edits, which queue a background refresh).
Needs the demo data (``manage.py seed_demo``); demo password ``brygga-demo``.

CPU per request: with ``--server-pid`` the CPU time of the stack's process tree (web, worker, beat)
divided by the requests; without it the machine's busy CPU time minus this program's own (right only
on a machine that runs nothing else). Targets (issue 14, 2 cores, PostgreSQL) are printed next to the figures, not asserted.

Against a baseline (issue 22): ``--baseline-url URL --baseline-server-pid PID`` compares this stack
with another one (e.g. the last release) in the same run: for each kind of request, blocks of
``--block`` requests go to one stack and then the other, alternating, and the CPU of each stack's
process tree (web + worker + beat; the database too when it runs under the same root) is counted
around its own blocks. With ``--database NAME --baseline-database NAME`` (PostgreSQL on this
machine, each stack on its own database) the CPU of the PostgreSQL backends serving each database
is counted around the same blocks and added: web + worker + database, the issue's measure. It
prints server CPU per request for both and their ratio. Start the
baseline from a worktree, on its own port, database and var directory, with the demo data:

    git worktree add /tmp/brygga-base f727818 && cd /tmp/brygga-base && uv sync --frozen
    export BRYGGA_VAR_DIR=/tmp/brygga-base/var BIND=127.0.0.1:8001   # + SECRET_KEY, ALLOWED_HOSTS
    uv run python manage.py migrate && uv run python manage.py seed_demo
    scripts/serve &   echo $!          # the pid to give as --baseline-server-pid

    uv run python benchmarks/load.py http://127.0.0.1:8000 --server-pid PID \
        --baseline-url http://127.0.0.1:8001 --baseline-server-pid BASEPID [--compare-requests 200] \
        [--database brygga --baseline-database brygga_base]

Both stacks should run on the same kind of database with the same demo data (same seed).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import resource
import statistics
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

import requests

PASSWORD = "brygga-demo"
# Issue 22: on 2 cores with everything on them (and ≤ 12 ms of web + database CPU per request).
TARGETS = {"saturation_rps": 100, "workday_p99_ms": 150}

# kind: (role, weight)
MIX = {
    "guide: matches": ("guide", 24),
    "guide: participant page": ("guide", 14),
    "coordinator: employer search": ("coordinator", 14),
    "coordinator: employer page": ("coordinator", 10),
    "coordinator: profile matches": ("coordinator", 6),
    "employer: portal": ("employer", 10),
    "employer: placements": ("employer", 12),
    "write: participant edit": ("guide", 5),
    "write: contact log": ("coordinator", 5),
}
USERS = {
    "guide": ["jobbguide", "jobbguide2", "jobbguide3"],
    "coordinator": ["koordinator", "koordinator2"],
    "employer": ["arbetsgivare", "arbetsgivare2"],
}


def login(base: str, username: str, attempts: int = 3) -> requests.Session:
    """Sign in as ``username``. A sign-in that gets no answer in 60 s is said and tried again (once
    in CI, right after the fault checks, one hung for 30 s; the benchmark measures the steady
    state, and the stall is reported rather than hidden)."""
    for attempt in range(1, attempts + 1):
        session = requests.Session()
        try:
            page = session.get(f"{base}/logga-in/", timeout=60)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            response = session.post(
                f"{base}/logga-in/",
                data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
                headers={"Referer": f"{base}/logga-in/"},
                timeout=60,
                allow_redirects=False,
            )
        except requests.Timeout:
            print(f"login as {username}: no answer in 60 s (attempt {attempt} of {attempts})")
            continue
        if response.status_code != 302:
            raise SystemExit(f"login as {username} failed: {response.status_code}")
        return session
    raise SystemExit(f"login as {username}: no answer in {attempts} attempts")


@dataclass
class Account:
    username: str
    cookies: dict
    me: dict
    own_participants: list[int] = field(default_factory=list)
    participants: list[int] = field(default_factory=list)
    employers: list[int] = field(default_factory=list)
    profiles: list[int] = field(default_factory=list)
    words: list[str] = field(default_factory=list)


def discover(base: str) -> dict[str, list[Account]]:
    """Log each demo user in once and find the ids their requests use."""
    accounts: dict[str, list[Account]] = defaultdict(list)
    for role, names in USERS.items():
        for name in names:
            session = login(base, name)
            me = session.get(f"{base}/api/v1/me/", timeout=30).json()
            account = Account(name, session.cookies.get_dict(), me)
            if role == "guide":
                people = session.get(
                    f"{base}/api/v1/participants/?page_size=200", timeout=60
                ).json()["results"]
                people = [
                    p for p in people if p.get("active", True)
                ]  # only active ones are matched
                account.participants = [p["id"] for p in people]
                account.own_participants = [p["id"] for p in people if p.get("guide") == me["id"]]
            if role == "coordinator":
                employers = session.get(
                    f"{base}/api/v1/employers/?page_size=200", timeout=60
                ).json()["results"]
                account.employers = [e["id"] for e in employers]
                account.words = sorted(
                    {w for e in employers for w in e["name"].split() if len(w) > 3}
                )[:60]
                profiles = session.get(
                    f"{base}/api/v1/task-profiles/?page_size=200&status=open", timeout=60
                ).json()["results"]
                account.profiles = [p["id"] for p in profiles]
            accounts[role].append(account)
    return accounts


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: dict[str, str] = {}
        self.started = time.monotonic()
        self.slow: list[tuple[float, float, str]] = []  # (seconds into the run, latency, kind)

    def add(self, kind: str, seconds: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.latency[kind].append(seconds)
            self.slow.append((time.monotonic() - self.started - seconds, seconds, kind))
            if not ok:
                self.errors[kind] += 1
                self.samples.setdefault(kind, detail)


def one_request(kind: str, account: Account, http: requests.Session, base: str, rng) -> tuple:
    csrf = {"X-CSRFToken": account.cookies.get("csrftoken", ""), "Referer": base + "/"}
    if kind == "guide: matches":
        pid = rng.choice(account.participants)
        return http.get(f"{base}/api/v1/participants/{pid}/matches/?limit=20", timeout=60), (200,)
    if kind == "guide: participant page":
        pid = rng.choice(account.participants)
        return http.get(f"{base}/deltagare/{pid}/", timeout=60), (200,)
    if kind == "coordinator: employer search":
        word = rng.choice(account.words) if account.words else ""
        return http.get(f"{base}/arbetsgivare/?q={word}", timeout=60), (200,)
    if kind == "coordinator: employer page":
        return http.get(f"{base}/arbetsgivare/{rng.choice(account.employers)}/", timeout=60), (200,)
    if kind == "coordinator: profile matches":
        rid = rng.choice(account.profiles)
        return http.get(f"{base}/api/v1/task-profiles/{rid}/matches/?limit=20", timeout=60), (200,)
    if kind == "employer: portal":
        return http.get(f"{base}/arbetsgivarportal/", timeout=60), (200,)
    if kind == "employer: placements":
        return http.get(f"{base}/api/v1/placements/", timeout=60), (200,)
    if kind == "write: participant edit":
        pid = rng.choice(account.own_participants or account.participants)
        hours = rng.choice([20, 25, 30, 35, 40])
        return http.patch(
            f"{base}/api/v1/participants/{pid}/",
            json={"hours_max": hours},
            headers=csrf,
            timeout=60,
        ), (200,)
    if kind == "write: contact log":
        employer = rng.choice(account.employers)
        return http.post(
            f"{base}/api/v1/interactions/",
            json={
                "employer": employer,
                "kind": "call",
                "occurred_on": time.strftime("%Y-%m-%d"),
                "notes": "Load test call",
            },
            headers=csrf,
            timeout=60,
        ), (201,)
    raise ValueError(kind)


def client(base, accounts, recorder, stop_at, think, seed) -> None:
    rng = random.Random(seed)
    kinds = list(MIX)
    weights = [MIX[k][1] for k in kinds]
    sessions: dict[str, tuple[Account, requests.Session]] = {}
    for role, choices in accounts.items():
        account = rng.choice(choices)
        http = requests.Session()
        http.cookies.update(account.cookies)
        sessions[role] = (account, http)
    if think:
        # Users of a working day do not all click in the same millisecond: each starts somewhere in
        # one pause, as in the steady state (otherwise the first 50 requests queue behind each other
        # at t = 0 and that burst alone is the run's p99).
        time.sleep(rng.uniform(0, think))
    while time.monotonic() < stop_at:
        kind = rng.choices(kinds, weights)[0]
        account, http = sessions[MIX[kind][0]]
        started = time.perf_counter()
        try:
            response, expected = one_request(kind, account, http, base, rng)
            ok = response.status_code in expected
            detail = f"{response.status_code} {response.text[:200]}"
        except requests.RequestException as exc:
            ok, detail = False, str(exc)[:200]
        recorder.add(kind, time.perf_counter() - started, ok, detail)
        if think:
            time.sleep(rng.uniform(0.5 * think, 1.5 * think))


def busy_cpu_seconds() -> float:
    with open("/proc/stat") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(root: int) -> float:
    """CPU time (user + system) of ``root`` and all its descendants, from /proc: the stack's own
    cost, unaffected by anything else the machine runs."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        # utime, stime, cutime, cstime: children that exited (restarted workers) count too
        times[int(entry)] = sum(int(x) for x in fields[11:15]) / tick
    tree, frontier = {root}, [root]
    while frontier:
        current = frontier.pop()
        for pid, parent in parents.items():
            if parent == current and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    return sum(times.get(pid, 0.0) for pid in tree)


def database_backends(name: str | None) -> dict[int, float]:
    """CPU time of each PostgreSQL backend serving the database ``name`` (none without one), by
    pid: their process titles name it (``postgres: user name host(port) ...``). Only for a
    PostgreSQL on this machine; a backend that exits (a connection closed, a worker replaced)
    takes its CPU with it."""
    if not name:
        return {}
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                title = cmdline.read().decode(errors="replace").split()
            if len(title) < 3 or title[0] != "postgres:" or title[2] != name:
                continue
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[int(entry)] = sum(int(x) for x in fields[11:13]) / tick
    return found


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))] * 1000


def run(
    base,
    accounts,
    *,
    mode: str,
    clients: int,
    duration: float,
    think: float,
    server_pid=None,
    slow_ms: float = 0.0,
    database: str | None = None,
) -> dict:
    recorder = Recorder()
    stop_at = time.monotonic() + duration
    cpu0, own0, t0 = busy_cpu_seconds(), own_cpu_seconds(), time.monotonic()
    tree0 = tree_cpu_seconds(server_pid) if server_pid else 0.0
    db0 = database_backends(database)
    threads = [
        threading.Thread(
            target=client,
            args=(base, accounts, recorder, stop_at, think, i),
            daemon=True,
        )
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + 120)
    elapsed = time.monotonic() - t0
    db1 = database_backends(database)
    db_cpu = sum(db1.values()) - sum(cpu for pid, cpu in db0.items() if pid in db1)
    closed = len(set(db0) - set(db1))
    if server_pid:
        server_cpu = tree_cpu_seconds(server_pid) - tree0
    else:
        server_cpu = (busy_cpu_seconds() - cpu0) - (own_cpu_seconds() - own0)
    everything = [x for values in recorder.latency.values() for x in values]
    total, errors = len(everything), sum(recorder.errors.values())
    print(f"\n== {mode}: {clients} clients, {duration:.0f} s, think {think} s ==")
    print(f"{'kind':<32}{'n':>7}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for kind in MIX:
        values = recorder.latency.get(kind, [])
        print(
            f"{kind:<32}{len(values):>7}{len(values) / elapsed:>8.1f}{pct(values, 50):>9.0f}"
            f"{pct(values, 95):>9.0f}{pct(values, 99):>9.0f}{recorder.errors.get(kind, 0):>8}"
        )
    summary = {
        "mode": mode,
        "requests": total,
        "rps": total / elapsed,
        "p50_ms": pct(everything, 50),
        "p95_ms": pct(everything, 95),
        "p99_ms": pct(everything, 99),
        "errors": errors,
        "cpu_ms_per_request": server_cpu / total * 1000 if total else float("nan"),
        "mean_ms": statistics.fmean(everything) * 1000 if everything else float("nan"),
    }
    print(
        f"{'all':<32}{total:>7}{summary['rps']:>8.1f}{summary['p50_ms']:>9.0f}"
        f"{summary['p95_ms']:>9.0f}{summary['p99_ms']:>9.0f}{errors:>8}"
    )
    print(f"server CPU per request: {summary['cpu_ms_per_request']:.1f} ms")
    if database and total:
        summary["database_cpu_ms_per_request"] = db_cpu / total * 1000
        print(
            f"PostgreSQL CPU per request (its backends for {database}): "
            f"{summary['database_cpu_ms_per_request']:.1f} ms"
            + (f" (at least: {closed} backend(s) closed during the run)" if closed else "")
        )
    for kind, detail in recorder.samples.items():
        print(f"  first error of {kind}: {detail}")
    if slow_ms:
        print_slow(recorder, slow_ms)
    return summary


def print_slow(recorder: Recorder, slow_ms: float) -> None:
    """The requests slower than ``slow_ms``, by the second of the run they started in: a tail that
    comes from one stall (a rebuild, a checkpoint) shows as one cluster, a general one does not."""
    slow = sorted(entry for entry in recorder.slow if entry[1] * 1000 > slow_ms)
    print(f"requests slower than {slow_ms:.0f} ms: {len(slow)} of {len(recorder.slow)}")
    by_second: dict[int, list[tuple[float, float, str]]] = defaultdict(list)
    for entry in slow:
        by_second[int(entry[0])].append(entry)
    for second, entries in sorted(by_second.items()):
        worst = max(entries, key=lambda entry: entry[1])
        print(
            f"  second {second:>4}: {len(entries):>3} slow, worst {worst[1] * 1000:>6.0f} ms "
            f"({worst[2]})"
        )


def compare(
    stacks: list[tuple[str, str, int, dict[str, list[Account]], str | None]],
    *,
    requests_per_kind: int,
    block: int,
) -> dict[str, dict[str, float]]:
    """Server CPU per request of each kind on each stack, alternating blocks between them so that
    both see the same machine at the same time. ``stacks``: (label, base, pid, accounts,
    database); with a database name its PostgreSQL backends' CPU is counted too and added."""
    cpu: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    db_cpu: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    count: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    sessions = {}
    for label, _base, _pid, accounts, _db in stacks:
        for role, choices in accounts.items():
            http = requests.Session()
            http.cookies.update(choices[0].cookies)
            sessions[(label, role)] = (choices[0], http)
    # Every kind once per stack before anything is counted: a stack's first requests load its
    # engines, templates and connections, and whichever kind came first paid for all of that.
    for kind in MIX:
        for label, base, _pid, _accounts, _db in stacks:
            account, http = sessions[(label, MIX[kind][0])]
            rng = random.Random(-1)
            for _ in range(block):
                with contextlib.suppress(requests.RequestException):
                    one_request(kind, account, http, base, rng)
    for kind in MIX:
        role = MIX[kind][0]
        rounds = max(1, requests_per_kind // block)
        for r in range(rounds):
            order = stacks if r % 2 == 0 else list(reversed(stacks))
            for label, base, pid, _accounts, db in order:
                account, http = sessions[(label, role)]
                rng = random.Random(r)  # the same choices of rows on both stacks
                before, db_before = tree_cpu_seconds(pid), database_backends(db)
                for _ in range(block):
                    with contextlib.suppress(requests.RequestException):
                        one_request(kind, account, http, base, rng)
                cpu[kind][label] += tree_cpu_seconds(pid) - before
                db_after = database_backends(db)  # a backend that closed: its block's CPU is lost
                db_cpu[kind][label] += sum(db_after.values()) - sum(
                    seconds for backend, seconds in db_before.items() if backend in db_after
                )
                count[kind][label] += block
    if any(stack[4] for stack in stacks):
        print("\n== of which PostgreSQL (its backends for each stack's database) ==")
        print(f"{'kind':<32}" + "".join(f"{s[0] + ' ms':>14}" for s in stacks))
        for kind in MIX:
            print(
                f"{kind:<32}"
                + "".join(
                    f"{db_cpu[kind][s[0]] / max(count[kind][s[0]], 1) * 1000:>14.1f}"
                    for s in stacks
                )
            )
        for kind in MIX:
            for label, *_rest in stacks:
                cpu[kind][label] += db_cpu[kind][label]
    with_db = " (web + worker + PostgreSQL)" if any(s[4] for s in stacks) else ""
    print(f"\n== server CPU per request{with_db}: {' vs '.join(s[0] for s in stacks)} ==")
    labels = [s[0] for s in stacks]
    print(f"{'kind':<32}" + "".join(f"{label + ' ms':>14}" for label in labels) + f"{'ratio':>8}")
    result: dict[str, dict[str, float]] = {}
    for kind in MIX:
        per = {label: cpu[kind][label] / max(count[kind][label], 1) * 1000 for label in labels}
        ratio = per[labels[0]] / per[labels[1]] if per[labels[1]] else float("nan")
        result[kind] = {**per, "ratio": ratio}
        print(
            f"{kind:<32}" + "".join(f"{per[label]:>14.1f}" for label in labels) + f"{ratio:>8.2f}"
        )
    # The load mix's own weights: what a request of the mix costs on average (issue 22's measure).
    total = sum(weight for _role, weight in MIX.values())
    mixed = {
        label: sum(result[kind][label] * MIX[kind][1] for kind in MIX) / total for label in labels
    }
    print(
        f"{'weighted mix':<32}"
        + "".join(f"{mixed[label]:>14.1f}" for label in labels)
        + f"{mixed[labels[0]] / mixed[labels[1]]:>8.2f}"
    )
    result["weighted mix"] = {**mixed, "ratio": mixed[labels[0]] / mixed[labels[1]]}
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per mode")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--think", type=float, default=1.0, help="working-day pause, seconds")
    parser.add_argument("--mode", choices=["both", "saturation", "workday"], default="both")
    parser.add_argument(
        "--no-writes",
        action="store_true",
        help="reads only (each write changes an engine input, so every web process rebuilds)",
    )
    parser.add_argument(
        "--server-pid",
        type=int,
        help="pid of the stack's root process (scripts/serve): CPU is then counted for its process "
        "tree only, not the whole machine",
    )
    parser.add_argument("--baseline-url", help="another stack to compare with (e.g. a release)")
    parser.add_argument(
        "--baseline-server-pid", type=int, help="pid of the baseline's root process"
    )
    parser.add_argument(
        "--database",
        help="this stack's PostgreSQL database (on this machine): its backends' CPU is printed "
        "per request, and added to the stack's beside a baseline",
    )
    parser.add_argument("--baseline-database", help="the baseline's PostgreSQL database")
    parser.add_argument("--compare-requests", type=int, default=200, help="requests per kind")
    parser.add_argument("--block", type=int, default=10, help="requests per alternating block")
    parser.add_argument(
        "--slow", type=float, default=0.0, help="list requests slower than this (ms) by second"
    )
    args = parser.parse_args()
    base = args.base.rstrip("/")
    if args.no_writes:
        for kind in [k for k in MIX if k.startswith("write:")]:
            del MIX[kind]
    accounts = discover(base)
    if args.baseline_url:
        if not (args.server_pid and args.baseline_server_pid):
            parser.error("--baseline-url needs --server-pid and --baseline-server-pid")
        baseline = args.baseline_url.rstrip("/")
        compare(
            [
                ("current", base, args.server_pid, accounts, args.database),
                (
                    "baseline",
                    baseline,
                    args.baseline_server_pid,
                    discover(baseline),
                    args.baseline_database,
                ),
            ],
            requests_per_kind=args.compare_requests,
            block=args.block,
        )
        return 0
    results = []
    if args.mode in ("both", "saturation"):
        results.append(
            run(
                base,
                accounts,
                mode="saturation",
                clients=args.clients,
                duration=args.duration,
                think=0,
                server_pid=args.server_pid,
                slow_ms=args.slow,
                database=args.database,
            )
        )
    if args.mode in ("both", "workday"):
        results.append(
            run(
                base,
                accounts,
                mode="working day",
                clients=args.clients,
                duration=args.duration,
                think=args.think,
                server_pid=args.server_pid,
                slow_ms=args.slow,
                database=args.database,
            )
        )
    print("\n== summary (targets reported, not asserted) ==")
    for r in results:
        target = (
            f"target >= {TARGETS['saturation_rps']} req/s"
            if r["mode"] == "saturation"
            else f"target p99 < {TARGETS['workday_p99_ms']} ms"
        )
        print(
            f"{r['mode']:<12} {r['rps']:6.1f} req/s  p50 {r['p50_ms']:6.0f} ms  "
            f"p99 {r['p99_ms']:6.0f} ms  errors {r['errors']}  CPU/request "
            f"{r['cpu_ms_per_request']:.1f} ms   ({target}; 0 errors)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
