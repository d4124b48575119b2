"""Matching listens to the layers below it: a changed participant or kravprofil refreshes the
suggestions that depend on it. Connected in ``MatchingConfig.ready``."""

from django.dispatch import receiver

from matching.participants.signals import participant_changed
from matching.services.recompute import schedule_refresh


@receiver(participant_changed, dispatch_uid="matching.refresh_participant")
def refresh_participant(sender, *, participant_id: int, **kwargs) -> None:
    schedule_refresh(participant_id=participant_id)
