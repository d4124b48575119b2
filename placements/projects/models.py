"""Projects (an ESF project or cohort a unit runs), who is enrolled in them, and the starts in
work, studies or a programme a funder counts (imported into ``placements.models``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import Role
from core.models import TimeStampedModel
from core.roles import role_of
from placements.choices import StartKind


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProjectQuerySet:
        """Staff of the project's unit and admins; never employer users."""
        role = role_of(user)
        if role == Role.ADMIN:
            return self.all()
        if role in (Role.GUIDE, Role.COORDINATOR, Role.MANAGER) and user.unit_id:
            return self.filter(unit_id=user.unit_id)
        return self.none()


class Project(TimeStampedModel):
    """A project (e.g. an ESF project) a unit runs; its participants are enrolled in it and its
    results are reported separately from the unit's other projects."""

    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="projects"
    )
    name = models.CharField(_("name"), max_length=200)
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    starts_on = models.DateField(_("project start"))
    ends_on = models.DateField(_("project end"))
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="project_name_unique_in_unit",
                violation_error_message=_("The unit already has a project with this name."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="project_ends_after_start",
                violation_error_message=_("The project cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProjectEnrolment(models.Model):
    """A participant's time in a project: from ``started_on`` to ``ended_on`` (open: to the
    project's end). Per-project statistics count a person only inside this window."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="enrolments"
    )
    participant = models.ForeignKey(
        "matching.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="project_enrolments",
    )
    started_on = models.DateField(_("enrolled in the project"))
    ended_on = models.DateField(_("left the project"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "participant"],
                name="project_enrolment_once",
                violation_error_message=_("The participant is already enrolled in this project."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="project_enrolment_ends_after_start",
                violation_error_message=_("The enrolment cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} in {self.project_id} from {self.started_on}"


class ParticipantStart(models.Model):
    """A start in work, studies or a labour-market programme that is not a placement of ours
    (e.g. a course at komvux): the funder's "started work or studies" counts these."""

    participant = models.ForeignKey(
        "matching.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="starts",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=StartKind.choices)
    started_on = models.DateField(_("started"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("start in work or studies")
        verbose_name_plural = _("starts in work or studies")

    def __str__(self) -> str:
        return f"{self.participant_id} {self.kind} {self.started_on}"
