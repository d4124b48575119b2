"""Real outages against a running production stack (``scripts/ci_production.sh`` starts it).

    python tests/production/outage.py http://127.0.0.1:18080 --supervisor-pid PID --log serve.log

Needs the stack's own environment (DATABASE_URL, CELERY_BROKER_URL, CACHE_URL: the effects are
checked in the database with the ORM) and, to stop and start the servers:

- Redis: ``BRYGGA_REDIS_SERVER_ARGS`` (the arguments it was started with; default: the broker
  URL's port on 127.0.0.1, no persistence). It is stopped with ``SHUTDOWN NOSAVE`` — whatever the
  broker held is lost, as after a crash.
- PostgreSQL: ``BRYGGA_PGDATA`` (data directory), ``BRYGGA_PG_OPTS`` (the ``pg_ctl -o`` options it
  was started with), ``BRYGGA_PGBIN``; run as root, ``pg_ctl`` runs as the ``postgres`` user.

(a) Redis (broker and cache) stopped for ``--redis-seconds``: participant edits, skill adds,
profile edits, a recompute request and an import upload are made just before and during the
outage. Every write must be answered (never a 500), saved, and what it asks for (a refresh, the
recompute, the import) must run once Redis is back — checked in the database (suggestions
recomputed after the write, job status done). Half-writes: job rows left queued without an outbox
intent, writes answered 2xx but not saved, and 500s. The worker and beat must be alive afterwards
(restarted by the supervisor if they exited), and exactly one beat.

(b) PostgreSQL stopped for ``--pg-seconds`` while requests go on: every answer is a 503 with
Retry-After (JSON for the API, the friendly page otherwise), never a 500. Edits made just before
the outage, whose refreshes hit it in the worker, are refreshed after it; writes work again.

(c) The Celery worker killed (SIGKILL, with its pool processes) in the middle of a full recompute
of the guide's unit: the job must resume within ``--resume-seconds`` (its lease expires and beat
queues it again), run to the end exactly once (one resume; one completion in ``--log``), continue
after the chunk saved before the kill, and leave no outbox message of the job unfinished.

Prints ``writes attempted / effects expected / effects happened / half-writes`` per outage, the
worker kill's figures, and exits non-zero when a check fails. Bounded: about 3 minutes in all.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
PASSWORD = "brygga-demo"
failures: list[str] = []


def check(condition: bool, message: str) -> None:
    print(f"  {'ok  ' if condition else 'FAIL'} {message}", flush=True)
    if not condition:
        failures.append(message)


# --- HTTP -----------------------------------------------------------------------------------------


@dataclass
class Answer:
    what: str
    status: int  # 0: no answer (connection refused, reset, timeout)
    retry_after: str | None = None
    content_type: str = ""
    text: str = ""
    location: str = ""
    at: float = field(default_factory=time.time)


class Client:
    def __init__(self, base: str, username: str):
        self.base = base.rstrip("/")
        self.username = username
        self.http = requests.Session()

    def login(self) -> None:
        page = self.http.get(self.base + "/logga-in/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        response = self.http.post(
            self.base + "/logga-in/",
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token[1]},
            headers={"Referer": self.base + "/logga-in/"},
            allow_redirects=False,
            timeout=30,
        )
        if response.status_code != 302:
            raise SystemExit(f"login as {self.username} failed: {response.status_code}")

    def call(self, what: str, method: str, path: str, **kwargs) -> Answer:
        headers = kwargs.pop("headers", {})
        if method != "GET":
            headers["X-CSRFToken"] = self.http.cookies.get("csrftoken", "")
            headers["Referer"] = self.base + path
        try:
            r = self.http.request(
                method,
                self.base + path,
                headers=headers,
                timeout=30,
                allow_redirects=False,
                **kwargs,
            )
        except requests.RequestException as exc:
            return Answer(what, 0, text=str(exc))
        return Answer(
            what,
            r.status_code,
            r.headers.get("Retry-After"),
            r.headers.get("Content-Type", ""),
            r.text[:2000],
            r.headers.get("Location", ""),
        )


# --- processes and servers ------------------------------------------------------------------------


def children(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of the direct children of ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                found.append((int(entry.name), cmd))
        except (OSError, IndexError, ValueError):
            continue
    return found


def celery_processes(supervisor: int) -> dict[str, list[int]]:
    result: dict[str, list[int]] = {"worker": [], "beat": []}
    for pid, cmd in children(supervisor):
        for kind in result:
            if f"celery -A config {kind}" in cmd:
                result[kind].append(pid)
    return result


def run(command: str, *, as_postgres: bool = False, timeout: int = 60) -> None:
    cwd = None
    if as_postgres and os.geteuid() == 0:
        argv = ["su", "postgres", "-s", "/bin/sh", "-c", command]
        cwd = "/"  # the checkout may be a folder the postgres user cannot enter
    else:
        argv = ["/bin/sh", "-c", command]
    subprocess.run(argv, check=True, timeout=timeout, stdout=subprocess.DEVNULL, cwd=cwd)


class Redis:
    def __init__(self, url: str):
        parsed = urlparse(url)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 6379
        self.args = os.environ.get("BRYGGA_REDIS_SERVER_ARGS") or (
            f"--port {self.port} --bind {self.host} --save '' --appendonly no"
        )

    def stop(self) -> None:
        subprocess.run(
            ["redis-cli", "-h", self.host, "-p", str(self.port), "shutdown", "nosave"],
            timeout=10,
            capture_output=True,
        )
        for _ in range(50):
            if not self.up():
                return
            time.sleep(0.1)
        raise SystemExit("redis did not stop")

    def start(self) -> None:
        if self.up():
            return
        run(f"redis-server {self.args} --daemonize yes")
        for _ in range(50):
            if self.up():
                return
            time.sleep(0.1)
        raise SystemExit("redis did not start")

    def up(self) -> bool:
        out = subprocess.run(
            ["redis-cli", "-h", self.host, "-p", str(self.port), "ping"],
            timeout=10,
            capture_output=True,
            text=True,
        )
        return out.stdout.strip() == "PONG"


class Postgres:
    def __init__(self):
        self.data = os.environ.get("BRYGGA_PGDATA", "")
        self.opts = os.environ.get("BRYGGA_PG_OPTS", "")
        self.bin = os.environ.get("BRYGGA_PGBIN", "/usr/lib/postgresql/15/bin")

    def available(self) -> bool:
        return bool(self.data) and Path(self.bin, "pg_ctl").exists()

    def stop(self) -> None:
        run(f"{self.bin}/pg_ctl -D {self.data} -m fast -w stop", as_postgres=True)

    def start(self) -> None:
        try:
            run(f"{self.bin}/pg_ctl -D {self.data} status", as_postgres=True)
            return  # running already
        except subprocess.CalledProcessError:
            pass
        run(
            f"{self.bin}/pg_ctl -D {self.data} -l {self.data}/server.log -w "
            f"-o {shlex.quote(self.opts)} start",
            as_postgres=True,
        )


# --- the database side (the ORM, with the stack's settings) ---------------------------------------


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def db_retry(fn, *, seconds: float = 30):
    """The database may be coming back: retry a read for a while."""
    from django.db import OperationalError, connection

    deadline = time.monotonic() + seconds
    while True:
        try:
            return fn()
        except OperationalError:
            connection.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@dataclass
class Write:
    """One write and the effect it asks for: a refresh (outbox key), a recompute or an import job."""

    what: str
    key: str  # the outbox key of the effect ('' for jobs: see job_*)
    at: dt.datetime
    answer: Answer | None = None
    saved: callable = None  # () -> bool: the write is in the database
    participant_id: int | None = None
    profile_id: int | None = None
    recompute_job: int | None = None
    import_job: int | None = None


def effect_done(w: Write) -> bool:
    from core.outbox import OutboxMessage
    from employers.models import ImportJob
    from matching.models import JobStatus, MatchSuggestion, RecomputeJob

    if w.recompute_job:
        return RecomputeJob.objects.filter(pk=w.recompute_job, status=JobStatus.DONE).exists()
    if w.import_job:
        return ImportJob.objects.filter(pk=w.import_job, status=ImportJob.Status.DONE).exists()
    # A refresh: its outbox message finished, created at or after the write, and the stored
    # suggestions of the record (if it has any) were computed after the write.
    finished = OutboxMessage.objects.filter(
        key=w.key, created_at__gte=w.at - dt.timedelta(seconds=2), finished_at__isnull=False
    ).exists()
    if not finished:
        return False
    rows = (
        MatchSuggestion.objects.filter(participant_id=w.participant_id)
        if w.participant_id
        else MatchSuggestion.objects.filter(task_profile_id=w.profile_id)
    )
    latest = rows.order_by("-computed_at").values_list("computed_at", flat=True).first()
    return latest is None or latest >= w.at - dt.timedelta(seconds=2)


def half_writes(writes: list[Write]) -> list[str]:
    """Job rows left queued without an outbox intent, writes answered 2xx but not saved, 500s."""
    from core.outbox import OutboxMessage

    found = []
    for w in writes:
        if w.answer is None:
            continue
        if w.answer.status >= 500 and w.answer.status != 503:
            found.append(f"{w.what}: {w.answer.status}")
        if 200 <= w.answer.status < 400 and w.saved is not None and not w.saved():
            found.append(f"{w.what}: answered {w.answer.status} but not saved")
        if (
            w.recompute_job
            and not OutboxMessage.objects.filter(
                task="matching.tasks.run_recompute_job", args=[w.recompute_job]
            ).exists()
        ):
            found.append(f"{w.what}: recompute job {w.recompute_job} without an outbox intent")
        if w.import_job and not OutboxMessage.objects.filter(key=f"import:{w.import_job}").exists():
            found.append(f"{w.what}: import job {w.import_job} without an outbox intent")
    return found


def wait_for_effects(writes: list[Write], seconds: float) -> tuple[int, float]:
    expected = [w for w in writes if w.answer is not None and 200 <= w.answer.status < 400]
    started = time.monotonic()
    done: set[int] = set()
    while time.monotonic() - started < seconds:
        for i, w in enumerate(expected):
            if i not in done and db_retry(lambda w=w: effect_done(w)):
                done.add(i)
        if len(done) == len(expected):
            break
        time.sleep(1)
    for i, w in enumerate(expected):
        if i not in done:
            print(f"    no effect yet: {w.what} (key {w.key or '-'})")
    return len(done), time.monotonic() - started


def figure(name: str, attempted: int, expected: int, happened: int, half: int) -> None:
    print(
        f"{name}: writes attempted {attempted} / effects expected {expected} / "
        f"effects happened {happened} / half-writes {half}",
        flush=True,
    )


# --- the scenario ---------------------------------------------------------------------------------


class World:
    """Demo records to write to: the guide's participants that have suggestions, the coordinator's
    active task profiles, and a second unit for the recompute (so it does not refresh the
    participants whose own refreshes are checked)."""

    def __init__(self, base: str):
        from employers.models import TaskProfile
        from matching.models import MatchSuggestion, Participant

        self.guide = Client(base, "jobbguide")
        self.coordinator = Client(base, "koordinator")
        self.other_guide = Client(base, "jobbguide.torsas")
        for client in (self.guide, self.coordinator, self.other_guide):
            client.login()
        from core.models import User

        guide = User.objects.get(username="jobbguide")
        with_suggestions = set(MatchSuggestion.objects.values_list("participant_id", flat=True))
        self.participants = [
            p
            for p in Participant.objects.filter(guide=guide, active=True)
            .order_by("pk")
            .values_list("pk", flat=True)
            if p in with_suggestions
        ]
        profiled = set(MatchSuggestion.objects.values_list("task_profile_id", flat=True))
        self.profiles = [
            p
            for p in TaskProfile.objects.filter(unit_id=guide.unit_id)
            .order_by("pk")
            .values_list("pk", flat=True)
            if p in profiled
        ]
        template = self.coordinator.http.get(base + "/arbetsgivare/import/mall.csv", timeout=30)
        self.import_csv = template.content if template.status_code == 200 else b""
        self.next_participant = 0
        self.next_profile = 0
        self.hours = 20

    def take_participant(self) -> int:
        pid = self.participants[self.next_participant % len(self.participants)]
        self.next_participant += 1
        return pid

    def take_profile(self) -> int:
        pid = self.profiles[self.next_profile % len(self.profiles)]
        self.next_profile += 1
        return pid

    # Each returns a Write with its answer filled in.
    def participant_edit(self) -> Write:
        from matching.models import Participant

        pid = self.take_participant()
        self.hours = 20 + (self.hours - 19) % 20
        hours = self.hours
        w = Write("participant edit", f"refresh:participant:{pid}", now(), participant_id=pid)
        w.answer = self.guide.call(
            w.what, "PATCH", f"/api/v1/participants/{pid}/", json={"hours_max": hours}
        )
        w.saved = lambda: Participant.objects.filter(pk=pid, hours_max=hours).exists()
        return w

    def skill_add(self) -> Write:
        from matching.models import ParticipantSkill

        pid = self.take_participant()
        text = f"outage skill {time.time_ns()}"
        w = Write("skill add", f"refresh:participant:{pid}", now(), participant_id=pid)
        w.answer = self.guide.call(
            w.what, "POST", f"/api/v1/participants/{pid}/skills/", json={"text": text}
        )
        found = re.search(r'"id":\s*(\d+)', w.answer.text) if w.answer.status == 201 else None
        skill_id = int(found[1]) if found else 0
        w.saved = lambda: ParticipantSkill.objects.filter(pk=skill_id, participant_id=pid).exists()
        return w

    def profile_edit(self) -> Write:
        from employers.models import TaskProfile

        pid = self.take_profile()
        note = f"outage {time.time_ns()}"
        w = Write("profile edit", f"refresh:profile:{pid}", now(), profile_id=pid)
        w.answer = self.coordinator.call(
            w.what, "PATCH", f"/api/v1/task-profiles/{pid}/", json={"description": note}
        )
        w.saved = lambda: TaskProfile.objects.filter(pk=pid, description=note).exists()
        return w

    def recompute(self) -> Write:
        from matching.models import RecomputeJob

        w = Write("recompute request", "", now())
        w.answer = self.other_guide.call(w.what, "POST", "/api/v1/recompute-jobs/")
        if w.answer.status == 202:
            w.recompute_job = int(re.search(r'"id":\s*(\d+)', w.answer.text)[1])
            w.saved = lambda: RecomputeJob.objects.filter(pk=w.recompute_job).exists()
        return w

    def import_upload(self) -> Write:
        from employers.models import ImportJob

        w = Write("import upload", "", now())
        w.answer = self.coordinator.call(
            w.what,
            "POST",
            "/arbetsgivare/import/",
            files={"file": ("outage.csv", self.import_csv, "text/csv")},
            data={"dry_run": "on"},
        )
        if w.answer.status == 302:
            # The page redirects to the job's own page.
            found = re.search(r"/import/(\d+)/", w.answer.location)
            if found:
                w.import_job = int(found[1])
                w.saved = lambda: ImportJob.objects.filter(pk=w.import_job).exists()
        return w


def now() -> dt.datetime:
    from django.utils import timezone

    return timezone.now()


def make_writes(world: World, writes: list[Write]) -> None:
    """Writes of every kind that schedules background work, one client after the other."""
    for action in (
        world.participant_edit,
        world.skill_add,
        world.profile_edit,
        world.recompute,
        world.import_upload,
        world.participant_edit,
        world.skill_add,
        world.participant_edit,
    ):
        writes.append(action())


def redis_outage(world: World, redis: Redis, supervisor: int, outage_s: float, wait_s: float):
    print(f"==> faults: Redis (broker and cache) stopped for {outage_s:.0f} s during writes")
    before = celery_processes(supervisor)
    writes: list[Write] = []
    # Just before: the worker holds these refreshes (10 s countdown) when Redis goes away.
    writes += [world.participant_edit(), world.profile_edit()]
    redis.stop()
    stopped = time.monotonic()
    try:
        make_writes(world, writes)
        while time.monotonic() - stopped < outage_s:
            time.sleep(0.2)
    finally:
        redis.start()  # whatever happened: the next steps of CI need it
    print(f"    Redis down {time.monotonic() - stopped:.1f} s, back up; waiting for the effects")
    for w in writes:
        a = w.answer
        print(f"    {w.what:<18} -> {a.status} ({w.key or w.recompute_job or w.import_job})")
    answered = [w for w in writes if w.answer and 200 <= w.answer.status < 400]
    happened, waited = wait_for_effects(writes, wait_s)
    half = half_writes(writes)
    for item in half:
        print(f"    half-write: {item}")
    figure("redis outage", len(writes), len(answered), happened, len(half))
    print(f"    effects complete {waited:.0f} s after Redis came back")
    check(len(answered) == len(writes), "every write answered 2xx/3xx while Redis was down")
    check(happened == len(answered), "every effect happened after the outage")
    check(not half, "no half-writes and no 500s")
    after = celery_processes(supervisor)
    print(
        f"    worker pids {before['worker']} -> {after['worker']}, beat {before['beat']} -> {after['beat']}"
    )
    if before["worker"] != after["worker"]:
        print("    the worker exited with the broker and was restarted by the supervisor (README)")
    check(len(after["worker"]) == 1, "a worker is running after the outage")
    check(len(after["beat"]) == 1, "exactly one beat is running after the outage")


def probe_during(world: World, base: str, stopped: float, outage_s: float) -> list[Answer]:
    """API reads and writes, pages and /readyz, round after round while PostgreSQL is down."""
    answers: list[Answer] = []
    pid = world.participants[0]
    probes = [
        (world.guide, "api list", "GET", "/api/v1/participants/?page_size=5", {}),
        (
            world.guide,
            "api write",
            "PATCH",
            f"/api/v1/participants/{pid}/",
            {"json": {"hours_max": 30}},
        ),
        (world.guide, "page", "GET", "/deltagare/", {}),
        (world.guide, "page", "GET", f"/deltagare/{pid}/", {}),
        (world.guide, "api matches", "GET", f"/api/v1/participants/{pid}/matches/?limit=5", {}),
        (Client(base, "-"), "readyz", "GET", "/readyz", {}),
    ]
    while time.monotonic() - stopped < outage_s:
        for client, what, method, path, kwargs in probes:
            answers.append(client.call(what, method, path, **kwargs))
        time.sleep(0.3)
    return answers


def pg_outage(world: World, pg: Postgres, base: str, outage_s: float, wait_s: float):
    from django.db import connection

    print(f"==> faults: PostgreSQL stopped for {outage_s:.0f} s during requests")
    writes = [world.participant_edit(), world.profile_edit()]  # refreshes due during the outage
    connection.close()
    pg.stop()
    stopped = time.monotonic()
    try:
        answers = probe_during(world, base, stopped, outage_s)
    finally:
        pg.start()  # whatever happened: the next steps of CI need it
    print(f"    PostgreSQL down {time.monotonic() - stopped:.1f} s, back up")
    by_status: dict[int, int] = {}
    for a in answers:
        by_status[a.status] = by_status.get(a.status, 0) + 1
    print(
        f"    answers during the outage: {len(answers)}, by status {dict(sorted(by_status.items()))}"
    )
    api = [a for a in answers if a.what.startswith("api")]
    pages = [a for a in answers if a.what == "page"]
    check(all(a.status == 503 for a in answers), "every answer during the outage was a 503")
    check(
        all(a.retry_after and "json" in a.content_type for a in api),
        f"API 503s are JSON with Retry-After ({len(api)})",
    )
    check(
        all(a.retry_after and "text/html" in a.content_type and "<main>" in a.text for a in pages),
        f"pages answer the friendly 503 page with Retry-After ({len(pages)})",
    )
    after = world.participant_edit()
    writes.append(after)
    check(
        after.answer.status == 200, f"a write works again after the outage ({after.answer.status})"
    )
    happened, waited = wait_for_effects(writes, wait_s)
    half = db_retry(lambda: half_writes(writes))
    fivehundreds = sum(1 for a in answers if a.status >= 500 and a.status != 503)
    figure("postgres outage", len(writes), len(writes), happened, len(half) + fivehundreds)
    print(f"    refreshes done {waited:.0f} s after PostgreSQL came back")
    check(happened == len(writes), "refreshes queued before the outage and after it are done")


def lock_waiters() -> int:
    """Database sessions of this database waiting for a row lock."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0]


def kill_group(pid: int) -> None:
    """SIGKILL the worker and its pool processes (the supervisor starts it in its own group)."""
    if os.getpgid(pid) == pid:
        os.killpg(pid, signal.SIGKILL)
        return
    for child, _ in children(pid):
        os.kill(child, signal.SIGKILL)
    os.kill(pid, signal.SIGKILL)


def worker_kill(world: World, supervisor: int, log: Path | None, limit_s: float, wait_s: float):
    """(c) The worker killed (SIGKILL, with its pool) during a full recompute of the guide's unit.

    To kill it at a known point, this process holds a row lock on the stored suggestions of a
    participant in the job's second chunk: the job saves its first chunk (progress and heartbeat),
    ranks the second and waits on the lock. The worker is killed there, the lock released; the
    job's lease expires, beat's resume queues it again, and the restarted worker continues after
    the first chunk. Checked: resumed within ``limit_s``, exactly one completion (one resume, one
    'done' line in the log), every participant done, the first chunk not recomputed, and every
    outbox message of the job (the killed run's too) finished."""
    from django.db import transaction

    from core.outbox import OutboxMessage
    from matching.models import MatchSuggestion, Participant, RecomputeJob
    from matching.services.recompute import CHUNK

    print("==> faults: the worker killed (SIGKILL) during a full recompute")
    from core.models import User

    unit_id = User.objects.get(username="jobbguide").unit_id
    ids = list(
        Participant.objects.filter(unit_id=unit_id, active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    with_suggestions = set(
        MatchSuggestion.objects.filter(participant_id__in=ids).values_list(
            "participant_id", flat=True
        )
    )
    # In the second chunk (the first with fewer participants), so the first chunk is saved.
    start = CHUNK if len(ids) > CHUNK else len(ids) // 2
    after = [pid for pid in ids[start:] if pid in with_suggestions]
    if not after:
        check(False, "a participant with suggestions to hold the recompute at")
        return
    blocker = after[0]
    before = celery_processes(supervisor)
    log_start = log.stat().st_size if log and log.exists() else 0
    job_id = 0
    killed_at = 0.0
    with transaction.atomic():
        list(MatchSuggestion.objects.select_for_update().filter(participant_id=blocker))
        answer = world.guide.call("recompute request", "POST", "/api/v1/recompute-jobs/")
        if answer.status != 202:
            check(False, f"the recompute request was accepted ({answer.status})")
            return
        job_id = int(re.search(r'"id":\s*(\d+)', answer.text)[1])
        held = time.monotonic()
        while time.monotonic() - held < wait_s:
            job = RecomputeJob.objects.get(pk=job_id)
            if job.status == "running" and lock_waiters() >= 1:
                break
            time.sleep(0.2)
        job = RecomputeJob.objects.get(pk=job_id)
        at_kill = (job.status, job.done, job.total, job.runs)
        killed_wall = now()
        if before["worker"]:
            kill_group(before["worker"][0])
        killed_at = time.monotonic()
    # The lock is released: the killed worker's open transaction is rolled back by PostgreSQL.
    print(
        f"    job {job_id} held at participant {blocker}; worker {before['worker']} killed at "
        f"{at_kill[1]}/{at_kill[2]} done ({at_kill[0]}, run {at_kill[3]})"
    )
    check(
        at_kill[0] == "running" and (at_kill[1] > 0 or len(ids) <= CHUNK),
        "the worker was killed in the middle of the recompute (a chunk saved, the next running)",
    )
    resumed_after = finished_after = None
    while time.monotonic() - killed_at < limit_s + wait_s:
        job = db_retry(lambda: RecomputeJob.objects.get(pk=job_id))
        if resumed_after is None and job.runs >= 2:
            resumed_after = time.monotonic() - killed_at
        if job.status in ("done", "failed"):
            finished_after = time.monotonic() - killed_at
            break
        time.sleep(0.5)
    job = RecomputeJob.objects.get(pk=job_id)
    messages = OutboxMessage.objects.filter(key=f"recompute:{job_id}")
    open_messages = messages.filter(finished_at__isnull=True).count()
    first_chunk = ids[: at_kill[1]]
    redone = (
        MatchSuggestion.objects.filter(participant_id__in=first_chunk, computed_at__gt=killed_wall)
        .values("participant_id")
        .distinct()
        .count()
    )
    completions = None
    if log and log.exists():
        with log.open("rb") as handle:
            handle.seek(log_start)
            text = handle.read().decode(errors="replace")
        completions = text.count(f"recompute job {job_id} done (")
    after_kill = celery_processes(supervisor)

    def seconds(value):
        return "never" if value is None else f"{value:.1f} s"

    print(
        f"worker kill: job {job_id} killed at {at_kill[1]}/{at_kill[2]}; resumed after "
        f"{seconds(resumed_after)}; done after {seconds(finished_after)} "
        f"({job.status}, {job.done}/{job.total}); runners {job.runs}; completions "
        f"{'?' if completions is None else completions}; first-chunk participants recomputed "
        f"again {redone}; outbox messages of the job finished "
        f"{messages.count() - open_messages}/{messages.count()}",
        flush=True,
    )
    print(f"    worker pids {before['worker']} -> {after_kill['worker']}")
    check(
        resumed_after is not None and resumed_after <= limit_s,
        f"the job resumed within {limit_s:.0f} s of the kill",
    )
    check(
        job.status == "done" and job.done == job.total, "the resumed job finished every participant"
    )
    check(job.runs == 2, "exactly one resume: two runners in all, never two at once")
    if completions is not None:
        check(completions == 1, "exactly one completion in the worker's log")
    check(redone == 0, "the resumed job continued after the saved chunk")
    check(
        messages.count() >= 2 and open_messages == 0,
        "every outbox message of the job, the killed run's included, is finished",
    )
    check(
        len(after_kill["worker"]) == 1 and after_kill["worker"] != before["worker"],
        "the supervisor restarted the worker",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base")
    parser.add_argument("--supervisor-pid", type=int, required=True)
    parser.add_argument("--redis-seconds", type=float, default=15)
    parser.add_argument("--pg-seconds", type=float, default=10)
    parser.add_argument(
        "--wait-seconds", type=float, default=75, help="for the effects, per outage"
    )
    parser.add_argument("--log", type=Path, help="the stack's log (scripts/serve's output)")
    parser.add_argument(
        "--resume-seconds", type=float, default=60, help="a killed recompute resumes within"
    )
    parser.add_argument(
        "--only",
        choices=["redis", "postgres", "worker-kill"],
        action="append",
        help="run only these checks (repeatable; default: all)",
    )
    args = parser.parse_args()
    wanted = set(args.only or ["redis", "postgres", "worker-kill"])
    # A timeout's SIGTERM unwinds like an exception, so the servers are started again (finally).
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit("outage.py: terminated"))
    setup_django()
    from django.conf import settings

    started = time.monotonic()
    world = World(args.base)
    print(
        f"    {len(world.participants)} participants and {len(world.profiles)} profiles to write to"
    )
    if not world.participants or not world.profiles:
        print("no demo records with suggestions: has the initial recompute run?")
        return 1
    if "redis" in wanted:
        redis_outage(
            world,
            Redis(settings.CELERY_BROKER_URL),
            args.supervisor_pid,
            args.redis_seconds,
            args.wait_seconds,
        )
    pg = Postgres()
    if "postgres" not in wanted:
        pass
    elif pg.available():
        pg_outage(world, pg, args.base, args.pg_seconds, args.wait_seconds)
    else:
        print("==> faults: PostgreSQL outage skipped (BRYGGA_PGDATA not set)")
        failures.append("PostgreSQL outage not run")
    if "worker-kill" in wanted:
        worker_kill(world, args.supervisor_pid, args.log, args.resume_seconds, 30)
    print(f"faults: {time.monotonic() - started:.0f} s, {len(failures)} failed checks")
    for item in failures:
        print(f"  FAILED: {item}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
