#!/usr/bin/env bash
# CI: start the production stack (scripts/serve) on loopback against the PostgreSQL + Redis that
# scripts/test started (DATABASE_URL / CELERY_BROKER_URL point at them), run requests against it,
# then the load benchmark for a short while. Its own database and Redis db numbers, so it leaves the
# test database alone.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.local/bin:$PATH"
: "${DATABASE_URL:?needs the PostgreSQL of scripts/test}"
: "${CELERY_BROKER_URL:?needs the Redis of scripts/test}"
PORT="${CI_PRODUCTION_PORT:-18080}"
PG_ADMIN_URL="${DATABASE_URL%/*}/postgres"
REDIS_BASE="${CELERY_BROKER_URL%/*}"
export DATABASE_URL="${DATABASE_URL%/*}/brygga_production_ci"
export CELERY_BROKER_URL="$REDIS_BASE/5" CACHE_URL="$REDIS_BASE/6"
export SECRET_KEY="ci-production-not-secret" ALLOWED_HOSTS="127.0.0.1,localhost"
export SECURE_COOKIES=0 BIND="127.0.0.1:$PORT"  # WEB_CONCURRENCY: gunicorn's default, one per core
export WORKER_CONCURRENCY="${WORKER_CONCURRENCY:-2}" LOG_LEVEL=INFO
STATE=$(mktemp -d)
export BRYGGA_VAR_DIR="$STATE/var"
LOG="$STATE/serve.log"

psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS brygga_production_ci" >/dev/null
psql "$PG_ADMIN_URL" -qc "CREATE DATABASE brygga_production_ci" >/dev/null
redis-cli -u "$REDIS_BASE/5" flushdb >/dev/null
redis-cli -u "$REDIS_BASE/6" flushdb >/dev/null

echo "==> production: refuses to start without SECRET_KEY / ALLOWED_HOSTS"
if env -u SECRET_KEY bash scripts/serve >"$STATE/refused.log" 2>&1; then
  echo "scripts/serve started without SECRET_KEY"; exit 1
fi
grep -q "refusing to start" "$STATE/refused.log"
if ALLOWED_HOSTS="" bash scripts/serve >"$STATE/refused.log" 2>&1; then
  echo "scripts/serve started without ALLOWED_HOSTS"; exit 1
fi
echo "    refused both"

echo "==> production: demo data"
uv run python manage.py migrate --noinput >/dev/null
uv run python manage.py seed_demo >/dev/null
# The second run adding nothing is tests/core/test_demo.py's, on both databases (scripts/test).
echo "    built"

echo "==> production: scripts/serve on $BIND"
setsid bash scripts/serve >"$LOG" 2>&1 &
SERVE=$!
stop_stack() {
  kill -TERM "$SERVE" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$SERVE" 2>/dev/null || break; sleep 0.5; done
  kill -KILL -- "-$SERVE" 2>/dev/null || true
}
failed_log() {
  # What a failed step needs to be understood afterwards: the slow requests (a stall shows here),
  # gunicorn's worker timeouts and errors, then the log's end.
  echo "==> production: the stack's log (slow requests, timeouts, errors; then its end)"
  grep -E '"duration_ms": [0-9]{4,}|WORKER TIMEOUT|Traceback|"level": "(ERROR|CRITICAL)"' "$LOG" | cut -c1-400 | tail -60 || true
  echo "--- last 30 lines"
  tail -30 "$LOG"
}
trap 'status=$?; stop_stack; [ $status -eq 0 ] || failed_log; rm -rf "$STATE"' EXIT
for _ in $(seq 1 360); do
  if curl -fsS "http://$BIND/readyz" >/dev/null 2>&1; then break; fi
  sleep 0.5
done
if ! curl -fsS "http://$BIND/readyz"; then echo; tail -40 "$LOG"; exit 1; fi
echo

echo "==> production: requests against the stack"
uv run python tests/production/smoke.py "http://$BIND" | tee "$STATE/smoke.out"
TASK_ID=$(sed -n 's/^TASK_REQUEST_ID=//p' "$STATE/smoke.out")
if ! grep '"logger": "brygga.task"' "$LOG" | grep -q "\"request_id\": \"$TASK_ID\""; then
  echo "the request id $TASK_ID did not reach the worker's log"; tail -50 "$LOG"; exit 1
fi
echo "    request id $TASK_ID found in the worker's task log"
grep -c '"logger": "brygga.request"' "$LOG" | sed 's/^/    JSON request log lines: /'

echo "==> production: a killed beat is replaced, and there is exactly one"
BEAT_PID=$(pgrep -P "$SERVE" -f -- "-m celery -A config beat" | head -1)
kill -KILL "$BEAT_PID"
for _ in $(seq 1 30); do
  NEW=$(pgrep -P "$SERVE" -f -- "-m celery -A config beat" || true)
  if [ -n "$NEW" ] && [ "$NEW" != "$BEAT_PID" ]; then break; fi
  sleep 0.5
done
COUNT=$(pgrep -P "$SERVE" -fc -- "-m celery -A config beat" || true)
echo "    beats running after kill: $COUNT"
[ "$COUNT" = "1" ]

echo "==> production: faults (Redis and PostgreSQL stopped under writes, the worker killed during a recompute; tests/production/outage.py)"
wait_recomputes() {
  # The demo's initial recompute (and any other job) must be finished: a recompute running in the
  # worker skews the load benchmark's figures and the fault checks' timings.
  local open=""
  for _ in $(seq 1 "${1:-600}"); do
    open=$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM matching_recomputejob WHERE status IN ('queued', 'running')")
    [ "$open" = "0" ] && return 0
    sleep 1
  done
  echo "    recompute jobs still open: $open"; return 1
}
wait_recomputes 600
echo "    no recompute job open"
if [ -n "${BRYGGA_PGDATA:-}" ]; then
  timeout 360 uv run python tests/production/outage.py "http://$BIND" --supervisor-pid "$SERVE" --log "$LOG"
else
  echo "    skipped: BRYGGA_PGDATA not set (scripts/test exports it with the PostgreSQL it starts)"
fi

echo "==> production: waiting for the recomputes to finish before the load benchmark"
wait_recomputes 600
echo "    no recompute job open"
for _ in $(seq 1 60); do  # and for the queued refreshes (bounded: a failed one stays unfinished)
  PENDING=$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM core_outboxmessage WHERE finished_at IS NULL")
  [ "$PENDING" = "0" ] && break
  sleep 1
done
echo "    background messages not finished: $PENDING"
echo "    database sessions not idle (a stall shows here):"
psql "$DATABASE_URL" -tAc "SELECT pid, state, wait_event_type, left(query, 100) FROM pg_stat_activity WHERE datname = current_database() AND state NOT IN ('idle') AND pid <> pg_backend_pid()" | sed 's/^/      /'
if [ -f benchmarks/load.py ]; then
  echo "==> production: load benchmark (short)"
  uv run python benchmarks/load.py "http://$BIND" --duration "${LOAD_DURATION:-15}" --server-pid "$SERVE"
fi
echo "==> production: scale-out benchmark (small synthetic case)"
uv run python benchmarks/scale.py --participants "${SCALE_PARTICIPANTS:-4000}" --profiles "${SCALE_PROFILES:-1000}" --workers 1,2
echo "==> production: stack OK"
