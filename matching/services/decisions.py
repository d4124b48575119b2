"""Guides' decisions on suggestions, kept (with the score they had) for learning weights later."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.models import User
from employers.models import TaskProfile
from matching.models import DecisionKind, DecisionReason, MatchDecision, Participant
from matching.participants.services.participants import ensure_can_edit


@transaction.atomic
def decision_record(
    *,
    participant: Participant,
    task_profile: TaskProfile,
    decision: str,
    by: User,
    reason: str | None = None,
    note: str = "",
) -> MatchDecision:
    ensure_can_edit(by, participant)
    if decision not in DecisionKind.values:
        raise ValidationError(
            {
                "decision": _("Choose “%(a)s” or “%(b)s”.")
                % {"a": DecisionKind.PROPOSED.label, "b": DecisionKind.NOT_SUITABLE.label}
            }
        )
    if decision == DecisionKind.NOT_SUITABLE and reason not in DecisionReason.values:
        raise ValidationError(
            {
                "reason": _("Say why: %(opts)s.")
                % {"opts": ", ".join(str(label) for label in DecisionReason.labels)}
            }
        )
    if not task_profile.is_open_to_unit(participant.unit):
        raise ValidationError({"task_profile": _("The profile belongs to another unit.")})
    score, breakdown = None, {}
    try:
        from matching.services.suggestions import explain_pair

        explained = explain_pair(participant, task_profile)
        score, breakdown = explained["score"], explained["components"]
    except Exception:  # noqa: BLE001 - a draft or closed profile has no score; the decision still counts
        pass
    decision_row = MatchDecision(
        participant=participant,
        task_profile=task_profile,
        decision=decision,
        reason=reason or "",
        note=note,
        score=score,
        breakdown=breakdown,
        decided_by=by,
    )
    decision_row.full_clean()
    decision_row.save()
    return decision_row
