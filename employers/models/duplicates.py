"""Pairs of employers judged not to be duplicates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from employers.models.employers import Employer


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
