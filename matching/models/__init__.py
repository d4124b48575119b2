"""Participant side of Brygga and the matching results. Each submodule owns one area."""

from matching.models.learning import MatchWeightsVersion, ProposalStatus, WeightProposal
from matching.models.suggestions import (
    DecisionKind,
    DecisionReason,
    JobStatus,
    MatchDecision,
    MatchSuggestion,
    MatchWeights,
    RecomputeJob,
)
from matching.participants.models.consent_links import (
    ConsentInvitation,
    InvitedRecipient,
    PersonalLink,
)
from matching.participants.models.consents import Consent
from matching.participants.models.participants import (
    Participant,
    ParticipantAdaptationNeed,
    ParticipantLanguage,
    ParticipantSkill,
    PhaseChange,
)
from matching.participants.models.progression import (
    ProgressionAnswer,
    ProgressionIndicator,
    ProgressionMeasurement,
)
from matching.participants.models.validations import (
    KgaAssessment,
    KgaScore,
    OcnCase,
    OcnCaseEvent,
    QualityAssurer,
)

__all__ = [
    "MatchWeightsVersion",
    "ProposalStatus",
    "WeightProposal",
    "DecisionKind",
    "DecisionReason",
    "JobStatus",
    "MatchDecision",
    "MatchSuggestion",
    "MatchWeights",
    "RecomputeJob",
    "Consent",
    "ConsentInvitation",
    "InvitedRecipient",
    "PersonalLink",
    "KgaAssessment",
    "KgaScore",
    "OcnCase",
    "OcnCaseEvent",
    "Participant",
    "ParticipantAdaptationNeed",
    "ParticipantLanguage",
    "ParticipantSkill",
    "PhaseChange",
    "ProgressionAnswer",
    "ProgressionIndicator",
    "ProgressionMeasurement",
    "QualityAssurer",
]
