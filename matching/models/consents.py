"""Consent (samtycke) to share a participant's information with a named recipient."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from matching.choices import ConsentMethod
from matching.models.participants import Participant


class Consent(TimeStampedModel):
    """What a participant has agreed may be shared, with whom, for what, until when. Never deleted:
    withdrawing sets ``withdrawn_on`` and takes effect at once, so the history can be shown."""

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="consents")
    employer = models.ForeignKey(
        "employers.Employer",
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
    )
    agency = models.CharField(_("partner agency"), max_length=200, blank=True)
    purpose = models.CharField(_("purpose"), max_length=300)
    scopes = models.JSONField(_("information covered"), default=list)
    given_on = models.DateField(_("given"))
    method = models.CharField(_("how given"), max_length=20, choices=ConsentMethod.choices)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=(Q(employer__isnull=False) & Q(agency=""))
                | (Q(employer__isnull=True) & ~Q(agency="")),
                name="consent_one_recipient",
                violation_error_message=_("Name either an employer or a partner agency."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("given_on")),
                name="consent_valid_after_given",
                violation_error_message=_("A consent cannot expire before it is given."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} → {self.employer or self.agency}"
