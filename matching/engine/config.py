"""Engine configuration: component weights and the travel model. Plain data, no Django."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

COMPONENTS = ("skills", "validations", "geography", "adaptations_hours", "preferences", "load")

# Reason flags for hard constraints (bit values, combined in a uint8 per pair).
REASON_ADAPTATION = 1
REASON_VALIDATION = 2
REASON_HOURS = 4
REASON_DISTANCE = 8
REASON_NOT_AVAILABLE = 16
REASON_CONSENT = 32
REASON_LICENCE = 64
REASON_MUST_SKILL = 128
REASONS = {
    REASON_ADAPTATION: "adaptation_not_offered",
    REASON_VALIDATION: "validation_missing",
    REASON_HOURS: "hours_incompatible",
    REASON_DISTANCE: "outside_commute_reach",
    REASON_NOT_AVAILABLE: "profile_not_open_or_full",
    REASON_CONSENT: "no_consent",
    REASON_LICENCE: "licence_missing",
    REASON_MUST_SKILL: "must_skill_missing",
}


class WeightsError(ValueError):
    pass


@dataclass(frozen=True)
class Weights:
    """Relative weight of each component; the score is the weighted mean, so it stays in [0, 1]."""

    skills: float = 0.35
    validations: float = 0.10
    geography: float = 0.20
    adaptations_hours: float = 0.15
    preferences: float = 0.12
    load: float = 0.08

    def __post_init__(self) -> None:
        values = self.as_dict()
        bad = [k for k, v in values.items() if not isinstance(v, int | float) or v != v or v < 0]
        if bad:
            raise WeightsError(f"Weights must be non-negative numbers: {', '.join(bad)}")
        if sum(values.values()) <= 0:
            raise WeightsError("At least one weight must be above zero.")

    def as_dict(self) -> dict[str, float]:
        return asdict(self)

    def normalised(self) -> dict[str, float]:
        total = sum(self.as_dict().values())
        return {k: v / total for k, v in self.as_dict().items()}


@dataclass(frozen=True)
class TravelModel:
    """Estimated one-way travel from great-circle distance until real travel times exist.

    time = distance × detour / speed + fixed minutes. Default limits are the unit's usual ones for
    this group; a participant's own limit replaces them (minutes capped at ``max_minutes``)."""

    detour: float = 1.3
    speeds_kmh: dict[str, float] = field(
        default_factory=lambda: {"walk": 5.0, "bike": 16.0, "public_transport": 30.0, "car": 60.0}
    )
    fixed_minutes: dict[str, float] = field(
        default_factory=lambda: {"walk": 0.0, "bike": 0.0, "public_transport": 10.0, "car": 5.0}
    )
    default_limits: dict[str, float] = field(
        default_factory=lambda: {"walk": 30.0, "bike": 30.0, "public_transport": 60.0, "car": 45.0}
    )
    max_minutes: float = 90.0

    def minutes(self, means: str, distance_km: float) -> float:
        return distance_km * self.detour / self.speeds_kmh[means] * 60.0 + self.fixed_minutes[means]

    def reach_km(self, means: str, limit_minutes: float) -> float:
        """Longest great-circle distance reachable by ``means`` within ``limit_minutes``."""
        usable = max(limit_minutes - self.fixed_minutes[means], 0.0)
        return usable / 60.0 * self.speeds_kmh[means] / self.detour


MEANS = ("walk", "bike", "public_transport", "car")

# How much a skill counts by its source, and related skills (text similarity) at most.
SOURCE_STRENGTH = {"validated": 1.0, "observed": 0.8, "self_reported": 0.6}
LEVEL_FACTOR = {1: 0.7, 2: 0.85, 3: 0.95, 4: 1.0}
RELATED_SKILL_FACTOR = 0.5
SUBSTITUTE_FACTOR = 0.8
INDUSTRY_PREFERENCE = 0.6
NO_PREFERENCE = 0.5
OCN_LEVELS = (1, 2, 3)
