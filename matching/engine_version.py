"""The engines' version from one cheap lookup instead of twelve aggregate queries per request.

Every save, delete or many-to-many change of a model the engine reads bumps one counter in the shared
cache after its transaction commits (all units share it: a change anywhere rebuilds each unit's engine
once, which is cheap next to counting rows on every request). A process trusts the counter for
``ENGINE_VERSION_RECHECK_SECONDS`` and then confirms with the full aggregate version
(``features.unit_version``), which also catches writes that send no signals (``QuerySet.update``,
``bulk_create``). With the cache down, or the re-check at 0 (the tests), every request uses the full
version, as before.
"""

from __future__ import annotations

import logging
import random
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

KEY = "matching:engine-version"
ENGINE_APPS = {"core", "employers", "matching"}
# Written often, read never by the engine.
IGNORED = {
    "core.User",
    "core.OutboxMessage",
    "matching.MatchSuggestion",
    "matching.RecomputeJob",
    "employers.ImportJob",
    "employers.Interaction",
    "employers.ContactPerson",
}

logger = logging.getLogger("brygga.engine")


def counter() -> int | None:
    """The shared change counter, or None when the cache cannot be asked."""
    try:
        value = cache.get(KEY)
        if value is None:
            # Unknown (first start, evicted, cache restarted): a fresh random start, so no process
            # mistakes it for the value it saw before.
            cache.add(KEY, random.randrange(1, 1 << 40), timeout=None)
            value = cache.get(KEY)
        return value
    except Exception as exc:  # the cache is down: callers fall back to the full version
        logger.warning("engine version: cache unavailable: %s", exc)
        return None


def bump() -> None:
    try:
        try:
            cache.incr(KEY)
        except ValueError:  # missing: start afresh (every process rebuilds once)
            cache.add(KEY, random.randrange(1, 1 << 40), timeout=None)
    except Exception as exc:  # a cache outage never fails a write; readers re-check in full
        logger.warning("engine version: could not bump: %s", exc)


def changed(sender=None, **kwargs) -> None:
    label = sender._meta.label if hasattr(sender, "_meta") else ""
    if sender is None or sender._meta.app_label not in ENGINE_APPS or label in IGNORED:
        return
    # After commit, never before: a process that saw the new number must find the new rows.
    transaction.on_commit(bump)


def connect() -> None:
    post_save.connect(changed, weak=False, dispatch_uid="engine-version-save")
    post_delete.connect(changed, weak=False, dispatch_uid="engine-version-delete")
    m2m_changed.connect(_m2m_changed, weak=False, dispatch_uid="engine-version-m2m")


def _m2m_changed(sender=None, action=None, instance=None, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        changed(sender=type(instance))


class VersionCache:
    """Per process: the last full version per unit and when it was confirmed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[int, tuple[int | None, tuple, float]] = {}

    def version(self, unit_id: int, full_version) -> tuple:
        recheck = getattr(settings, "ENGINE_VERSION_RECHECK_SECONDS", 5.0)
        token = counter() if recheck > 0 else None
        now = time.monotonic()
        with self._lock:
            seen = self._seen.get(unit_id)
        if token is not None and seen and seen[0] == token and now - seen[2] < recheck:
            return seen[1]
        full = full_version(unit_id)
        with self._lock:
            self._seen[unit_id] = (token, full, now)
        return full

    def forget(self) -> None:
        with self._lock:
            self._seen.clear()


versions = VersionCache()
