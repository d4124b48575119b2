"""What an employer user may see of a placement's participant: decided by consent, in one place."""

from __future__ import annotations

from django.db.models import Prefetch

from matching.choices import ConsentScope
from matching.participants.services.consents import shared_scopes, shared_scopes_with_employers

# Set by ``with_employer_scopes`` on each placement of a list: the scopes read in one query.
_SCOPES = "_employer_scopes"


def with_employer_scopes(placements):
    """The placements (a list), each holding what its employer may see of its participant, read
    for all of them in one query (``shared_scopes_with_employers``: the same rule as
    ``shared_scopes``). ``employer_view`` and ``employer_may_see_plan`` use it when present."""
    placements = list(placements)
    scopes = shared_scopes_with_employers(
        (p.participant_id, p.task_profile.employer_id) for p in placements
    )
    for p in placements:
        setattr(p, _SCOPES, scopes[(p.participant_id, p.task_profile.employer_id)])
    return placements


def employer_view_prefetch(prefix: str = "") -> list[Prefetch]:
    """What ``employer_view`` reads of many participants, fetched in two queries
    (``prefix`` is the path to the placement, e.g. ``"placement__"``)."""
    from matching.models import ParticipantAdaptationNeed, ParticipantSkill

    return [
        Prefetch(
            f"{prefix}participant__skills",
            queryset=ParticipantSkill.objects.select_related("skill"),
        ),
        Prefetch(
            f"{prefix}participant__adaptation_needs",
            queryset=ParticipantAdaptationNeed.objects.select_related("adaptation"),
        ),
    ]


def _scopes(placement) -> set[str]:
    primed = getattr(placement, _SCOPES, None)
    if primed is not None:
        return primed
    return shared_scopes(
        participant=placement.participant, employer=placement.task_profile.employer_id
    )


def _rows(participant, name: str, related: str):
    if name in getattr(participant, "_prefetched_objects_cache", {}):
        return getattr(participant, name).all()
    return getattr(participant, name).select_related(related)


def employer_view(placement) -> dict:
    """The participant part of a placement as the employer may see it now."""
    participant = placement.participant
    scopes = _scopes(placement)
    data: dict = {"code": participant.code, "shared": sorted(scopes)}
    if ConsentScope.IDENTITY in scopes:
        data["name"] = f"{participant.first_name} {participant.last_name}"
    if ConsentScope.SKILLS in scopes:
        data["skills"] = sorted(
            s.skill.label if s.skill_id else s.free_text
            for s in _rows(participant, "skills", "skill")
        )
    if ConsentScope.ADAPTATION_NEEDS in scopes:
        data["adaptation_needs"] = sorted(
            n.adaptation.label for n in _rows(participant, "adaptation_needs", "adaptation")
        )
    return data


def employer_may_see_plan(placement) -> bool:
    return ConsentScope.PLACEMENT in _scopes(placement)


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
