"""Every rate limit in Brygga counts here, in Django's cache (LocMemCache in tests, files on one
machine, Redis in production), so the web processes share one count per subject.

A limit is a ``Rate`` (how many per how many seconds) and a count is kept per *scope* (what is
limited: "link-guess-address", "profile-request-user", ...) and *subject* (whose: an address, a
link, a user id). Subjects are hashed into the key, so no secret (a link token, an e-mail address)
is ever stored in the cache, and any text fits a memcached/Redis key.

The window is fixed: it starts with the first hit and the count is dropped when it ends. Callers
choose what counts: the public participant pages count only failed look-ups (guesses), never the
use of a valid link; profile requests count only the ones that are sent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Rate:
    """At most ``limit`` hits per ``window`` seconds."""

    limit: int
    window: int

    @classmethod
    def from_setting(cls, value: dict) -> Rate:
        return cls(limit=int(value["limit"]), window=int(value["window_seconds"]))


def _key(scope: str, subject: object) -> str:
    digest = hashlib.sha256(str(subject).encode()).hexdigest()[:40]
    return f"throttle:{scope}:{digest}"


def used(scope: str, subject: object) -> int:
    """How many hits the subject has in its current window (0 when none)."""
    return int(cache.get(_key(scope, subject)) or 0)


def exhausted(scope: str, subject: object, rate: Rate) -> bool:
    """True when the subject has used up its hits: the next one would be over the limit."""
    return used(scope, subject) >= rate.limit


def hit(scope: str, subject: object, rate: Rate) -> bool:
    """Count one hit; True while the count is within the limit. Atomic on Redis and memcached
    (``incr``), so two processes cannot both take the last hit."""
    key = _key(scope, subject)
    cache.add(key, 0, timeout=rate.window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, timeout=rate.window)
        count = 1
    return count <= rate.limit


def clear(scope: str, subject: object) -> None:
    cache.delete(_key(scope, subject))


# --- guessing of the participant's public links -----------------------------------------------
# The participant's pages (consent invitation, own consent page, progression answers) are opened
# without an account by a link or a printed code. Only failed look-ups count, per client address
# and per link, each against its own limit: a participant using a valid link is never counted and
# never refused, however many steps they take and whoever else shares their address (a municipal
# office's NAT). An address over its limit gets 429 for every further failure; a link that keeps
# failing (an expired link in an old e-mail, opened again and again) gets 429 for anyone, without
# touching other links.

GUESS_ADDRESS = "link-guess-address"
GUESS_LINK = "link-guess-link"


def _guess_rates() -> tuple[Rate, Rate]:
    from django.conf import settings

    window = settings.CONSENT_LINK_RATE_WINDOW_SECONDS
    return (
        Rate(limit=settings.CONSENT_LINK_RATE_LIMIT, window=window),
        Rate(limit=settings.CONSENT_LINK_RATE_LIMIT_PER_LINK, window=window),
    )


def guessing_blocked(*, address: str | None, link: str | None = None) -> bool:
    """True when the address (or the link, if given) has used up its failed look-ups. Checked
    before looking up a secret that could be guessed (the 8-letter printed code)."""
    per_address, per_link = _guess_rates()
    if exhausted(GUESS_ADDRESS, address, per_address):
        return True
    return link is not None and exhausted(GUESS_LINK, link, per_link)


def guess_failed(*, address: str | None, link: str | None = None) -> bool:
    """Count one failed look-up against the address and the link; True when either is now over
    its limit (answer 429 instead of the neutral page)."""
    per_address, per_link = _guess_rates()
    within = hit(GUESS_ADDRESS, address, per_address)
    if link is not None:
        within = hit(GUESS_LINK, link, per_link) and within
    return not within


# --- profile requests from employer users ---------------------------------------------------------

PROFILE_REQUEST = "profile-request-user"


def profile_request_rate() -> Rate:
    from django.conf import settings

    return Rate.from_setting(settings.PROFILE_REQUEST_RATE)


def profile_request_take(*, user_id: int) -> bool:
    """Take one of the user's profile requests for the window; False when none is left (each
    request e-mails the coordinators, so the limit is per user, whatever the address)."""
    return hit(PROFILE_REQUEST, user_id, profile_request_rate())
