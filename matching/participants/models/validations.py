"""OCN validation cases and KGA assessments (the records; plans, modules and the KGA list are core data)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.choices import OcnStatus
from matching.participants.models.participants import Participant


class OcnCase(models.Model):
    """A participant's validation of one OCN module: registered → assessed → internally
    quality-assured → externally verified → certificate issued."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="ocn_cases")
    module = models.ForeignKey("core.OcnModule", on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(
        _("status"), max_length=20, choices=OcnStatus.choices, default=OcnStatus.REGISTERED
    )
    registered_on = models.DateField(_("registered"), default=timezone.localdate)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessed_on = models.DateField(_("assessed"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    internal_qa_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    internal_qa_on = models.DateField(_("internally quality-assured"), null=True, blank=True)
    external_verifier = models.CharField(_("external verifier"), max_length=200, blank=True)
    verified_on = models.DateField(_("externally verified"), null=True, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=40, blank=True)
    certificate_issued_on = models.DateField(_("certificate issued"), null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)

    class Meta:
        ordering = ["-registered_on", "-pk"]
        verbose_name = _("OCN case")
        verbose_name_plural = _("OCN cases")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "module"], name="ocncase_one_per_module"
            ),
            models.UniqueConstraint(
                fields=["certificate_number"],
                condition=~Q(certificate_number=""),
                name="ocncase_certificate_unique",
                violation_error_message=_("This certificate number is already used."),
            ),
            models.CheckConstraint(
                condition=Q(internal_qa_by__isnull=True) | ~Q(internal_qa_by=models.F("assessor")),
                name="ocncase_qa_not_by_assessor",
                violation_error_message=_(
                    "Internal quality assurance must be done by someone other than the assessor."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} – {self.module}"


class OcnCaseEvent(models.Model):
    """Every step (and rejection) of a case: who, when, why."""

    case = models.ForeignKey(OcnCase, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=OcnStatus.choices)
    to_status = models.CharField(max_length=20, choices=OcnStatus.choices)
    rejected = models.BooleanField(default=False)
    reason = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case}: {self.from_status} → {self.to_status}"


class KgaAssessment(models.Model):
    """One KGA assessment: a level per basic competence. History is kept; the latest counts."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="kga_assessments"
    )
    assessed_on = models.DateField(_("date"), default=timezone.localdate)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("KGA assessment")
        verbose_name_plural = _("KGA assessments")

    def __str__(self) -> str:
        return f"KGA {self.participant} {self.assessed_on}"


class KgaScore(models.Model):
    assessment = models.ForeignKey(KgaAssessment, on_delete=models.CASCADE, related_name="scores")
    competence = models.ForeignKey("core.KgaCompetence", on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "competence"], name="kgascore_unique")
        ]

    def __str__(self) -> str:
        return f"{self.competence}: {self.level}"


class QualityAssurer(models.Model):
    """A staff member an administrator has named internal quality assurer (intern kvalitetssäkrare)
    for the unit: they may quality-assure any OCN case of the unit's participants — never one they
    assessed themselves — without being an administrator."""

    unit = models.ForeignKey("core.Unit", on_delete=models.CASCADE, related_name="quality_assurers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quality_assurer_for"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user__first_name", "user__last_name", "pk"]
        verbose_name = _("internal quality assurer")
        verbose_name_plural = _("internal quality assurers")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "user"],
                name="qualityassurer_once_per_unit",
                violation_error_message=_("This person is already an internal quality assurer."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.unit})"
