"""Consent (samtycke) to share a participant's information with a named recipient."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from matching.choices import ConsentMethod, RecipientKind
from matching.participants.models.participants import Participant


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
    # A consent to another labour-market unit names that unit: it covers that unit's staff and
    # nobody else (the unit's name is also kept in ``agency`` for display).
    recipient_unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("receiving unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recipient_kind = models.CharField(
        _("kind of recipient"), max_length=30, choices=RecipientKind.choices, blank=True
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    scopes = models.JSONField(_("information covered"), default=list)
    given_on = models.DateField(_("given"))
    method = models.CharField(_("how given"), max_length=20, choices=ConsentMethod.choices)
    given_at = models.DateTimeField(_("given at"), null=True, blank=True)
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("witness"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The guide who heard a verbal consent."),
    )
    wording_version = models.CharField(
        _("wording version"),
        max_length=20,
        blank=True,
        help_text=_(
            "The version of the consent text the participant was shown (empty: before versioning)."
        ),
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_by_participant = models.BooleanField(_("withdrawn by the participant"), default=False)
    withdrawal_seen_at = models.DateTimeField(
        _("withdrawal seen by the guide"), null=True, blank=True
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
                condition=Q(recipient_unit__isnull=True)
                | Q(recipient_kind=RecipientKind.OTHER_UNIT, employer__isnull=True),
                name="consent_unit_is_other_unit",
                violation_error_message=_("Only a consent to another unit names a unit."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("given_on")),
                name="consent_valid_after_given",
                violation_error_message=_("A consent cannot expire before it is given."),
            ),
            models.CheckConstraint(
                condition=~Q(method=ConsentMethod.VERBAL) | Q(witness__isnull=False),
                name="consent_verbal_has_witness",
                violation_error_message=_("A verbal consent needs the guide as witness."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} → {self.employer or self.agency}"
