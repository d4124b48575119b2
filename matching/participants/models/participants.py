"""The participant (deltagare): who they are, what they can do, where they can get to, what they need."""

from __future__ import annotations

import contextlib
import random
import secrets
from collections.abc import Iterator

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import CoordinatePrecision, Role, SwedishLevel
from core.models import TimeStampedModel
from core.roles import role_of
from core.validators import BirthYearWithin, DateWithin
from matching.choices import (
    EducationLevel,
    Gender,
    LanguageLevel,
    Phase,
    SkillSource,
    SusEmployment,
    SusExitReason,
    SusIncome,
)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


# Set only while the demo is built (``seeded_participant_codes``): then codes come from the demo's
# seeded generator, so the same seed gives the same participants with the same codes.
_code_rng: random.Random | None = None


def new_participant_code() -> str:
    chooser = _code_rng.choice if _code_rng is not None else secrets.choice
    return "D-" + "".join(chooser(CODE_ALPHABET) for _ in range(6))


@contextlib.contextmanager
def seeded_participant_codes(rng: random.Random) -> Iterator[None]:
    """Codes drawn from ``rng`` inside the block (demo data); unpredictable codes everywhere else."""
    global _code_rng
    previous, _code_rng = _code_rng, rng
    try:
        yield
    finally:
        _code_rng = previous


class ParticipantQuerySet(models.QuerySet):
    def visible_to(self, user) -> ParticipantQuerySet:
        """Staff of the participant's unit and admins. Never employer users (they see placements,
        through consent, not participant records)."""
        role = role_of(user)
        if role == Role.ADMIN:
            return self.all()
        if role in (Role.GUIDE, Role.COORDINATOR, Role.MANAGER):
            return self.filter(unit_id=user.unit_id)
        return self.none()


class Participant(TimeStampedModel):
    """A person taking part in the unit's programme. Known by a pseudonymous code everywhere;
    identity, health and need descriptions are shown only to the assigned guide and admins."""

    code = models.CharField(
        _("code"), max_length=12, unique=True, default=new_participant_code, editable=False
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    personnummer = models.CharField(_("personal identity number"), max_length=13, blank=True)
    is_coordination_number = models.BooleanField(_("coordination number"), default=False)
    gender = models.CharField(
        _("gender"), max_length=20, choices=Gender.choices, default=Gender.UNKNOWN
    )
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100), BirthYearWithin()],
    )
    newly_arrived = models.BooleanField(_("newly arrived"), default=False)
    long_term_unemployed = models.BooleanField(_("long-term unemployed"), default=False)
    reduced_work_capacity = models.BooleanField(
        _("disability reducing work capacity"), default=False
    )
    returning_from_sick_leave = models.BooleanField(_("returning from sick leave"), default=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="participants"
    )
    municipality = models.ForeignKey(
        "core.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="participants",
    )
    guide = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("job guide"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participants",
    )
    enrolled_on = models.DateField(
        _("enrolled"), default=timezone.localdate, validators=[DateWithin(30, 1)]
    )
    home_locality = models.CharField(_("home locality"), max_length=100, blank=True)
    home_address = models.CharField(_("home address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    coordinate_precision = models.CharField(
        _("coordinate precision"),
        max_length=20,
        choices=CoordinatePrecision.choices,
        default=CoordinatePrecision.NONE,
    )
    commute_max_km = models.PositiveSmallIntegerField(
        _("max commute, km"), null=True, blank=True, validators=[MaxValueValidator(300)]
    )
    commute_max_minutes = models.PositiveSmallIntegerField(
        _("max commute, minutes one way"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(180)],
    )
    commute_means = models.JSONField(_("ways of travelling"), default=list, blank=True)
    has_driving_licence = models.BooleanField(_("driving licence"), default=False)
    has_car = models.BooleanField(_("has a car"), default=False)
    # Kept equal to "holds class B or a class that includes it" by the participant services.
    licences = models.ManyToManyField(
        "core.Licence", verbose_name=_("licences and legitimations"), blank=True, related_name="+"
    )
    hours_min = models.PositiveSmallIntegerField(
        _("hours per week, min"), default=0, validators=[MaxValueValidator(60)]
    )
    hours_max = models.PositiveSmallIntegerField(
        _("hours per week, max"), default=40, validators=[MaxValueValidator(60)]
    )
    available_days = models.JSONField(_("available days"), default=list, blank=True)
    swedish_level = models.PositiveSmallIntegerField(
        _("Swedish level"), choices=SwedishLevel.choices, default=SwedishLevel.NONE
    )
    desired_occupations = models.ManyToManyField("core.Occupation", blank=True, related_name="+")
    desired_industries = models.ManyToManyField("core.Industry", blank=True, related_name="+")
    support_needs = models.TextField(_("support needs"), blank=True)
    phase = models.CharField(
        _("phase"), max_length=10, choices=Phase.choices, default=Phase.FINNA, editable=False
    )
    returned_to_matching_on = models.DateField(
        _("returned to matching"), null=True, blank=True, editable=False
    )
    active = models.BooleanField(_("active"), default=True)
    regional_matching = models.BooleanField(
        _("open for regional matching"),
        default=False,
        help_text=_(
            "Other units of the region see the code and matching data, never identity; "
            "needs the participant's consent to sharing with another unit."
        ),
    )
    # Brought in by the history import: never reminded, never e-mailed about.
    imported = models.BooleanField(_("imported history"), default=False, editable=False)
    # What SUS (the coordination associations' follow-up system) asks for; blank = not recorded.
    education_level = models.CharField(
        _("education level"), max_length=30, choices=EducationLevel.choices, blank=True
    )
    sus_employment_before = models.CharField(
        _("employment before"), max_length=30, choices=SusEmployment.choices, blank=True
    )
    sus_income_before = models.CharField(
        _("main income before"), max_length=30, choices=SusIncome.choices, blank=True
    )
    sus_employment_after = models.CharField(
        _("employment after"), max_length=30, choices=SusEmployment.choices, blank=True
    )
    sus_income_after = models.CharField(
        _("main income after"), max_length=30, choices=SusIncome.choices, blank=True
    )
    sus_exit_reason = models.CharField(
        _("reason for leaving (SUS)"), max_length=30, choices=SusExitReason.choices, blank=True
    )
    paused_reason = models.CharField(_("why matching is paused"), max_length=300, blank=True)
    goals = models.TextField(_("goals"), blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_min__lte=F("hours_max")),
                name="participant_hours_min_le_max",
                violation_error_message=_("Minimum hours cannot exceed maximum hours."),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def age(self) -> int | None:
        return timezone.localdate().year - self.birth_year if self.birth_year else None

    @property
    def is_young(self) -> bool:
        return self.age is not None and 18 <= self.age <= 24


class PhaseChange(models.Model):
    """History of the participant's phase: who, when, why."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="phase_changes"
    )
    from_phase = models.CharField(max_length=10, choices=Phase.choices)
    to_phase = models.CharField(max_length=10, choices=Phase.choices)
    reason = models.CharField(_("reason"), max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.participant}: {self.from_phase} → {self.to_phase}"


class ParticipantSkill(models.Model):
    """A skill with its source: validated (OCN/KGA) counts more than observed, observed more than
    self-reported."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(
        "core.Skill", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    free_text = models.CharField(_("as written"), max_length=300, blank=True)
    level = models.PositiveSmallIntegerField(
        _("level"), default=2, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    source = models.CharField(
        _("source"), max_length=20, choices=SkillSource.choices, default=SkillSource.SELF_REPORTED
    )
    assessed_on = models.DateField(
        _("date"), default=timezone.localdate, validators=[DateWithin(60, 0)]
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(skill__isnull=False) | ~Q(free_text=""),
                name="participantskill_skill_or_text",
                violation_error_message=_("Give a skill."),
            )
        ]

    def __str__(self) -> str:
        return self.skill.label if self.skill_id else self.free_text


class ParticipantLanguage(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=60)
    level = models.CharField(_("level"), max_length=10, choices=LanguageLevel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "language"], name="participant_language_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.language} ({self.level})"


class ParticipantAdaptationNeed(models.Model):
    """An adaptation the participant needs. The description is special-category data."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="adaptation_needs"
    )
    adaptation = models.ForeignKey("core.Adaptation", on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("description"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "adaptation"], name="participant_need_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.adaptation)
