"""The matching engine: plain Python, numpy, scipy and scikit-learn. No Django imports here; the
Django side (``matching.features``) builds the records and stores the results."""

from matching.engine.config import COMPONENTS, TravelModel, Weights, WeightsError
from matching.engine.ranking import Engine, Explanation, Match, Reason
from matching.engine.records import ParticipantRecord, ProfileRecord
from matching.engine.reference import score_pair

__all__ = [
    "COMPONENTS",
    "Engine",
    "Explanation",
    "Match",
    "ParticipantRecord",
    "ProfileRecord",
    "Reason",
    "TravelModel",
    "Weights",
    "WeightsError",
    "score_pair",
]
