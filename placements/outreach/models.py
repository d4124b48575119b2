"""What the weekly list suggested, and what came of it: the record the list learns from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class OutreachSuggestion(TimeStampedModel):
    """One employer suggested to a unit's coordinators in one week: its component scores and
    reasons as shown, when (and by whom) it was contacted from the list, and whether a task
    profile for the employer followed within the learning window (``led_to_profile``: None until
    known)."""

    unit = models.ForeignKey("core.Unit", on_delete=models.CASCADE, related_name="+")
    week = models.DateField(_("week (Monday)"))
    key = models.CharField(max_length=20, help_text="e<employer id> or o<orgnr> (not registered)")
    employer = models.ForeignKey(
        "employers.Employer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outreach_suggestions",
    )
    orgnr = models.CharField(_("organisation number"), max_length=11, blank=True)
    name = models.CharField(_("name"), max_length=200)
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.FloatField(_("score"))
    components = models.JSONField(default=dict)
    reasons = models.JSONField(default=list)
    contacted_at = models.DateTimeField(_("contacted"), null=True, blank=True)
    contacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    interaction = models.ForeignKey(
        "employers.Interaction", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    led_to_profile = models.BooleanField(_("led to a profile"), null=True, blank=True)
    profile = models.ForeignKey(
        "employers.TaskProfile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-week", "rank"]
        verbose_name = _("outreach suggestion")
        verbose_name_plural = _("outreach suggestions")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "week", "key"],
                name="outreach_suggestion_once_a_week",
                violation_error_message=_("The employer is already suggested this week."),
            )
        ]
        indexes = [models.Index(fields=["unit", "contacted_at"], name="outreach_unit_contacted")]

    def __str__(self) -> str:
        return f"{self.week} #{self.rank} {self.name}"
