"""Sessions read from the shared cache and kept in the database (issue 22), that survive a cache
outage: Django's ``cached_db`` store falls back to the database when reading fails, but then
writes the session back to the cache without a guard, so a Redis outage turned every signed-in
request into a 503 (the fault check in CI caught it). Here every cache call is guarded: with the
cache down, sessions are the database's alone, and nothing is lost."""

from __future__ import annotations

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

logger = logging.getLogger("brygga.sessions")


class SessionStore(CachedDBStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # noqa: BLE001 - the cache is down: the database has the session
            data = None
        if data is not None:
            return data
        s = self._get_session_from_db()
        if not s:
            return {}
        data = self.decode(s.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=s.expire_date))
        except Exception:  # noqa: BLE001
            logger.warning("session cache unavailable; read from the database")
        return data

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:  # noqa: BLE001
            pass
        return super(CachedDBStore, self).exists(session_key)

    def delete(self, session_key=None):
        super(CachedDBStore, self).delete(session_key)
        key = session_key or self.session_key
        if key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + key)
        except Exception:  # noqa: BLE001 - a stale cache entry expires with the session
            logger.warning("session cache unavailable; the deleted session's cache entry stays")
