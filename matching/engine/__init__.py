"""The matching engine: plain Python, numpy, scipy and scikit-learn. No Django imports here; the
Django side (``matching.features``) builds the records and stores the results."""

from matching.engine.config import COMPONENTS, TravelModel, Weights, WeightsError
from matching.engine.ranking import Engine, Explanation, Match, Reason
from matching.engine.records import ParticipantRecord, ProfileRecord
from matching.engine.reference import score_pair


def import_libraries() -> None:
    """Import the parts of scikit-learn the engine builds with. The engine's modules import them
    where they build (they take seconds to import, which every process paid at start-up, manage.py's
    commands too); a server calls this before it forks its workers, so they share them and no
    request pays for the import (``config.warmup``, ``config.celery``)."""
    import sklearn.feature_extraction.text  # noqa: F401
    import sklearn.neighbors  # noqa: F401


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
    "import_libraries",
    "score_pair",
]
