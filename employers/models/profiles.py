"""Task profiles (kravprofiler) with their slots, skills, and OCN and KGA requirements."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.choices import Role, SwedishLevel
from core.models import TimeStampedModel
from core.roles import region_id_of, role_of
from employers.choices import PhysicalDemand, ProfileKind, ProfileStatus
from employers.models.employers import STAFF_UNIT_ROLES, Employer, EmployerScopedQuerySet
from employers.models.sites import Site


class TaskProfileQuerySet(EmployerScopedQuerySet):
    def visible_to(self, user):
        """Staff see their own unit's profiles and the region's regional profiles; regional
        administrators the whole region; admins all; employer users their employer's."""
        role = role_of(user)
        if role == Role.ADMIN:
            return self.all()
        if role == Role.REGIONAL_ADMIN:
            return self.filter(employer__region_id=region_id_of(user))
        if role in STAFF_UNIT_ROLES:
            return self.filter(
                Q(unit_id=user.unit_id) | Q(regional=True), employer__region_id=region_id_of(user)
            )
        if role == Role.EMPLOYER:
            return self.filter(employer__memberships__user=user)
        return self.none()

    def for_unit(self, unit_id: int, region_id: int | None):
        """The profiles a unit's participants are matched against: its own and the region's
        regional ones."""
        return self.filter(Q(unit_id=unit_id) | Q(regional=True, employer__region_id=region_id))

    def waiting_requests(self) -> TaskProfileQuerySet:
        """Employers' requests (a new profile or a change) a coordinator has not marked handled."""
        return self.filter(requested_by__isnull=False, request_handled_at__isnull=True)

    def open_with_free_slots(self) -> TaskProfileQuerySet:
        return self.filter(status=ProfileStatus.OPEN, slots_taken__lt=F("slots_total"))


class TaskProfile(TimeStampedModel):
    """A task/requirement profile (kravprofil): concrete tasks an employer can offer, with what they
    require and what the workplace offers. ``slots_taken`` is maintained only by the placements
    services, with an atomic conditional update, so slots are never overbooked."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="task_profiles")
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="task_profiles",
        help_text=_("The unit whose coordinator owns the profile."),
    )
    regional = models.BooleanField(
        _("open to the whole region"),
        default=False,
        help_text=_("Participants of every unit in the region are matched against it."),
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="task_profiles")
    title = models.CharField(_("title"), max_length=200)
    occupation = models.ForeignKey(
        "core.Occupation",
        verbose_name=_("occupation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="task_profiles",
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=ProfileKind.choices, default=ProfileKind.PRACTICE
    )
    description = models.TextField(_("tasks"), blank=True)
    hours_min = models.PositiveSmallIntegerField(
        _("hours per week, min"), default=10, validators=[MaxValueValidator(60)]
    )
    hours_max = models.PositiveSmallIntegerField(
        _("hours per week, max"), default=40, validators=[MaxValueValidator(60)]
    )
    schedule_notes = models.CharField(_("schedule"), max_length=300, blank=True)
    # The working day's usual start and end: the trip there is routed to arrive by the start,
    # and the last trip home must leave after the end (issue 24).
    start_time = models.TimeField(_("starts at"), null=True, blank=True)
    end_time = models.TimeField(_("ends at"), null=True, blank=True)
    swedish_level = models.PositiveSmallIntegerField(
        _("required Swedish level"), choices=SwedishLevel.choices, default=SwedishLevel.NONE
    )
    physical_demands = models.CharField(
        _("physical demands"),
        max_length=10,
        choices=PhysicalDemand.choices,
        default=PhysicalDemand.MODERATE,
    )
    offered_adaptations = models.ManyToManyField(
        "core.Adaptation",
        verbose_name=_("adaptations offered"),
        blank=True,
        related_name="task_profiles",
    )
    required_licences = models.ManyToManyField(
        "core.Licence",
        verbose_name=_("required licences"),
        blank=True,
        related_name="task_profiles",
        help_text=_(
            "Licences and legitimations the job requires by law or by the employer: a participant "
            "without one is not matched."
        ),
    )
    supervisor_available = models.BooleanField(_("supervisor available"), default=True)
    wage_subsidy_eligible = models.BooleanField(_("wage subsidy possible"), default=False)
    slots_total = models.PositiveSmallIntegerField(_("slots"), default=1)
    slots_taken = models.PositiveSmallIntegerField(_("slots taken"), default=0, editable=False)
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProfileStatus.choices, default=ProfileStatus.DRAFT
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requested_profiles",
    )
    request_note = models.TextField(_("request note"), blank=True)
    request_handled_at = models.DateTimeField(_("request handled"), null=True, blank=True)
    request_handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    change_of = models.ForeignKey(
        "self",
        verbose_name=_("change request for"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="change_requests",
    )

    objects = TaskProfileQuerySet.as_manager()

    class Meta:
        ordering = ["employer", "title"]
        verbose_name = _("task profile")
        verbose_name_plural = _("task profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_min__lte=F("hours_max")),
                name="taskprofile_hours_min_le_max",
                violation_error_message=_("Minimum hours cannot exceed maximum hours."),
            ),
            models.CheckConstraint(
                condition=Q(slots_taken__lte=F("slots_total")),
                name="taskprofile_slots_not_overbooked",
                violation_error_message=_("More slots are taken than the profile has."),
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="taskprofile_period_ordered",
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} – {self.employer.name}"

    def save(self, *args, **kwargs):
        if self.unit_id is None and self.employer_id is not None:
            self.unit_id = self.employer.unit_id
        super().save(*args, **kwargs)

    def is_open_to_unit(self, unit) -> bool:
        """May participants of ``unit`` be matched and proposed here? The profile's own unit, and
        every unit of the region when the profile is regional."""
        if self.unit_id == unit.pk:
            return True
        return self.regional and self.employer.region_id == unit.region_id

    @property
    def slots_free(self) -> int:
        return max(self.slots_total - self.slots_taken, 0)


class TaskProfileSkill(models.Model):
    """A required or desired skill of a profile, normalised to the taxonomy when possible."""

    profile = models.ForeignKey(TaskProfile, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(
        "core.Skill", on_delete=models.PROTECT, null=True, blank=True, related_name="profile_skills"
    )
    free_text = models.CharField(_("as written"), max_length=300, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    required = models.BooleanField(_("required"), default=False)
    # A required skill is weighted (missing it lowers the score) unless marked "must": then a
    # participant without it is not matched at all.
    must = models.BooleanField(_("must have"), default=False)

    class Meta:
        ordering = ["-must", "-required", "-weight", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(must=False) | Q(required=True),
                name="taskprofileskill_must_is_required",
                violation_error_message=_("A must-have skill is a required skill."),
            ),
            models.CheckConstraint(
                condition=Q(skill__isnull=False) | ~Q(free_text=""),
                name="taskprofileskill_skill_or_text",
                violation_error_message=_("Give a skill."),
            ),
        ]

    def __str__(self) -> str:
        return self.skill.label if self.skill_id else self.free_text


class TaskProfileOcnRequirement(models.Model):
    """An OCN module whose competence certificate the profile requires."""

    profile = models.ForeignKey(
        TaskProfile, on_delete=models.CASCADE, related_name="ocn_requirements"
    )
    module = models.ForeignKey("core.OcnModule", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "module"], name="profile_ocn_unique")
        ]

    def __str__(self) -> str:
        return str(self.module)


class TaskProfileKgaRequirement(models.Model):
    """A KGA basic competence the profile requires at a minimum level."""

    profile = models.ForeignKey(
        TaskProfile, on_delete=models.CASCADE, related_name="kga_requirements"
    )
    competence = models.ForeignKey("core.KgaCompetence", on_delete=models.PROTECT, related_name="+")
    min_level = models.PositiveSmallIntegerField(_("minimum level"), default=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "competence"], name="profile_kga_unique")
        ]

    def __str__(self) -> str:
        return f"{self.competence} ≥ {self.min_level}"
