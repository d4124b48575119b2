"""The production web server's hooks (config/gunicorn.conf.py): what the master loads is frozen
out of the cycle collector's sight before the workers fork, and a worker can log long
collections (issue 22: full collections over the whole heap were the working day's tail)."""

import gc
import logging
import runpy
import weakref
from pathlib import Path
from types import SimpleNamespace

import pytest

CONF = Path(__file__).resolve().parents[2] / "config" / "gunicorn.conf.py"


@pytest.fixture
def conf():
    return runpy.run_path(str(CONF))


@pytest.mark.django_db
def test_the_master_freezes_what_it_loaded_before_the_workers_fork(conf, monkeypatch):
    monkeypatch.setenv("WARM_ENGINES", "0")
    server = SimpleNamespace(log=logging.getLogger("test.gunicorn"))
    gc.unfreeze()
    assert gc.get_freeze_count() == 0

    class Cycle:
        pass

    garbage = Cycle()
    garbage.me = garbage
    gone = weakref.ref(garbage)
    del garbage
    gc.disable()  # the garbage waits for when_ready's own collection
    try:
        conf["when_ready"](server)
        assert gc.get_freeze_count() > 10_000  # Django, the URL conf, the templates
        assert gone() is None  # collected first: no garbage is frozen with what lives
    finally:
        gc.enable()
        gc.unfreeze()


def test_a_worker_logs_collections_longer_than_asked(conf, caplog):
    callbacks = list(gc.callbacks)
    try:
        conf["_log_gc_pauses"](0)
        assert gc.callbacks == callbacks  # off by default
        conf["_log_gc_pauses"](1e-9)
        with caplog.at_level(logging.WARNING, logger="brygga.gc"):
            gc.collect()
        assert "gc: generation 2 took" in caplog.text
    finally:
        gc.callbacks[:] = callbacks
