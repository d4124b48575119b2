"""Weights learned from the unit's own outcomes (issue 25): proposals and accepted versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    NOTHING = "nothing", _("Nothing proposed")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    ROLLED_BACK = "rolled_back", _("Rolled back")


class WeightProposal(models.Model):
    """One fit of the unit's weights to its placements' outcomes: the proposal (or why there is
    none), the validation figures and the fairness report. Nothing changes until a manager
    accepts it; accepting writes the unit's ``MatchWeights`` and keeps a ``MatchWeightsVersion``."""

    unit = models.ForeignKey("core.Unit", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("status"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    current = models.JSONField(_("weights when fitted"), default=dict)
    proposed = models.JSONField(_("proposed weights"), null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)  # codes: why nothing is proposed
    figures = models.JSONField(default=dict, blank=True)
    fairness = models.JSONField(default=dict, blank=True)
    flagged = models.BooleanField(_("fairness flag"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The unit's weights just before this proposal was accepted: what a rollback restores.
    weights_before = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("weight proposal")
        verbose_name_plural = _("weight proposals")

    def __str__(self) -> str:
        return f"{self.unit} {self.created_at:%Y-%m-%d} {self.status}"


class MatchWeightsVersion(models.Model):
    """Each set of weights a unit has had through learning: accepted proposals and rollbacks."""

    unit = models.ForeignKey("core.Unit", on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    weights = models.JSONField()
    proposal = models.ForeignKey(
        WeightProposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="versions"
    )
    rollback = models.BooleanField(default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["unit", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "number"],
                name="match_weights_version_unique",
                violation_error_message=_("This version number is already used."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} v{self.number}"
