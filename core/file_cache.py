"""Django's file cache, listing its directory once per ``CULL_EVERY`` writes instead of on each.

Django's ``FileBasedCache.set`` calls ``_cull`` before every write, and ``_cull`` lists (globs) the
whole directory to count its entries, then returns without deleting anything until there are
``MAX_ENTRIES`` (10 000 here, ``config.settings``). Every write therefore cost a listing of every
entry the cache holds: a signed-in page's session and user, each change's engine-version entry
(``matching/engine_version.py``: one per saved row the engine reads). Building the demo wrote ~7 000
entries and spent 63 % of its time listing the directory (py-spy; quadratic in the entries), and a
day's use grows the listing every write pays for.

A process now counts its entries on its first write and then on every ``CULL_EVERY``-th: the cache
may hold up to ``CULL_EVERY`` entries per process more than ``MAX_ENTRIES`` before it culls. A cull
deletes random entries down to ``MAX_ENTRIES`` less its ``1 / CULL_FREQUENCY``, where Django's
deletes a third of what is there (which, counted this rarely, would let the cache settle at three
times the writes between two counts when those are many). Selected by
``config.settings`` when ``CACHE_URL`` is a file cache (the embedded default)."""

from __future__ import annotations

import itertools
import random

from django.core.cache.backends.filebased import FileBasedCache


class FileCache(FileBasedCache):
    def __init__(self, dir, params) -> None:
        options = dict(params.get("OPTIONS") or {})
        self.cull_every = max(1, int(options.pop("CULL_EVERY", 100)))
        super().__init__(dir, {**params, "OPTIONS": options})
        self._writes = itertools.count()  # next() is atomic under the GIL: threads share it

    def _cull(self) -> None:
        if next(self._writes) % self.cull_every:
            return
        filelist = self._list_cache_files()
        excess = len(filelist) - self._max_entries
        if excess < 0:
            return
        if self._cull_frequency == 0:
            self.clear()
            return
        for fname in random.sample(filelist, excess + self._max_entries // self._cull_frequency):
            self._delete(fname)
