"""Template data for a participant's placements and done follow-ups, so any page that shows a
participant can include ``portal/guide/_participant_placements.html`` without extra view code."""

from django import template

from placements.choices import FollowUpStatus
from placements.models import FollowUp, Placement

register = template.Library()


@register.simple_tag
def participant_placements(participant) -> dict:
    """The participant's placements (newest first) and done follow-ups (newest first). Callers
    have already checked that the user may see the participant."""
    return {
        "placements": Placement.objects.filter(participant=participant).select_related(
            "task_profile__employer"
        ),
        "followups_done": FollowUp.objects.filter(
            placement__participant=participant, status=FollowUpStatus.DONE
        )
        .select_related("placement__task_profile__employer", "done_by")
        .order_by("-done_on", "-pk"),
    }
