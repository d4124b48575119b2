"""Which participant a link opens, for the progression answering page: the participant's
**personal link** (``matching.participants.services.consent_links``, the same link as their own consent page).
A revoked or replaced link opens nothing, and ends a session opened with it."""

from __future__ import annotations

from matching.models import Participant, PersonalLink
from matching.participants.services.consent_links import (
    active_personal_link,
    personal_link_by_token,
)


def link_for_token(token: str) -> PersonalLink | None:
    """The active personal link the token belongs to, or None (unknown, revoked: all the same)."""
    return personal_link_by_token(token)


def participant_for_token(token: str) -> Participant | None:
    link = link_for_token(token)
    return link.participant if link is not None else None


def participant_for_session(link_pk: int | None) -> Participant | None:
    """The participant of the link a page session was opened with, while that link still works."""
    link = active_personal_link(link_pk)
    if link is None or not link.participant.active:
        return None
    return link.participant
