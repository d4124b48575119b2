"""Probes for load balancers and orchestrators.

``/healthz`` (liveness): the process answers; touches nothing else, so a database outage never gets
web processes restarted. ``/readyz`` (readiness): the database, the broker and the cache are reachable;
503 with ``Retry-After`` and the failing checks otherwise.
"""

from __future__ import annotations

import time
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.unavailable import RETRY_AFTER_SECONDS


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> None:
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)


def check_cache() -> None:
    nonce = uuid.uuid4().hex
    cache.set("readyz", nonce, timeout=10)
    if cache.get("readyz") != nonce:
        raise RuntimeError("cache did not return what was written")


CHECKS = {"database": check_database, "broker": check_broker, "cache": check_cache}


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    results: dict[str, dict] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
            results[name] = {"ok": True}
        except Exception as exc:  # any failure means "not ready"; the reason is reported
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    ready = all(r["ok"] for r in results.values())
    response = JsonResponse({"status": "ok" if ready else "unavailable", "checks": results})
    if not ready:
        response.status_code = 503
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
