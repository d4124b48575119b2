"""gunicorn settings for the production stack (``scripts/serve``, ``docs/deploy/brygga-web.service``).

Environment: ``BIND`` (default 127.0.0.1:8000), ``WEB_CONCURRENCY`` (worker processes, default
one per core), ``WEB_THREADS`` (default 1).
"""

import multiprocessing
import os
import sys

wsgi_app = "config.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8000")
# One sync worker per core. With PostgreSQL, Redis and the Celery worker on the same machine a
# request waits on the database well under a millisecond per query, so more workers than cores
# only compete for them: on 2 cores, 2 workers served 122–124 requests/s at 11.2–11.5 ms of CPU
# each, 4 workers 108 at 14.2 ms (benchmarks/load.py, issue 22). With the database on another
# machine (longer waits), raise WEB_CONCURRENCY.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = int(os.environ.get("WEB_THREADS", "1"))
# Load Django, the URL conf and templates once in the master: workers fork ready, so the first
# request of a worker is not a 0.7 s import.
preload_app = True
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 5
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# Request lines come from Django (JSON, with the request id); gunicorn logs only its own events.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "brygga-web"


def on_starting(server):
    """Refuse to start without what production needs (settings would fail later and less clearly)."""
    missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS") if not os.environ.get(name)]
    if missing:
        sys.stderr.write(f"brygga: refusing to start: set {', '.join(missing)}\n")
        sys.exit(78)  # EX_CONFIG: systemd's RestartPreventExitStatus does not loop on it


def when_ready(server):
    # Warm what Django builds lazily, before the workers fork.
    from config.warmup import warm

    server.log.info("warm-up: %d templates loaded, %d reads compiled", *warm())
    if os.environ.get("WARM_ENGINES", "1") == "1":
        # Build each unit's matching engine once here: forked workers share it (copy-on-write)
        # instead of four workers building four copies on their first matches request.
        try:
            from core.models import Unit
            from matching.features import unit_engine

            for unit_id in Unit.objects.values_list("pk", flat=True):
                unit_engine(unit_id)
        except Exception as exc:  # a cold start is slower, not broken
            server.log.warning("engine warm-up skipped: %s", exc)
    # Everything loaded so far lives as long as the workers: out of the collector's sight
    # (gc.freeze), a worker's full collection walks only what the worker made itself.
    import gc

    gc.collect()
    gc.freeze()


def post_fork(server, worker):
    # Nothing opened in the master may be shared by forked workers.
    from django.core.cache import caches
    from django.db import connections

    connections.close_all()
    caches.close_all()
    _log_gc_pauses(float(os.environ.get("WEB_GC_LOG_MS", "0")))


def _log_gc_pauses(threshold_ms: float) -> None:
    """With ``WEB_GC_LOG_MS`` set, a worker logs each collection of the cycle collector that
    took longer (a full one over a large heap holds up the request it lands in, and every
    request queued behind it)."""
    if threshold_ms <= 0:
        return
    import gc
    import logging
    import time

    logger = logging.getLogger("brygga.gc")
    started = [0.0]

    def timed(phase, info):
        if phase == "start":
            started[0] = time.perf_counter()
            return
        ms = (time.perf_counter() - started[0]) * 1000
        if ms > threshold_ms:
            logger.warning(
                "gc: generation %s took %.0f ms, collected %s objects",
                info["generation"],
                ms,
                info["collected"],
            )

    gc.callbacks.append(timed)
