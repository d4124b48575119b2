"""What an employer user may see of a placement's participant: decided by consent, in one place."""

from __future__ import annotations

from matching.choices import ConsentScope
from matching.services.consents import shared_scopes


def employer_view(placement) -> dict:
    """The participant part of a placement as the employer may see it now."""
    participant = placement.participant
    scopes = shared_scopes(participant=participant, employer=placement.task_profile.employer)
    data: dict = {"code": participant.code, "shared": sorted(scopes)}
    if ConsentScope.IDENTITY in scopes:
        data["name"] = f"{participant.first_name} {participant.last_name}"
    if ConsentScope.SKILLS in scopes:
        data["skills"] = sorted(
            s.skill.label if s.skill_id else s.free_text
            for s in participant.skills.select_related("skill")
        )
    if ConsentScope.ADAPTATION_NEEDS in scopes:
        data["adaptation_needs"] = sorted(
            n.adaptation.label for n in participant.adaptation_needs.select_related("adaptation")
        )
    return data


def employer_may_see_plan(placement) -> bool:
    return ConsentScope.PLACEMENT in shared_scopes(
        participant=placement.participant, employer=placement.task_profile.employer
    )


# What of a follow-up an employer sees only when the participant shared the placement plan.
FOLLOWUP_PLAN_FIELDS = (
    "notes",
    "reschedule_reason",
    "next_actions",
    "rating_tasks",
    "rating_social",
    "rating_attendance",
)


def employer_followup_view(followup, *, plan: bool) -> dict:
    """A follow-up as the employer reads it before confirming: the date, with whom, and — when the
    participant shared the placement plan with the employer (``plan``) — the notes and how it
    goes (the 1–5 ratings), the same fields the API shows them."""
    data: dict = {
        "date": followup.done_on or followup.planned_on,
        "done": followup.status == "done",
        "with_whom": followup.get_with_whom_display(),
        "shared": plan,
    }
    if plan:
        from django.utils.translation import gettext as _

        data["notes"] = followup.notes
        data["ratings"] = [
            (label, value)
            for label, value in (
                (_("Tasks"), followup.rating_tasks),
                (_("Social"), followup.rating_social),
                (_("Attendance"), followup.rating_attendance),
            )
            if value is not None
        ]
    return data
