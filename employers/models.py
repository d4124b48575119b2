"""Employers and what a coordinator keeps about them: sites, contact persons, the contact log, and
task/requirement profiles (kravprofiler) with their slots."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.query import ModelIterable
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import CoordinatePrecision, GeocodeStatus, Role, SwedishLevel
from core.models import TimeStampedModel
from core.roles import region_id_of, role_of
from core.validators import DateWithin
from employers.choices import (
    ContactChannel,
    ContactRole,
    EmployerStatus,
    InteractionKind,
    PhysicalDemand,
    ProfileKind,
    ProfileStatus,
    Sector,
    SizeClass,
)

STAFF_UNIT_ROLES = (Role.COORDINATOR, Role.GUIDE, Role.MANAGER)


REGION_ROLES = (*STAFF_UNIT_ROLES, Role.REGIONAL_ADMIN)


class EmployerQuerySet(models.QuerySet):
    def visible_to(self, user) -> EmployerQuerySet:
        """One register per region: staff of every unit of a region (and its regional
        administrators) see the region's employers; admins all; employer users only their own.
        Nothing crosses a region."""
        role = role_of(user)
        if role == Role.ADMIN:
            return self.all()
        if role in REGION_ROLES:
            return self.filter(region_id=region_id_of(user))
        if role == Role.EMPLOYER:
            return self.filter(memberships__user=user)
        return self.none()


class Employer(TimeStampedModel):
    """A company or organisation the unit works with."""

    name = models.CharField(_("name"), max_length=200)
    orgnr = models.CharField(_("organisation number"), max_length=11, blank=True, default="")
    industry = models.ForeignKey(
        "core.Industry",
        verbose_name=_("industry (SNI)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employers",
    )
    sector = models.CharField(
        _("sector"), max_length=20, choices=Sector.choices, default=Sector.PRIVATE
    )
    size_class = models.CharField(_("size"), max_length=10, choices=SizeClass.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EmployerStatus.choices, default=EmployerStatus.PROSPECT
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_employers",
    )
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        related_name="employers",
        help_text=_("The unit that registered the employer and leads the relation."),
    )
    region = models.ForeignKey(
        "core.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="employers",
        blank=True,
        help_text=_("The register the employer belongs to; always the lead unit's region."),
    )
    municipality = models.ForeignKey(
        "core.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="employers",
        help_text=_("Where the employer is based (its main site)."),
    )
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    status_reason = models.CharField(
        _("reason for the status"),
        max_length=300,
        blank=True,
        help_text=_("Why the relation was paused or ended."),
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)

    objects = EmployerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "orgnr"],
                condition=~Q(orgnr=""),
                name="employer_orgnr_unique_in_region",
                violation_error_message=_(
                    "An employer with this organisation number already exists in the region."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # The region is derived from the lead unit, so importers, factories and the demo that
        # create employers directly stay in the right register.
        if self.region_id is None and self.unit_id is not None:
            from core.models import Unit

            self.region_id = Unit.objects.values_list("region_id", flat=True).get(pk=self.unit_id)
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        exclude = set(exclude or ())
        if self.region_id is None:
            exclude.add("region")
        super().clean_fields(exclude=exclude)


class EmployerMembership(TimeStampedModel):
    """Makes a user an employer user of exactly one employer."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employer_membership"
    )
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        verbose_name = _("employer user")
        verbose_name_plural = _("employer users")

    def __str__(self) -> str:
        return f"{self.user} @ {self.employer}"


class EmployerScopedQuerySet(models.QuerySet):
    """For records that hang off an employer: visible when the employer is."""

    employer_path = "employer"

    def visible_to(self, user):
        return self.filter(**{f"{self.employer_path}__in": Employer.objects.visible_to(user)})


class AddedByUnitMixin:
    """Sites and contacts record the unit that added them; other units of the region see them
    (one register) but only that unit changes them."""

    def save(self, *args, **kwargs):
        if self.unit_id is None and self.employer_id is not None:
            self.unit_id = self.employer.unit_id
        super().save(*args, **kwargs)


class Site(AddedByUnitMixin, TimeStampedModel):
    """A workplace address of an employer, placed on the map for commute matching."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="sites")
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("added by unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    locality = models.CharField(_("locality"), max_length=100, blank=True)
    municipality = models.ForeignKey(
        "core.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="sites",
    )
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    coordinate_precision = models.CharField(
        _("coordinate precision"),
        max_length=20,
        choices=CoordinatePrecision.choices,
        default=CoordinatePrecision.NONE,
    )
    geocode_status = models.CharField(
        _("geocoding"),
        max_length=20,
        choices=GeocodeStatus.choices,
        default=GeocodeStatus.NOT_REQUESTED,
    )
    geocode_error = models.CharField(_("geocoding error"), max_length=300, blank=True)
    accessibility_notes = models.TextField(_("accessibility notes"), blank=True)
    offered_adaptations = models.ManyToManyField(
        "core.Adaptation",
        verbose_name=_("adaptations offered at the site"),
        blank=True,
        related_name="sites",
    )

    objects = EmployerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["employer", "name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="site_coordinates_both_or_none",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.employer.name}, {self.name}"

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class ContactPerson(AddedByUnitMixin, TimeStampedModel):
    """A person at the employer; supervisors (handledare) support participants at the workplace."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="contacts")
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("added by unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    site = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, help_text=_("Stored in E.164 form.")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    role = models.CharField(
        _("role"), max_length=20, choices=ContactRole.choices, default=ContactRole.OTHER
    )
    preferred_channel = models.CharField(
        _("preferred channel"),
        max_length=10,
        choices=ContactChannel.choices,
        default=ContactChannel.PHONE,
    )
    is_supervisor = models.BooleanField(_("supervisor (handledare)"), default=False)
    supervisor_trained_on = models.DateField(
        _("supervisor training date"), null=True, blank=True, validators=[DateWithin(50, 0)]
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_persons",
    )

    objects = EmployerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["employer", "name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self) -> str:
        return f"{self.name} ({self.employer.name})"


INTERACTION_TEXT_FIELDS = ("notes", "next_step")


def _text_withholding_iterable(own_unit_id: int | None) -> type[ModelIterable]:
    """Rows whose free text the reader may not read come out with it blanked and marked
    ``text_withheld`` (a marked row cannot be saved, so a blank never overwrites the notes)."""

    class WithheldTextIterable(ModelIterable):
        def __iter__(self):
            for row in super().__iter__():
                if own_unit_id is None or row.unit_id != own_unit_id:
                    for name in INTERACTION_TEXT_FIELDS:
                        setattr(row, name, "")
                    row.text_withheld = True
                yield row

    return WithheldTextIterable


class InteractionQuerySet(models.QuerySet):
    def visible_to(self, user) -> InteractionQuerySet:
        """The contact log is internal and per unit: staff see their own unit's entries (other
        units see only the summary, ``employers.selectors.relation_summary``); admins all;
        never employer users.

        A regional administrator oversees the region's contact log but is no unit's caseworker:
        they see every entry of the region with its date, kind, employer, unit, who and the next
        step's due date and state, and the free text (notes, next step) only in their own unit's
        entries. The free text is where staff write what was said about participants and their
        needs (health, disability: special-category data), which only the unit that works with
        them needs. The participants concerned are likewise withheld (``text_withheld``)."""
        role = role_of(user)
        if role == Role.ADMIN:
            return self.all()
        if role == Role.REGIONAL_ADMIN:
            qs = self.filter(employer__region_id=region_id_of(user))
            qs._iterable_class = _text_withholding_iterable(user.unit_id)
            return qs
        if role in STAFF_UNIT_ROLES:
            return self.filter(unit_id=user.unit_id, employer__region_id=region_id_of(user))
        return self.none()

    def open_next_steps(self) -> InteractionQuerySet:
        return self.filter(next_step__gt="", next_step_done=False)

    @staticmethod
    def searchable_fields(user) -> list[str]:
        """What a reader may search the log by: searching the free text would reveal it where
        ``visible_to`` withholds it."""
        if role_of(user) == Role.REGIONAL_ADMIN:
            return ["employer__name"]
        return ["notes", "next_step"]

    def overdue_first(self) -> InteractionQuerySet:
        today = timezone.localdate()
        return self.annotate(
            overdue_rank=models.Case(
                models.When(next_step_due__lt=today, then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        ).order_by("-overdue_rank", F("next_step_due").asc(nulls_last=True), "pk")


class Interaction(TimeStampedModel):
    """One entry of the contact log: what happened and the next step, with a due date."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="interactions")
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The unit whose contact log this entry is in (details stay in the unit)."),
    )
    contact = models.ForeignKey(
        ContactPerson, on_delete=models.SET_NULL, null=True, blank=True, related_name="interactions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InteractionKind.choices)
    occurred_on = models.DateField(
        _("date"), default=timezone.localdate, validators=[DateWithin(30, 1)]
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        related_name="interactions",
    )
    notes = models.TextField(_("notes"), blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_step_due = models.DateField(
        _("next step due"), null=True, blank=True, validators=[DateWithin(30, 5)]
    )
    next_step_done = models.BooleanField(_("next step done"), default=False)
    next_step_done_at = models.DateTimeField(_("next step done at"), null=True, blank=True)
    # The participants this contact was made for (job development for them): fidelity measures
    # the days from enrolment to the first employer contact made for a participant from this.
    participants = models.ManyToManyField(
        "matching.Participant",
        verbose_name=_("participants concerned"),
        blank=True,
        related_name="employer_contacts",
    )

    objects = InteractionQuerySet.as_manager()
    # Set on rows read by someone who may not read the free text (InteractionQuerySet.visible_to).
    text_withheld = False

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("contact log entry")
        verbose_name_plural = _("contact log")
        constraints = [
            models.CheckConstraint(
                condition=Q(next_step_due__isnull=True) | ~Q(next_step=""),
                name="interaction_due_needs_next_step",
                violation_error_message=_("A due date needs a next step."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on} – {self.employer.name}"

    def save(self, *args, **kwargs):
        if self.text_withheld:
            raise ValueError("A contact log entry read without its text cannot be saved.")
        if self.unit_id is None:
            self.unit_id = getattr(self.by, "unit_id", None) if self.by_id else None
            if self.unit_id is None:
                self.unit_id = self.employer.unit_id
        super().save(*args, **kwargs)

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.next_step
            and not self.next_step_done
            and self.next_step_due
            and self.next_step_due < timezone.localdate()
        )


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

    class Meta:
        ordering = ["-required", "-weight", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(skill__isnull=False) | ~Q(free_text=""),
                name="taskprofileskill_skill_or_text",
                violation_error_message=_("Give a skill."),
            )
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


class NotDuplicate(TimeStampedModel):
    """A pair of employers a coordinator has judged not to be duplicates: never proposed again.
    Stored with ``low`` < ``high`` so a pair has one row whichever way it was found."""

    low = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="+")
    high = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("not a duplicate")
        verbose_name_plural = _("not duplicates")
        constraints = [
            models.UniqueConstraint(
                fields=["low", "high"],
                name="notduplicate_pair_unique",
                violation_error_message=_("This pair is already marked as not a duplicate."),
            ),
            models.CheckConstraint(
                condition=Q(low__lt=F("high")),
                name="notduplicate_ordered",
                violation_error_message=_("An employer cannot be paired with itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.low_id} ≠ {self.high_id}"


class ImportJob(TimeStampedModel):
    """A spreadsheet import run in the background, with its progress and report."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        EMPLOYERS = "employers", _("Employers")
        PARTICIPANT_HISTORY = "participant_history", _("Participant history")

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.EMPLOYERS)
    unit = models.ForeignKey("core.Unit", on_delete=models.CASCADE, related_name="import_jobs")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    dry_run = models.BooleanField(default=True)
    valid_rows_only = models.BooleanField(
        default=False, help_text="Import the valid rows and leave the refused ones out."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"

    def progress(self) -> tuple[int, int]:
        """(rows done, rows in all) while running, from the cache the worker writes to."""
        from django.core.cache import cache

        if self.status == self.Status.DONE:
            total = len(self.report.get("rows", []))
            return total, total
        try:
            return tuple(cache.get(f"import-progress:{self.pk}", (0, 0)))
        except Exception:  # the cache is down: the page still shows the job, without a count
            return 0, 0
