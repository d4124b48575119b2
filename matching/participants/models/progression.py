"""Progression (stegförflyttning): the participant rates themself 1–10 on a set of indicators at
enrolment, at an interval and at exit; the guide may add their own rating beside it."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from matching.choices import AnswerSource, MeasurementKind, Rater
from matching.participants.models.participants import Participant

SCALE_MIN, SCALE_MID, SCALE_MAX = 1, 5, 10


class ProgressionIndicator(TimeStampedModel):
    """One statement of the indicator set, kept by administrators. ``statement`` is what the
    participant reads (plain Swedish, lättläst); ``label`` is the short name in statistics."""

    key = models.SlugField(_("key"), max_length=50, unique=True)
    label = models.CharField(_("name"), max_length=100)
    statement = models.CharField(_("statement"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("progression indicator")
        verbose_name_plural = _("progression indicators")

    def __str__(self) -> str:
        return self.label


class ProgressionMeasurement(models.Model):
    """One occasion: at enrolment, at the interval or at exit."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="progression_measurements"
    )
    kind = models.CharField(_("occasion"), max_length=10, choices=MeasurementKind.choices)
    taken_on = models.DateField(_("date"), default=timezone.localdate)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["taken_on", "pk"]
        verbose_name = _("progression measurement")
        verbose_name_plural = _("progression measurements")

    def __str__(self) -> str:
        return f"{self.participant} {self.get_kind_display()} {self.taken_on}"


class ProgressionAnswer(models.Model):
    """One rating of one indicator by the participant or by the guide. The two are separate rows:
    the guide's rating never replaces the participant's."""

    measurement = models.ForeignKey(
        ProgressionMeasurement, on_delete=models.CASCADE, related_name="answers"
    )
    indicator = models.ForeignKey(
        ProgressionIndicator, on_delete=models.PROTECT, related_name="answers"
    )
    rater = models.CharField(_("rated by"), max_length=12, choices=Rater.choices)
    value = models.PositiveSmallIntegerField(
        _("value"), validators=[MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)]
    )
    source = models.CharField(_("source"), max_length=10, choices=AnswerSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["indicator__order", "rater"]
        constraints = [
            models.UniqueConstraint(
                fields=["measurement", "indicator", "rater"],
                name="progression_one_answer_per_rater",
                violation_error_message=_("This indicator is already rated."),
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=SCALE_MIN) & models.Q(value__lte=SCALE_MAX),
                name="progression_value_1_10",
                violation_error_message=_("Choose a value from 1 to 10."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.rater})"
