"""Backup and restore of the whole database in one command each.

PostgreSQL through ``pg_dump``/``pg_restore`` (custom format: compressed, restorable table by table);
SQLite through its online backup API (a consistent copy even while Brygga writes). Used by
``manage.py backup`` and ``manage.py restore``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    pass


def _pg_tool(name: str) -> str:
    # The client must not be older than the server; prefer an explicit or versioned binary.
    folder = os.environ.get("PG_BIN_DIR")
    candidates = [Path(folder) / name] if folder else []
    candidates += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    for path in candidates:
        if path.exists():
            return str(path)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found (install the PostgreSQL client or set PG_BIN_DIR)")
    return found


def _pg_args(settings: dict) -> tuple[list[str], dict]:
    args = ["--dbname", settings["NAME"]]
    if settings.get("HOST"):
        args += ["--host", settings["HOST"]]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", settings["USER"]]
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return args, env


def _run(argv: list[str], env: dict) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(argv[0]).name} failed: {done.stderr.strip()[:2000]}")


def backup(target: Path, *, alias: str = "default") -> Path:
    """Write a backup of the database to ``target`` and return its path."""
    connection = connections[alias]
    target.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "postgresql":
        args, env = _pg_args(connection.settings_dict)
        _run(
            [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *args],
            env,
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
    else:
        raise BackupError(f"no backup for {connection.vendor}")
    return target


def restore(source: Path, *, alias: str = "default") -> None:
    """Replace the database's contents with the backup at ``source``."""
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    connection = connections[alias]
    if connection.vendor == "postgresql":
        connection.close()
        args, env = _pg_args(connection.settings_dict)
        _run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(source),
            ],
            env,
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        origin = sqlite3.connect(source)
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
        connection.close()
    else:
        raise BackupError(f"no restore for {connection.vendor}")
