"""What placements clears when a participant is anonymised (``matching.participants.retention``): the free
text written about them in placements, evaluations, extensions, follow-ups, exits, six-month
follow-ups and starts in work or studies. Dates, kinds, statuses, coded reasons, outcomes and situations stay — they are what statistics,
ESF reporting and fidelity count."""

from __future__ import annotations

from matching.models import Participant
from placements.models import (
    Exit,
    ExitFollowUp,
    FollowUp,
    ParticipantStart,
    Placement,
    PlacementTransition,
    PracticeEvaluation,
    PracticeExtension,
)


def participant_notes_erase(participant: Participant) -> None:
    placements = Placement.objects.filter(participant=participant)
    placements.update(goals_short="", goals_long="", end_reason="", schedule="")
    PlacementTransition.objects.filter(placement__in=placements).update(reason="")
    PracticeEvaluation.objects.filter(placement__in=placements).update(progress="", next_steps="")
    PracticeExtension.objects.filter(placement__in=placements).update(reason="")
    FollowUp.objects.filter(placement__in=placements).update(
        notes="", next_actions="", reschedule_reason=""
    )
    Exit.objects.filter(participant=participant).update(note="")
    ExitFollowUp.objects.filter(exit__participant=participant).update(note="")
    ParticipantStart.objects.filter(participant=participant).update(note="")
