"""The embedded default's cache (files under var/, no CACHE_URL) keeps what a day's use puts in it:
Django's file cache otherwise deletes a random third of its entries once it holds 300."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.core.cache.backends.filebased import FileBasedCache

ROOT = Path(__file__).resolve().parents[2]


def _default_caches(var_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "DJANGO_SETTINGS_MODULE")}
    env |= {"BRYGGA_VAR_DIR": str(var_dir), "SECRET_KEY": "x", "DEBUG": "0"}
    code = "import json, config.settings as s; print(json.dumps(s.CACHES, default=str))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_default_file_cache_keeps_a_days_entries(tmp_path):
    caches = _default_caches(tmp_path)["default"]
    assert caches["BACKEND"].endswith("FileBasedCache")
    assert caches["OPTIONS"]["MAX_ENTRIES"] >= 10_000
    cache = FileBasedCache(str(tmp_path / "cache"), {"OPTIONS": caches["OPTIONS"]})
    for i in range(400):  # sessions, signed-in users, each employer's possible duplicates
        cache.set(f"entry-{i}", i, 3600)
    assert sum(cache.get(f"entry-{i}") == i for i in range(400)) == 400
    django_default = FileBasedCache(str(tmp_path / "plain"), {})
    for i in range(400):
        django_default.set(f"entry-{i}", i, 3600)
    assert sum(django_default.get(f"entry-{i}") == i for i in range(400)) < 400
