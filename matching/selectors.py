"""Reads of the participant side that other parts (matching, portal) rely on."""

from __future__ import annotations

from collections.abc import Iterable

from matching.choices import OcnStatus
from matching.models import KgaScore, OcnCase


def latest_kga_levels(participant_ids: Iterable[int]) -> dict[int, dict[int, int]]:
    """participant id → {competence id: level} from each competence's latest assessment."""
    result: dict[int, dict[int, int]] = {}
    rows = (
        KgaScore.objects.filter(assessment__participant_id__in=list(participant_ids))
        .order_by("assessment__assessed_on", "assessment__pk")
        .values_list("assessment__participant_id", "competence_id", "level")
    )
    for pid, competence_id, level in rows:
        result.setdefault(pid, {})[competence_id] = (
            level  # later assessments overwrite earlier ones
        )
    return result


def certified_modules(participant_ids: Iterable[int]) -> dict[int, dict[int, int]]:
    """participant id → {OCN module id: certified level}."""
    result: dict[int, dict[int, int]] = {}
    for pid, module_id, level in OcnCase.objects.filter(
        participant_id__in=list(participant_ids), status=OcnStatus.CERTIFIED
    ).values_list("participant_id", "module_id", "level"):
        result.setdefault(pid, {})[module_id] = level or 1
    return result


def ocn_cases_awaiting_internal_qa(user):
    """The internal quality assurer's worklist: OCN cases that are assessed (the step that needs
    internal QA next) of the participants of the units the user is named quality assurer for
    (an administrator: their own unit), oldest assessment first. A case the user assessed is left
    out: someone else must assure it."""
    from core.choices import Role
    from core.roles import role_of
    from matching.models import Participant, QualityAssurer

    if not getattr(user, "is_authenticated", False):
        return OcnCase.objects.none()
    if role_of(user) == Role.ADMIN:
        units = [user.unit_id] if user.unit_id else []
    else:
        units = QualityAssurer.objects.filter(user=user, unit_id=user.unit_id).values("unit_id")
    return (
        OcnCase.objects.filter(
            status=OcnStatus.ASSESSED,
            participant__unit_id__in=units,
            participant__in=Participant.objects.visible_to(user),
        )
        .exclude(assessor=user)
        .order_by("assessed_on", "pk")
    )
