"""Participant side of Brygga and the matching results. Each submodule owns one area."""

from matching.models.consents import Consent
from matching.models.participants import (
    Participant,
    ParticipantAdaptationNeed,
    ParticipantLanguage,
    ParticipantSkill,
    PhaseChange,
)
from matching.models.validations import KgaAssessment, KgaScore, OcnCase, OcnCaseEvent

__all__ = [
    "Consent",
    "KgaAssessment",
    "KgaScore",
    "OcnCase",
    "OcnCaseEvent",
    "Participant",
    "ParticipantAdaptationNeed",
    "ParticipantLanguage",
    "ParticipantSkill",
    "PhaseChange",
]
