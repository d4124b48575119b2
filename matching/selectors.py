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
