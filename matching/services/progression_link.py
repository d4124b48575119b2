"""Which participant a link opens, for the progression answering page.

The participant answers through their **personal link** (the consent links of issue 12,
``matching.services.consent_links.personal_link_by_token``). Until that is merged, a signed
stand-in token (``stand_in_token``, valid 60 days) opens the same page; once the personal link is
present it is used and the stand-in is no longer accepted.
"""

from __future__ import annotations

from django.core import signing

from matching.models import Participant

SALT = "brygga.progression.link"
MAX_AGE = 60 * 24 * 3600


def _personal_link_lookup():
    try:
        from matching.services.consent_links import personal_link_by_token
    except ImportError:  # the personal link is not merged yet
        return None
    return personal_link_by_token


def uses_personal_link() -> bool:
    return _personal_link_lookup() is not None


def stand_in_token(participant: Participant) -> str:
    return signing.dumps(participant.pk, salt=SALT)


def participant_for_token(token: str) -> Participant | None:
    """The participant the token opens, or None (unknown, expired or revoked: all the same)."""
    if not token or len(token) > 300:
        return None
    lookup = _personal_link_lookup()
    if lookup is not None:
        link = lookup(token)
        return link.participant if link is not None else None
    try:
        pk = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    return Participant.objects.filter(pk=pk, active=True).first()
