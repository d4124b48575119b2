"""The engines' version from one cheap lookup instead of twelve aggregate queries per request.

Every save, delete or many-to-many change of a model the engine reads bumps one counter in the shared
cache after its transaction commits (all units share it: a change anywhere rebuilds each unit's engine
once, which is cheap next to counting rows on every request). A process trusts the counter for
``ENGINE_VERSION_RECHECK_SECONDS`` and then confirms with the full aggregate version
(``features.unit_version``). Writes that send no model signals (``QuerySet.update``,
``bulk_create``) announce themselves with ``core.writes.announce_rows``; the confirmation is the
safety net for writes made outside the application (SQL by hand), so it runs rarely (every minute
by default): its full rebuild lands on one request. With the cache down, or the re-check at 0 (the tests), every request uses the full
version, as before.

Each bump also records what changed, under the counter's new value: ``("participant", id)``,
``("profile", id)``, ``("site", id)``, ``("employer", id)`` or ``("all", None)``. A process whose
engine is a few numbers behind reads those entries and patches only the rows they name
(``features.unit_engine``); a missing entry (expired, evicted, a lost race) means a full rebuild.

The process that changed a participant also publishes the participant's new engine record, once per
request or task, when it ends (``features.publish_pending``): ``RECORD_KEY`` with the number of the change.
The other processes patch from it instead of each reading the participant's rows again; without it
(not yet published, evicted, a write outside a request) they read the rows, as before. A record is
computed after the commit of every change numbered up to its own, so it is never older than its
number says.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from core.writes import rows_written
from matching.engine.locks import file_lock

KEY = "matching:engine-version"
LOG_KEY = KEY + ":log:{}"
LOG_TIMEOUT = 3600
LOG_MAX = 200  # a process further behind than this rebuilds in full
RECORD_KEY = KEY + ":record:{}:{}:{}"  # kind, pk, the number of the change it reflects
PENDING_MAX = 64  # a request or task that changed more participants publishes none
ALL = ("all", None)
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


@contextlib.contextmanager
def _machine_lock():
    """The counter's increment and its log entry, one process of the machine at a time: the file
    cache's ``incr`` is a read and a write, and two writers must never get the same number."""
    directory = getattr(settings, "VAR_DIR", None)
    if directory is None:
        yield
        return
    with file_lock(Path(directory) / "engine-version.lock"):
        yield


def bump(changes=(ALL,)) -> None:
    try:
        with _machine_lock():
            try:
                number = cache.incr(KEY)
            except ValueError:  # missing: start afresh (every process rebuilds once)
                cache.add(KEY, random.randrange(1, 1 << 40), timeout=None)
                return
            cache.set(LOG_KEY.format(number), list(changes), timeout=LOG_TIMEOUT)
    except Exception as exc:  # a cache outage never fails a write; readers re-check in full
        logger.warning("engine version: could not bump: %s", exc)
        return
    _remember(number, changes)


def changes_between(old: int, new: int) -> list[tuple] | None:
    """What changed from counter ``old`` to ``new``; None when not every step is known."""
    numbered = numbered_changes_between(old, new)
    return None if numbered is None else [change for _number, change in numbered]


def numbered_changes_between(old: int, new: int) -> list[tuple[int, tuple]] | None:
    """(number, change) from counter ``old`` to ``new``; None when not every step is known."""
    if not (0 < new - old <= LOG_MAX):
        return None
    keys = {LOG_KEY.format(n): n for n in range(old + 1, new + 1)}
    try:
        found = cache.get_many(list(keys))
    except Exception as exc:
        logger.warning("engine version: cache unavailable: %s", exc)
        return None
    if len(found) != len(keys):
        return None
    return [(number, tuple(change)) for key, number in keys.items() for change in found[key]]


# --- records published by the process that changed them ----------------------------------------

_pending = threading.local()


def _pending_rows() -> dict[int, int]:
    rows = getattr(_pending, "participants", None)
    if rows is None:
        rows = _pending.participants = {}
    return rows


def _remember(number: int, changes) -> None:
    """Note the participants a bump named, with its number, for ``publish_pending``."""
    if getattr(settings, "ENGINE_VERSION_RECHECK_SECONDS", 5.0) <= 0:
        return  # no process patches (the tests' default): nothing to publish for
    rows = _pending_rows()
    for kind, pk in changes:
        if kind == "participant" and pk is not None:
            rows[pk] = max(number, rows.get(pk, 0))
    if len(rows) > PENDING_MAX:  # a bulk job: the readers read the rows themselves
        rows.clear()


def runs_inside_another(task=None, **kwargs) -> bool:
    """An eager task (tests, one-process setups) runs inside the request that queued it: that
    request publishes, after its transactions, never the task in the middle of them."""
    return task is not None and bool(getattr(task.request, "is_eager", False))


def forget_pending(**kwargs) -> None:
    """A request or task starts: what an earlier one left unpublished is not its to publish."""
    if not runs_inside_another(**kwargs):
        _pending_rows().clear()


def take_pending() -> dict[int, int]:
    """The participants changed since the request or task began (pk → number of the latest
    change), handed over once: ``features.publish_pending`` publishes their records."""
    rows = _pending_rows()
    pending = dict(rows)
    rows.clear()
    return pending


def store_records(kind: str, numbers: dict[int, int], records: dict[int, object]) -> None:
    """Publish ``records`` (pk → record) of ``kind``, each under its change's number."""
    cache.set_many(
        {RECORD_KEY.format(kind, pk, numbers[pk]): record for pk, record in records.items()},
        timeout=LOG_TIMEOUT,
    )


def published(kind: str, numbers: dict[int, int]) -> dict[int, object]:
    """pk → the record published for ``kind`` ``pk`` at change ``numbers[pk]``, where there is one."""
    if not numbers:
        return {}
    keys = {RECORD_KEY.format(kind, pk, n): pk for pk, n in numbers.items()}
    try:
        found = cache.get_many(list(keys))
    except Exception as exc:
        logger.warning("engine version: cache unavailable: %s", exc)
        return {}
    return {keys[key]: value for key, value in found.items()}


# Rows a change touches, by the attribute that names them (first match wins).
ROW_ATTRIBUTES = (
    ("participant_id", "participant"),
    ("profile_id", "profile"),
    ("task_profile_id", "profile"),
    ("site_id", "site"),
    ("employer_id", "employer"),
)
OWN_ROWS = {
    "matching.Participant": "participant",
    "employers.TaskProfile": "profile",
    "employers.Site": "site",
    "employers.Employer": "employer",
}


def affected(model, instance) -> tuple:
    """The engine rows a saved or deleted ``instance`` touches; ALL when it is not one row's."""
    label = model._meta.label
    if instance is None:
        return ALL
    if label in OWN_ROWS:
        return (OWN_ROWS[label], instance.pk)
    if label == "matching.MatchDecision":  # a proposal counts towards the profile's load
        return ("profile", instance.task_profile_id)
    for attribute, kind in ROW_ATTRIBUTES:
        value = getattr(instance, attribute, None)
        if isinstance(value, int):
            return (kind, value)
    return ALL


def _tracked(model) -> bool:
    return (
        model is not None
        and hasattr(model, "_meta")
        and model._meta.app_label in ENGINE_APPS
        and model._meta.label not in IGNORED
    )


def _on_commit(changes: list[tuple]) -> None:
    # After commit, never before: a process that saw the new number must find the new rows.
    transaction.on_commit(lambda: bump(changes))


def written(sender=None, pks=None, **kwargs) -> None:
    """``core.writes.rows_written``: a write that sent no model signal (``QuerySet.update``,
    ``bulk_create``, an import). Its rows when it names them and they are one of the engine's own
    kinds, else anything may have changed."""
    if not _tracked(sender):
        return
    label = sender._meta.label
    if pks is not None and label in OWN_ROWS:
        _on_commit([(OWN_ROWS[label], pk) for pk in pks])
    else:
        _on_commit([ALL])


def changed(sender=None, instance=None, **kwargs) -> None:
    if not _tracked(sender):
        return
    _on_commit([affected(sender, instance)])


def connect() -> None:
    post_save.connect(changed, weak=False, dispatch_uid="engine-version-save")
    post_delete.connect(changed, weak=False, dispatch_uid="engine-version-delete")
    m2m_changed.connect(_m2m_changed, weak=False, dispatch_uid="engine-version-m2m")
    rows_written.connect(written, weak=False, dispatch_uid="engine-version-written")
    from celery.signals import task_prerun
    from django.core.signals import request_started

    request_started.connect(forget_pending, weak=False, dispatch_uid="engine-records-forget")
    task_prerun.connect(forget_pending, weak=False, dispatch_uid="engine-records-forget-task")


def connect_publishing(publish) -> None:
    """``publish`` (``features.publish_pending``) runs when a request or task ends: its
    transactions are committed by then."""
    from celery.signals import task_postrun
    from django.core.signals import request_finished

    request_finished.connect(publish, weak=False, dispatch_uid="engine-records-publish")
    task_postrun.connect(publish, weak=False, dispatch_uid="engine-records-publish-task")


def _m2m_changed(sender=None, action=None, instance=None, model=None, pk_set=None, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    owner = type(instance)
    if not (_tracked(owner) or _tracked(model)):
        return
    if owner._meta.label in OWN_ROWS:
        _on_commit([affected(owner, instance)])
    elif model is not None and model._meta.label in OWN_ROWS and pk_set:
        # Changed from the other side (an adaptation's participants): those rows.
        _on_commit([(OWN_ROWS[model._meta.label], pk) for pk in pk_set])
    else:
        _on_commit([ALL])


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
