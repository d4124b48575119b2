"""Start-up cost: Django's set-up does not import scikit-learn or SciPy's statistics (five of the
ten seconds every process took to start, manage.py's commands too, on a slow machine); the servers
import what the engine builds with before they fork, so their workers share it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # every view
after_setup = sorted(m for m in ("sklearn", "scipy.stats", "scipy.optimize") if m in sys.modules)
from config.celery import _import_engine_libraries, signals
receivers = [r[1]() for r in signals.worker_init.receivers]
signals.worker_init.send(sender=None)
after_worker_init = sorted(m for m in ("sklearn.neighbors", "sklearn.feature_extraction.text")
                           if m in sys.modules)
print(json.dumps({"after_setup": after_setup, "after_worker_init": after_worker_init,
                  "connected": _import_engine_libraries in receivers}))
"""


def test_setup_imports_no_scikit_learn_and_the_worker_imports_it_before_forking(tmp_path):
    import json

    env = {
        k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    env |= {"BRYGGA_VAR_DIR": str(tmp_path), "SECRET_KEY": "x", "DEBUG": "0"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["after_setup"] == []
    assert result["connected"] is True
    assert result["after_worker_init"] == ["sklearn.feature_extraction.text", "sklearn.neighbors"]


def test_the_engine_builds_with_the_libraries_it_imports_where_it_builds():
    import numpy as np

    from matching.engine.geo import RadiusIndex
    from matching.engine.related import related_skills

    index = RadiusIndex(np.array([56.66, 56.74]), np.array([16.36, 15.90]))
    assert list(index.within(56.66, 16.36, 5.0)) == [0]
    related = related_skills({1: "lagerarbete", 2: "lagerarbetare", 3: "städning"})
    assert related[1][0][0] == 2


def test_the_web_servers_warm_up_imports_them_before_it_forks(monkeypatch, db):
    import matching.engine
    from config.warmup import warm

    calls = []
    monkeypatch.setattr(matching.engine, "import_libraries", lambda: calls.append(1))
    warm()
    assert calls == [1]
