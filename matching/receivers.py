"""Matching listens to the apps below it (connected in ``MatchingConfig.ready``)."""

from __future__ import annotations


def refresh_changed_profile(sender, *, profile_id: int, **kwargs) -> None:
    """A task profile changed (``employers.signals.task_profile_changed``): refresh its stored
    suggestions in the background. Runs inside the sender's transaction, so the refresh is an
    outbox row written with the change."""
    from matching.services.recompute import schedule_refresh

    schedule_refresh(profile_id=profile_id)


def connect() -> None:
    from employers.signals import task_profile_changed

    task_profile_changed.connect(refresh_changed_profile, dispatch_uid="matching.refresh_profile")
