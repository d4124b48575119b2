"""The participant's digital consent: invitations to answer, and the personal link to their own page.

Only keyed hashes of tokens and short codes are stored (``matching.participants.services.consent_links``), so a
copy of the database gives no working link.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from matching.choices import DeliveryChannel, InvitationDecision, InvitationState, RecipientKind
from matching.participants.models.consents import Consent
from matching.participants.models.participants import Participant


class ConsentInvitation(TimeStampedModel):
    """A one-time request to a participant to give or refuse consent to a list of recipients.

    Works once (``answered_at``) and until ``expires_at``; the guide may revoke it before."""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="consent_invitations"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    channel = models.CharField(_("sent by"), max_length=10, choices=DeliveryChannel.choices)
    sent_to = models.EmailField(_("e-mail address"), blank=True)
    wording_version = models.CharField(_("wording version"), max_length=20)
    expires_at = models.DateTimeField(_("expires"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("consent invitation")
        verbose_name_plural = _("consent invitations")

    def __str__(self) -> str:
        return f"{self.participant} · {self.created_at:%Y-%m-%d}"

    @property
    def state(self) -> str:
        if self.revoked_at:
            return InvitationState.REVOKED
        if self.answered_at:
            return InvitationState.ANSWERED
        if self.expires_at <= timezone.now():
            return InvitationState.EXPIRED
        return InvitationState.PENDING

    def get_state_display(self) -> str:
        return InvitationState(self.state).label


class InvitedRecipient(models.Model):
    """One proposed recipient of an invitation: who, what they would see, why, and the answer."""

    invitation = models.ForeignKey(
        ConsentInvitation, on_delete=models.CASCADE, related_name="recipients"
    )
    kind = models.CharField(_("kind of recipient"), max_length=30, choices=RecipientKind.choices)
    employer = models.ForeignKey(
        "employers.Employer",
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    agency = models.CharField(_("name of the recipient"), max_length=200, blank=True)
    purpose = models.CharField(_("purpose"), max_length=300)
    scopes = models.JSONField(_("information covered"), default=list)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    decision = models.CharField(
        _("answer"),
        max_length=10,
        choices=InvitationDecision.choices,
        default=InvitationDecision.PENDING,
    )
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    consent = models.OneToOneField(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="invited_as"
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("proposed recipient")
        verbose_name_plural = _("proposed recipients")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=RecipientKind.EMPLOYER) & Q(employer__isnull=False))
                | (~Q(kind=RecipientKind.EMPLOYER) & Q(employer__isnull=True) & ~Q(agency="")),
                name="invited_recipient_named",
                violation_error_message=_("Name the employer, or the agency for other recipients."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.employer.name if self.employer_id else self.agency


class PersonalLink(TimeStampedModel):
    """The participant's long-lived link to their own consent page. The guide may revoke it and
    send a new one; at most one is active per participant."""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="personal_links"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("sent by"), max_length=10, choices=DeliveryChannel.choices)
    sent_to = models.EmailField(_("e-mail address"), blank=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("personal link")
        verbose_name_plural = _("personal links")
        constraints = [
            models.UniqueConstraint(
                fields=["participant"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_personal_link",
                violation_error_message=_("The participant already has an active personal link."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.created_at:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
