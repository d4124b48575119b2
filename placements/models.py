"""Placements (a participant in a task profile's slot) and their follow-ups."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import Role
from core.models import TimeStampedModel
from core.roles import role_of
from core.validators import DateWithin
from placements.choices import (
    OPEN_STATUSES,
    ExitOutcome,
    FollowUpStatus,
    FollowUpWith,
    PlacementKind,
    PlacementPhase,
    PlacementStatus,
    SixMonthSituation,
    SubsidyType,
    WithdrawReason,
)

RATING = [MinValueValidator(1), MaxValueValidator(5)]


class PlacementQuerySet(models.QuerySet):
    def visible_to(self, user) -> PlacementQuerySet:
        """Staff of the participant's unit, admins; employer users: their own employer's placements."""
        role = role_of(user)
        if role == Role.ADMIN:
            return self.all()
        if role in (Role.GUIDE, Role.COORDINATOR, Role.MANAGER):
            return self.filter(participant__unit_id=user.unit_id)
        if role == Role.EMPLOYER:
            return self.filter(task_profile__employer__memberships__user=user)
        return self.none()


class Placement(TimeStampedModel):
    """A participant in a slot of a task profile, followed from proposal through finna, få and
    behålla. ``slot_held`` says whether it occupies one of the profile's slots."""

    participant = models.ForeignKey(
        "matching.Participant", on_delete=models.PROTECT, related_name="placements"
    )
    task_profile = models.ForeignKey(
        "employers.TaskProfile", on_delete=models.PROTECT, related_name="placements"
    )
    match_decision = models.ForeignKey(
        "matching.MatchDecision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placements",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PlacementKind.choices)
    subsidy_type = models.CharField(
        _("subsidy"), max_length=20, choices=SubsidyType.choices, default=SubsidyType.NONE
    )
    phase = models.CharField(
        _("phase"), max_length=10, choices=PlacementPhase.choices, default=PlacementPhase.FINNA
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PlacementStatus.choices,
        default=PlacementStatus.PROPOSED,
    )
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    started_on = models.DateField(_("started"), null=True, blank=True)
    hired_on = models.DateField(_("hired"), null=True, blank=True)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=300, blank=True)
    withdraw_reason = models.CharField(
        _("why the proposal was withdrawn"),
        max_length=30,
        choices=WithdrawReason.choices,
        blank=True,
    )
    ended_early = models.BooleanField(_("employment ended within the keep period"), default=False)
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"), validators=[MaxValueValidator(60)]
    )
    schedule = models.CharField(_("schedule"), max_length=300, blank=True)
    supervisor = models.ForeignKey(
        "employers.ContactPerson",
        verbose_name=_("supervisor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placements",
    )
    agreed_adaptations = models.ManyToManyField(
        "core.Adaptation", verbose_name=_("agreed adaptations"), blank=True, related_name="+"
    )
    goals_short = models.TextField(_("short-term goals"), blank=True)
    goals_long = models.TextField(_("long-term goals"), blank=True)
    guide = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("job guide"),
        on_delete=models.PROTECT,
        related_name="guided_placements",
    )
    slot_held = models.BooleanField(default=False, editable=False)
    host_accepted_at = models.DateTimeField(
        _("accepted by the profile's unit"),
        null=True,
        blank=True,
        help_text=_("A proposal to another unit's regional profile waits for its coordinator."),
    )
    host_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Brought in by the history import: no follow-ups, reminders or e-mails.
    imported = models.BooleanField(_("imported history"), default=False, editable=False)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        ordering = ["-planned_start", "-pk"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True) | Q(planned_end__gte=F("planned_start")),
                name="placement_planned_end_after_start",
                violation_error_message=_("The placement cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="placement_ended_after_started",
                violation_error_message=_("The placement cannot end before it started."),
            ),
            # One open proposal or placement per participant and profile: clicking “Propose”
            # twice, or two guides at once, never makes two. A partial unique index, so it holds
            # on SQLite and PostgreSQL alike; ended placements do not count.
            models.UniqueConstraint(
                fields=["participant", "task_profile"],
                condition=Q(status__in=OPEN_STATUSES),
                name="placement_one_open_per_pair",
                violation_error_message=_(
                    "The participant already has an open proposal or placement for this profile."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} @ {self.task_profile}"


class PlacementTransition(models.Model):
    """Every change of status or phase: who, when, why."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=PlacementStatus.choices)
    to_status = models.CharField(max_length=10, choices=PlacementStatus.choices)
    from_phase = models.CharField(max_length=10, choices=PlacementPhase.choices)
    to_phase = models.CharField(max_length=10, choices=PlacementPhase.choices)
    reason = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.placement_id}: {self.from_status}/{self.from_phase} → {self.to_status}/{self.to_phase}"


class PracticeEvaluation(models.Model):
    """A regular evaluation of a practice against its goals."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="evaluations")
    evaluated_on = models.DateField(_("date"))
    progress = models.TextField(_("progress against goals"))
    rating = models.PositiveSmallIntegerField(_("overall"), validators=RATING)
    next_steps = models.TextField(_("next steps"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["evaluated_on", "pk"]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.evaluated_on}"


class PracticeExtension(models.Model):
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="extensions")
    previous_end = models.DateField()
    new_end = models.DateField()
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_end__gt=F("previous_end")),
                name="extension_later_end",
                violation_error_message=_("An extension must end later than before."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement_id}: {self.previous_end} → {self.new_end}"


class Exit(models.Model):
    """A participant leaves the programme, with the ESF outcome."""

    participant = models.ForeignKey(
        "matching.Participant", on_delete=models.PROTECT, related_name="exits"
    )
    exited_on = models.DateField(_("exit date"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=ExitOutcome.choices)
    placement = models.ForeignKey(
        Placement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    imported = models.BooleanField(_("imported history"), default=False, editable=False)

    class Meta:
        ordering = ["-exited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.participant} {self.exited_on} {self.outcome}"


class ExitFollowUp(models.Model):
    """The participant's situation six months after the exit (the ESF+ longer-term indicator)."""

    exit = models.OneToOneField(Exit, on_delete=models.CASCADE, related_name="six_month_followup")
    checked_on = models.DateField(_("checked on"))
    situation = models.CharField(_("situation"), max_length=20, choices=SixMonthSituation.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-checked_on", "-pk"]
        verbose_name = _("six-month follow-up")
        verbose_name_plural = _("six-month follow-ups")

    def __str__(self) -> str:
        return f"{self.exit_id} {self.checked_on} {self.situation}"


class FollowUpQuerySet(models.QuerySet):
    def visible_to(self, user) -> FollowUpQuerySet:
        return self.filter(placement__in=Placement.objects.visible_to(user))

    def pending(self) -> FollowUpQuerySet:
        """Planned follow-ups of placements still running: what a guide still has to do."""
        return self.filter(
            status=FollowUpStatus.PLANNED,
            placement__status__in=[PlacementStatus.AGREED, PlacementStatus.ONGOING],
        )

    def overdue(self, today) -> FollowUpQuerySet:
        return self.pending().filter(planned_on__lt=today)


class FollowUp(models.Model):
    """A planned or done follow-up of a placement. Rescheduling keeps the old row (status
    rescheduled) and links the new one to it."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="followups")
    planned_on = models.DateField(_("planned"), validators=[DateWithin(30, 5)])
    with_whom = models.CharField(
        _("with"), max_length=20, choices=FollowUpWith.choices, default=FollowUpWith.BOTH
    )
    status = models.CharField(
        _("status"), max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.PLANNED
    )
    done_on = models.DateField(_("done"), null=True, blank=True, validators=[DateWithin(30, 0)])
    rating_tasks = models.PositiveSmallIntegerField(
        _("tasks"), null=True, blank=True, validators=RATING
    )
    rating_social = models.PositiveSmallIntegerField(
        _("social"), null=True, blank=True, validators=RATING
    )
    rating_attendance = models.PositiveSmallIntegerField(
        _("attendance"), null=True, blank=True, validators=RATING
    )
    notes = models.TextField(_("notes"), blank=True)
    next_actions = models.TextField(_("next actions"), blank=True)
    rescheduled_from = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="rescheduled_to"
    )
    reschedule_reason = models.CharField(_("why it was moved"), max_length=300, blank=True)
    cancel_reason = models.CharField(_("why it was cancelled"), max_length=300, blank=True)
    rescheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rescheduled_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmation_requested_at = models.DateTimeField(null=True, blank=True)
    confirmation_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["planned_on", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"{self.placement_id} {self.planned_on} {self.status}"

    @property
    def is_overdue(self) -> bool:
        return self.status == FollowUpStatus.PLANNED and self.planned_on < timezone.localdate()


class ReminderSent(models.Model):
    """One reminder per follow-up and day, so the reminder job can run again safely."""

    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField()
    to = models.EmailField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["followup", "sent_on"], name="reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.followup_id} {self.sent_on}"


# Projects and outreach suggestions live in their own modules; imported here so Django registers
# them with this app.
from placements.outreach.models import OutreachSuggestion  # noqa: E402, F401
from placements.projects.models import (  # noqa: E402, F401
    ParticipantStart,
    Project,
    ProjectEnrolment,
)
