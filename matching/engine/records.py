"""Plain records the engine works from. The Django side builds these from the database; tests and
the benchmark build them directly. There is deliberately no gender, age or origin here: those are
never matching features."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

SkillKey = Hashable  # a taxonomy skill id, or ("text", folded free text) for unmatched skills


@dataclass(frozen=True)
class ParticipantRecord:
    id: int
    lat: float | None
    lon: float | None
    hours_min: float
    hours_max: float
    swedish_level: int = 0
    needs: frozenset[int] = frozenset()
    means: tuple[str, ...] = ("walk",)
    has_licence: bool = False
    has_car: bool = False
    own_minutes: float | None = None
    own_km: float | None = None
    skills: dict[SkillKey, tuple[str, int]] = field(default_factory=dict)  # key → (source, level)
    certified_modules: dict[int, int] = field(default_factory=dict)  # OCN module → level
    kga: dict[int, int] = field(default_factory=dict)  # KGA competence → latest level
    desired_occupations: frozenset[int] = frozenset()
    substitute_occupations: dict[int, int] = field(
        default_factory=dict
    )  # occupation → substitutability %
    desired_industries: frozenset[str] = frozenset()
    consent_employers: frozenset[int] = frozenset()
    # Licences and legitimations held, with those they include (class CE includes C and B).
    licences: frozenset[int] = frozenset()


@dataclass(frozen=True)
class ProfileRecord:
    id: int
    employer_id: int
    lat: float | None
    lon: float | None
    hours_min: float
    hours_max: float
    swedish_level: int = 0
    offered: frozenset[int] = frozenset()
    available: bool = True  # open with a free slot
    kind: str = "practice"
    occupation_id: int | None = None
    industry: str | None = None
    skills: dict[SkillKey, tuple[float, bool]] = field(
        default_factory=dict
    )  # key → (weight, required)
    ocn_required: dict[int, int] = field(default_factory=dict)  # OCN module → level required
    kga_required: dict[int, int] = field(default_factory=dict)  # competence → minimum level
    supervisor: bool = True
    open_proposals: int = 0
    slots_free: int = 1
    # Hard requirements: a participant without every one of these is excluded, with the reason.
    required_licences: frozenset[int] = frozenset()
    must_skills: frozenset[SkillKey] = frozenset()  # keys of ``skills`` the participant must have

    def __post_init__(self) -> None:
        # A bare set of modules (older callers) requires each at level 1, i.e. any certificate.
        if not isinstance(self.ocn_required, dict):
            object.__setattr__(self, "ocn_required", dict.fromkeys(self.ocn_required, 1))
