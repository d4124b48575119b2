"""Template data for a participant's placements and done follow-ups, so any page that shows a
participant can include ``portal/guide/_participant_placements.jinja`` without extra view code."""

from django import template

from core.compiled import CompiledRows
from placements.choices import FollowUpStatus
from placements.models import FollowUp, Placement

register = template.Library()


def _placements(participant):
    return Placement.objects.filter(participant_id=participant).select_related(
        "task_profile__employer"
    )


def _followups_done(participant):
    return (
        FollowUp.objects.filter(placement__participant_id=participant, status=FollowUpStatus.DONE)
        .select_related("placement__task_profile__employer", "done_by")
        .order_by("-done_on", "-pk")
    )


# Compiled once (``core.compiled``): compiling the follow-ups' five-table read cost a participant
# page more than running it.
_PLACEMENTS = CompiledRows(_placements, participant=None)
_FOLLOWUPS_DONE = CompiledRows(_followups_done, participant=None)


@register.simple_tag
def participant_placements(participant) -> dict:
    """The participant's placements (newest first) and done follow-ups (newest first). Callers
    have already checked that the user may see the participant."""
    return {
        "placements": _PLACEMENTS.objects(participant=participant.pk),
        "followups_done": _FOLLOWUPS_DONE.objects(participant=participant.pk),
    }
