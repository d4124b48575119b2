"""Optional online geocoding through geopy, when ``settings.GEOCODER`` names a geopy service.

Results are cached (Django's cache, 30 days) and calls are rate limited (geopy's RateLimiter,
``GEOCODER_MIN_DELAY_SECONDS`` apart), so a bulk import does not hammer a public service.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import get_geocoder_for_service

CACHE_SECONDS = 30 * 24 * 3600
_MISS = "miss"


@lru_cache(maxsize=1)
def _configured_geocode():
    geocoder_cls = get_geocoder_for_service(settings.GEOCODER)
    geocoder = geocoder_cls(user_agent=settings.GEOCODER_USER_AGENT, timeout=10)
    return RateLimiter(
        geocoder.geocode,
        min_delay_seconds=settings.GEOCODER_MIN_DELAY_SECONDS,
        max_retries=2,
        swallow_exceptions=False,
    )


def geocode_address(query: str, *, geocoder=None) -> tuple[float, float] | None:
    """(lat, lon) for an address, or None when the service does not know it. Raises on failure."""
    key = "geocode:" + hashlib.sha256(query.casefold().encode()).hexdigest()
    cached = cache.get(key)
    if cached == _MISS:
        return None
    if cached is not None:
        return tuple(cached)
    geocode = geocoder if geocoder is not None else _configured_geocode()
    location = geocode(query)
    if location is None:
        cache.set(key, _MISS, CACHE_SECONDS)
        return None
    result = (float(location.latitude), float(location.longitude))
    cache.set(key, list(result), CACHE_SECONDS)
    return result
