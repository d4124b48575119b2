"""What the engine produced and what guides decided about it."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.engine import Weights


class MatchWeights(models.Model):
    """Component weights for one unit (administrators adjust them; defaults in the README)."""

    unit = models.OneToOneField("core.Unit", on_delete=models.CASCADE, related_name="match_weights")
    skills = models.FloatField(
        _("skills"), default=Weights.skills, validators=[MinValueValidator(0)]
    )
    validations = models.FloatField(
        _("validations"), default=Weights.validations, validators=[MinValueValidator(0)]
    )
    geography = models.FloatField(
        _("geography"), default=Weights.geography, validators=[MinValueValidator(0)]
    )
    adaptations_hours = models.FloatField(
        _("adaptations and hours"),
        default=Weights.adaptations_hours,
        validators=[MinValueValidator(0)],
    )
    preferences = models.FloatField(
        _("preferences"), default=Weights.preferences, validators=[MinValueValidator(0)]
    )
    load = models.FloatField(
        _("employer load"), default=Weights.load, validators=[MinValueValidator(0)]
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("matching weights")
        verbose_name_plural = _("matching weights")

    def __str__(self) -> str:
        return f"{self.unit}"

    def as_weights(self) -> Weights:
        return Weights(
            self.skills,
            self.validations,
            self.geography,
            self.adaptations_hours,
            self.preferences,
            self.load,
        )


class MatchSuggestion(models.Model):
    """A stored suggestion from the latest (background) computation, for lists and history."""

    participant = models.ForeignKey(
        "matching.Participant", on_delete=models.CASCADE, related_name="suggestions"
    )
    task_profile = models.ForeignKey(
        "employers.TaskProfile", on_delete=models.CASCADE, related_name="suggestions"
    )
    score = models.FloatField()
    rank = models.PositiveIntegerField()
    breakdown = models.JSONField(default=dict)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["participant", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "task_profile"], name="suggestion_unique_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} → {self.task_profile_id} ({self.score:.2f})"


class DecisionKind(models.TextChoices):
    PROPOSED = "proposed", _("Proposed to the employer")
    NOT_SUITABLE = "not_suitable", _("Not suitable")


class DecisionReason(models.TextChoices):
    DISTANCE = "distance", _("Distance or travel")
    SKILLS = "skills", _("Skills")
    ADAPTATION = "adaptation", _("An adaptation the workplace cannot make")
    HOURS = "hours", _("Hours")
    PARTICIPANT_DECLINED = "participant_declined", _("The participant declined")
    EMPLOYER_DECLINED = "employer_declined", _("The employer declined")
    OTHER = "other", _("Other")


class MatchDecision(models.Model):
    """A guide's decision on a suggestion, kept with the score it had, for learning weights later."""

    participant = models.ForeignKey(
        "matching.Participant", on_delete=models.CASCADE, related_name="match_decisions"
    )
    task_profile = models.ForeignKey(
        "employers.TaskProfile", on_delete=models.CASCADE, related_name="match_decisions"
    )
    decision = models.CharField(_("decision"), max_length=20, choices=DecisionKind.choices)
    reason = models.CharField(
        _("reason"), max_length=30, choices=DecisionReason.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    score = models.FloatField(_("score then"), null=True, blank=True)
    breakdown = models.JSONField(default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision="proposed") | ~models.Q(reason=""),
                name="decision_not_suitable_needs_reason",
                violation_error_message=_("Say why the suggestion is not suitable."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} / {self.task_profile_id}: {self.decision}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class RecomputeJob(models.Model):
    """A full recompute of a unit's suggestions. Progress is saved as it goes; a job interrupted
    by a restart resumes after the last participant it finished.

    One runner at a time: a task runs the job only after claiming its lease (``runner`` and a
    ``heartbeat_at`` renewed every few seconds) with one conditional UPDATE; a message for a job
    whose lease is fresh, or that is done, is a no-op (matching/services/recompute.py)."""

    unit = models.ForeignKey("core.Unit", on_delete=models.CASCADE, related_name="recompute_jobs")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    last_participant_id = models.BigIntegerField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Who holds the lease ("host:pid:token"); kept after the job ends, for the record.
    runner = models.CharField(max_length=120, blank=True, default="")
    # How many runners claimed the job: 1, plus one per resume after a runner was lost.
    runs = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit}: {self.done}/{self.total} {self.status}"

    @property
    def percent(self) -> int:
        return (
            100
            if self.total == 0 and self.status == JobStatus.DONE
            else int(100 * self.done / self.total)
            if self.total
            else 0
        )
