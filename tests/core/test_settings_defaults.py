"""Defaults the settings choose from the environment (read in a fresh interpreter each):

* the embedded default's cache (files under var/, no CACHE_URL) keeps what a day's use puts in
  it: Django's file cache otherwise deletes a random third of its entries once it holds 300; and
  it lists its directory once per 100 writes of a process, not on every write (core/file_cache.py);
* on PostgreSQL, parameters are bound by the server and statements prepared per connection
  (issue 22), unless ``DATABASE_SERVER_SIDE_BINDING=0``."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache.backends.filebased import FileBasedCache

from core.file_cache import FileCache

ROOT = Path(__file__).resolve().parents[2]


def _settings(var_dir: Path, name: str, **environ: str) -> dict:
    drop = ("CACHE_URL", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DATABASE_SERVER_SIDE_BINDING")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env |= {"BRYGGA_VAR_DIR": str(var_dir), "SECRET_KEY": "x", "DEBUG": "0"} | environ
    code = f"import json, config.settings as s; print(json.dumps(s.{name}, default=str))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_default_file_cache_keeps_a_days_entries(tmp_path):
    caches = _settings(tmp_path, "CACHES")["default"]
    assert caches["BACKEND"] == "core.file_cache.FileCache"
    assert caches["OPTIONS"]["MAX_ENTRIES"] >= 10_000
    cache = FileCache(str(tmp_path / "cache"), {"OPTIONS": caches["OPTIONS"]})
    for i in range(400):  # sessions, signed-in users, each employer's possible duplicates
        cache.set(f"entry-{i}", i, 3600)
    assert sum(cache.get(f"entry-{i}") == i for i in range(400)) == 400
    django_default = FileBasedCache(str(tmp_path / "plain"), {})
    for i in range(400):
        django_default.set(f"entry-{i}", i, 3600)
    assert sum(django_default.get(f"entry-{i}") == i for i in range(400)) < 400


def _counting_listings(cache, monkeypatch) -> list:
    """The cache's directory listings, one entry each, as it makes them."""
    listings, listed = [], cache._list_cache_files
    monkeypatch.setattr(cache, "_list_cache_files", lambda: listings.append(1) or listed())
    return listings


def test_the_file_cache_lists_its_directory_once_per_hundred_writes_and_stays_bounded(
    tmp_path, monkeypatch
):
    cache = FileCache(str(tmp_path / "cache"), {"OPTIONS": {"MAX_ENTRIES": 50}})
    listings = _counting_listings(cache, monkeypatch)
    for i in range(1000):
        cache.set(f"entry-{i}", i, 3600)
    assert len(listings) == 10
    # Over MAX_ENTRIES by at most the writes between two listings: each cull goes back below it.
    assert len(cache._list_cache_files()) <= 50 + 100
    assert cache.get("entry-999") == 999 and cache.incr("entry-999") == 1000
    plain = FileBasedCache(str(tmp_path / "plain"), {"OPTIONS": {"MAX_ENTRIES": 50}})
    plain_listings = _counting_listings(plain, monkeypatch)
    for i in range(100):
        plain.set(f"entry-{i}", i, 3600)
    assert len(plain_listings) == 100  # Django's own lists it before every write


def test_postgresql_binds_on_the_server_and_prepares_unless_turned_off(tmp_path):
    url = "postgres://brygga@db.example:5432/brygga"
    options = _settings(tmp_path, "DATABASES", DATABASE_URL=url)["default"]["OPTIONS"]
    assert options["server_side_binding"] is True and options["prepare_threshold"] == 5
    off = _settings(tmp_path, "DATABASES", DATABASE_URL=url, DATABASE_SERVER_SIDE_BINDING="0")
    assert "server_side_binding" not in off["default"]["OPTIONS"]
    assert "prepare_threshold" not in off["default"]["OPTIONS"]
    sqlite = _settings(tmp_path, "DATABASES")["default"]
    assert sqlite["ENGINE"].endswith("sqlite3") and "server_side_binding" not in sqlite["OPTIONS"]


@pytest.mark.django_db
def test_a_query_run_again_is_prepared_on_postgresql():
    """On PostgreSQL (the suite's second run) a read the connection repeats is planned once: it
    shows in ``pg_prepared_statements``, the server's own list for this connection."""
    from django.db import connection

    from core.models import Municipality

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    for _ in range(6):
        list(Municipality.objects.filter(code="0880").values_list("name", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "core_municipality"%'],
        )
        assert cursor.fetchone()[0] >= 1
