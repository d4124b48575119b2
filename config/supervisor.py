"""A small process supervisor for the one-machine production stack (``scripts/serve``).

Runs the web server (gunicorn), one Celery worker and exactly one Celery beat as separate processes
and restarts any that exits, with back-off. Children get SIGTERM when the supervisor dies (Linux
``PR_SET_PDEATHSIG``), so a killed supervisor never leaves an orphaned beat behind that would double
the schedule; beat also holds a pid file, so a second beat on the machine refuses to start.

Under systemd use the units in ``docs/deploy/`` instead (systemd is then the supervisor).
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PR_SET_PDEATHSIG = 1
STABLE_AFTER_SECONDS = 30
MAX_BACKOFF_SECONDS = 30


def log(event: str, **fields) -> None:
    line = {"time": time.strftime("%Y-%m-%dT%H:%M:%S"), "logger": "brygga.supervisor"}
    line.update(message=event, **fields)
    print(json.dumps(line), flush=True)


def die_with_parent() -> None:
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    os.setpgid(
        0, 0
    )  # own process group: a Ctrl-C reaches the supervisor, which stops children in order


@dataclass
class Program:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    restarts: int = 0
    backoff: float = 1.0
    next_start: float = 0.0
    env: dict = field(default_factory=dict)

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.argv, cwd=BASE_DIR, preexec_fn=die_with_parent, env={**os.environ, **self.env}
        )
        self.started_at = time.monotonic()
        log("started", program=self.name, pid=self.process.pid, restarts=self.restarts)


def programs() -> list[Program]:
    py = sys.executable
    var = Path(os.environ.get("BRYGGA_VAR_DIR", BASE_DIR / "var"))
    var.mkdir(parents=True, exist_ok=True)
    concurrency = os.environ.get("WORKER_CONCURRENCY", str(os.cpu_count() or 2))
    result = [
        Program("web", [py, "-m", "gunicorn", "-c", str(BASE_DIR / "config/gunicorn.conf.py")]),
        Program(
            "worker",
            [
                py,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={concurrency}",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"worker@{os.uname().nodename}",
            ],
            # One BLAS/OpenMP thread per pool process: with --concurrency=N processes, N cores.
            env={
                name: os.environ.get(name, "1")
                for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
            },
        ),
    ]
    if (
        os.environ.get("BEAT", "1") != "0"
    ):  # on a second machine: BEAT=0 (one beat per installation)
        result.append(
            Program(
                "beat",
                [
                    py,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "beat",
                    "--loglevel=INFO",
                    "--pidfile",
                    str(var / "celerybeat.pid"),
                    "--schedule",
                    str(var / "celerybeat-schedule"),
                ],
            )
        )
    return result


def main() -> int:
    running = programs()
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for program in running:
        program.start()
    while not stopping:
        time.sleep(0.5)
        now = time.monotonic()
        for program in running:
            if program.process is not None:
                code = program.process.poll()
                if code is None:
                    if now - program.started_at > STABLE_AFTER_SECONDS:
                        program.backoff = 1.0
                    continue
                log("exited", program=program.name, code=code, restart_in=program.backoff)
                if code == 78:  # configuration error: restarting cannot help
                    stopping = True
                    break
                program.process = None
                program.next_start = now + program.backoff
                program.backoff = min(program.backoff * 2, MAX_BACKOFF_SECONDS)
            elif now >= program.next_start and not stopping:
                program.restarts += 1
                program.start()
    log("stopping")
    for program in reversed(running):
        if program.process is not None and program.process.poll() is None:
            program.process.terminate()
    deadline = time.monotonic() + 30
    for program in running:
        if program.process is not None:
            try:
                program.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                program.process.kill()
    log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
