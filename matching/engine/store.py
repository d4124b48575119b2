"""One engine per (unit, version) on disk, shared by every process on the machine.

The first process that needs a version takes an exclusive ``fcntl.flock`` on the unit's lock file,
builds the engine, and writes its numeric tables as ``.npy`` files (a sparse CSR matrix as its three
arrays) plus one pickle for what is not numeric (vocabulary, records, related skills, labels),
into a temporary directory that is renamed into place only when complete; a manifest with each
file's size and CRC-32 is written last. Every other process waits on the lock, then loads the
tables with ``np.load(mmap_mode="r")``: the pages are shared by the operating system, not copied.
A directory whose manifest is missing, names another version or does not match its files is never
served: it is removed and rebuilt. Older versions of a unit are removed after a build (a process
that still maps them keeps its mapping until it lets go; Linux frees the files then).

No Django here: the caller passes the directory, the key and the function that builds.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import pickle
import shutil
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from matching.engine.locks import file_lock
from matching.engine.ranking import Engine
from matching.engine.tables import ParticipantTable, ProfileTable, Tables, Vocab

FORMAT = 2  # 2: the participant table holds the public-transport columns (issue 24)
MANIFEST = "manifest.json"
logger = logging.getLogger("brygga.engine")


class StoreError(Exception):
    """A stored engine that cannot be served (missing, partial, corrupt or another version)."""


def _crc(path: Path) -> int:
    value = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            value = zlib.crc32(chunk, value)
    return value


def _table_parts(table) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """A table's numeric arrays (by file name) and the rest (for the pickle)."""
    arrays: dict[str, np.ndarray] = {}
    rest: dict[str, Any] = {"csr": {}, "objects": {}}
    for f in dataclasses.fields(table):
        if f.name in ("_radius", "records"):
            continue
        value = getattr(table, f.name)
        if sparse.issparse(value):
            value = value.tocsr()
            arrays[f"{f.name}.data"] = value.data
            arrays[f"{f.name}.indices"] = value.indices
            arrays[f"{f.name}.indptr"] = value.indptr
            rest["csr"][f.name] = value.shape
        elif isinstance(value, np.ndarray) and value.dtype != object:
            arrays[f.name] = value
        else:
            rest["objects"][f.name] = value
    rest["records"] = table.records
    return arrays, rest


def save(engine: Engine, directory: Path, key: str, extra: Any = None) -> None:
    """Write ``engine`` (and ``extra``, any picklable) to ``directory`` atomically."""
    directory = Path(directory)
    tmp = directory.with_name(f".{directory.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    t = engine.tables
    meta: dict[str, Any] = {
        "vocab": t.vocab.maps,
        "related": t.related,
        "travel": t.travel,
        "weights": engine.weights,
        "extra": extra,
    }
    files = {}
    for side, table in (("participants", t.participants), ("profiles", t.profiles)):
        arrays, rest = _table_parts(table)
        meta[side] = rest
        for name, array in arrays.items():
            path = tmp / f"{side}.{name}.npy"
            np.save(path, np.ascontiguousarray(array), allow_pickle=False)
            files[path.name] = None
    (tmp / "meta.pickle").write_bytes(pickle.dumps(meta, protocol=pickle.HIGHEST_PROTOCOL))
    files["meta.pickle"] = None
    manifest = {
        "format": FORMAT,
        "key": key,
        "files": {
            name: {"size": (tmp / name).stat().st_size, "crc32": _crc(tmp / name)} for name in files
        },
    }
    # The manifest last: a directory without one is a build that did not finish.
    (tmp / MANIFEST).write_text(json.dumps(manifest))
    for path in tmp.iterdir():
        with open(path, "rb") as f:
            os.fsync(f.fileno())
    shutil.rmtree(directory, ignore_errors=True)
    os.replace(tmp, directory)


def load(directory: Path, key: str) -> tuple[Engine, Any]:
    """The engine stored in ``directory`` for ``key``, its tables memory-mapped; StoreError when
    it is missing, partial, corrupt or of another version."""
    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise StoreError(f"no readable manifest in {directory}") from exc
    if manifest.get("format") != FORMAT or manifest.get("key") != key:
        raise StoreError(f"{directory} holds another version")
    for name, facts in manifest["files"].items():
        path = directory / name
        try:
            if path.stat().st_size != facts["size"] or _crc(path) != facts["crc32"]:
                raise StoreError(f"{path} does not match its manifest")
        except OSError as exc:
            raise StoreError(f"{path} is missing") from exc
    try:
        meta = pickle.loads((directory / "meta.pickle").read_bytes())  # noqa: S301 (own file, checked)
        vocab = Vocab()
        vocab.maps = meta["vocab"]
        sides = {}
        for side, cls in (("participants", ParticipantTable), ("profiles", ProfileTable)):
            rest = meta[side]
            values: dict[str, Any] = {"records": rest["records"]}
            for f in dataclasses.fields(cls):
                if f.name in values or f.name == "_radius":
                    continue
                if f.name in rest["csr"]:
                    parts = [
                        np.load(directory / f"{side}.{f.name}.{p}.npy", mmap_mode="r")
                        for p in ("data", "indices", "indptr")
                    ]
                    values[f.name] = sparse.csr_matrix(tuple(parts), shape=rest["csr"][f.name])
                elif f.name in rest["objects"]:
                    values[f.name] = rest["objects"][f.name]
                else:
                    values[f.name] = np.load(directory / f"{side}.{f.name}.npy", mmap_mode="r")
            sides[side] = cls(**values)
    except (OSError, ValueError, KeyError, pickle.UnpicklingError, EOFError) as exc:
        raise StoreError(f"{directory} cannot be read: {exc}") from exc
    tables = Tables(
        vocab, sides["participants"], sides["profiles"], meta["related"], meta["travel"]
    )
    return Engine.from_tables(tables, weights=meta["weights"]), meta["extra"]


def shared(
    root: Path, name: str, key: str, build: Callable[[], tuple[Engine, Any]]
) -> tuple[Engine, Any, bool]:
    """The engine ``name`` at version ``key``: loaded if some process already built it, else built
    here (one process at a time per name) and stored for the others. → (engine, extra, built)."""
    root = Path(root)
    digest = zlib.crc32(key.encode()) ^ (len(key) << 32)
    directory = root / f"{name}@{digest:x}"
    try:
        engine, extra = load(directory, key)
        return engine, extra, False
    except StoreError:
        pass
    with file_lock(root / f"{name}.lock"):
        try:  # built by another process while this one waited
            engine, extra = load(directory, key)
            return engine, extra, False
        except StoreError as exc:
            if directory.exists():
                logger.warning("engine store: rebuilding %s: %s", directory.name, exc)
        engine, extra = build()
        try:
            save(engine, directory, key, extra)
            for old in root.glob(f"{name}@*"):
                if old != directory:
                    shutil.rmtree(old, ignore_errors=True)
            for old in root.glob(f".{name}@*.tmp-*"):
                shutil.rmtree(old, ignore_errors=True)
        except OSError as exc:  # a full disk never fails a request: this process keeps its own
            logger.warning("engine store: could not store %s: %s", directory.name, exc)
        return engine, extra, True
