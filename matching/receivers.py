"""Matching listens to the layers below it: a changed participant (``matching.participants``) or
kravprofil (``employers``) refreshes the suggestions that depend on it. Each receiver runs inside the
sender's transaction, so the refresh is an outbox row written with the change. Connected in
``MatchingConfig.ready``."""

from __future__ import annotations

from employers.signals import task_profile_changed
from matching.participants.signals import participant_changed
from matching.services.recompute import schedule_refresh


def refresh_changed_participant(sender, *, participant_id: int, **kwargs) -> None:
    schedule_refresh(participant_id=participant_id)


def refresh_changed_profile(sender, *, profile_id: int, **kwargs) -> None:
    schedule_refresh(profile_id=profile_id)


def connect() -> None:
    participant_changed.connect(
        refresh_changed_participant, dispatch_uid="matching.refresh_participant"
    )
    task_profile_changed.connect(refresh_changed_profile, dispatch_uid="matching.refresh_profile")
