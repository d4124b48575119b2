"""Choice lists that many pages show and that change rarely (the municipalities a unit's profiles
are in, for the match filter), kept in the shared cache per scope and dropped when what they are
built from changes (issue 22: per-unit choice lists cached and invalidated on change).

Each list has a name; ``invalidate_on(name, *models)`` drops every scope of it when a row of those
models is saved or deleted (a version number in the cache moves on). A cache outage only costs the
query: the list is then built as before."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

log = logging.getLogger(__name__)
SECONDS = 3600


def _version_key(name: str) -> str:
    return f"brygga:choices:{name}:version"


def cached_choices(name: str, scope, build: Callable[[], list]) -> list:
    """``build()`` for (``name``, ``scope``), from the cache while nothing it names changed. The
    list is kept with the version it was built under, so one cache round trip reads both."""
    version_key, key = _version_key(name), f"brygga:choice-list:{name}:{scope}"
    try:
        found = cache.get_many([version_key, key])
        version = found.get(version_key)
        if version is None:  # the first list of this name, or the cache lost its version:
            # a new one that no list kept from before can carry
            cache.add(version_key, time.time_ns(), None)
            version = cache.get(version_key)
    except Exception:
        log.warning("choice cache unavailable", exc_info=True)
        return list(build())
    if version is None:  # a cache that keeps nothing
        return list(build())
    kept = found.get(key)
    if kept is not None and kept[0] == version:
        return kept[1]
    value = list(build())
    try:
        cache.set(key, (version, value), SECONDS)
    except Exception:
        log.warning("choice cache unavailable", exc_info=True)
    return value


def forget_choices(name: str) -> None:
    try:
        cache.incr(_version_key(name))
    except ValueError:  # not there yet: nothing cached under any version
        pass
    except Exception:
        log.warning("could not forget cached choices %s", name, exc_info=True)


def invalidate_on(name: str, *models) -> None:
    """Forget ``name`` when a row of ``models`` is saved or deleted, or, for a many-to-many
    ``through`` model, when rows are added or removed (``unit.municipalities.add``)."""

    def changed(sender, **kwargs):
        if kwargs.get("action", "post_").startswith("post_"):
            forget_choices(name)

    for model in models:
        uid = f"brygga-choices-{name}-{model._meta.label}"
        post_save.connect(changed, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(changed, sender=model, dispatch_uid=f"{uid}-del", weak=False)
        m2m_changed.connect(changed, sender=model, dispatch_uid=f"{uid}-m2m", weak=False)
