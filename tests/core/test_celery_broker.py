"""Tasks really run through a broker: Redis when CELERY_BROKER_URL names one (the PostgreSQL + Redis CI
run), and the embedded filesystem transport always."""

import os
import threading
import time

import pytest

from config.celery import app
from core.filesystem_broker import folder_options
from core.tasks import health

REDIS = os.environ.get("CELERY_BROKER_URL", "")


def reset_connections() -> None:
    """Forget pooled broker connections and the cached result backend made with other settings."""
    app._pool = None
    app._local = threading.local()


def run_through(broker_url: str, options: dict, tmp_path) -> dict:
    from celery.contrib.testing.worker import start_worker

    tmp_path.mkdir(parents=True, exist_ok=True)
    saved = {
        k: app.conf[k]
        for k in ("broker_url", "broker_transport_options", "task_always_eager", "result_backend")
    }
    app.conf.update(
        broker_url=broker_url,
        broker_transport_options=options,
        task_always_eager=False,
        result_backend=f"file://{tmp_path}",
    )
    reset_connections()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            with app.connection_for_write() as connection:
                result = health.apply_async(connection=connection)
            deadline = time.monotonic() + 20
            while not result.ready() and time.monotonic() < deadline:
                time.sleep(0.1)
            return result.get(timeout=1)
    finally:
        app.conf.update(saved)
        reset_connections()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    not REDIS.startswith("redis://"), reason="no Redis broker configured (CELERY_BROKER_URL)"
)
def test_a_task_runs_through_redis(tmp_path):
    assert run_through(REDIS, {}, tmp_path)["database"] is True


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_runs_through_the_embedded_filesystem_broker(tmp_path):
    options = folder_options(tmp_path / "broker")
    assert run_through("filesystem://", options, tmp_path / "results")["database"] is True
