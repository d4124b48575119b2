"""The hiring signal: historical job ads (JobTech's historical-ads format) kept per region, one row
per ad, keyed for the question "who hires what, where" (orgnr × SSYK group × municipality)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class HistoricalAd(models.Model):
    """One published job ad, as imported from JobTech's historical ads: which employer (by
    organisation number, registered in Brygga or not) advertised which occupation (SSYK 4) where,
    when, and for how many vacancies."""

    region = models.ForeignKey(
        "core.Region", on_delete=models.CASCADE, related_name="historical_ads"
    )
    ad_id = models.CharField(_("ad id"), max_length=40)
    headline = models.CharField(_("headline"), max_length=300, blank=True)
    published_on = models.DateField(_("published"))
    orgnr = models.CharField(_("organisation number"), max_length=11, db_index=True)
    employer_name = models.CharField(_("employer"), max_length=200)
    workplace = models.CharField(_("workplace"), max_length=200, blank=True)
    ssyk = models.CharField(_("SSYK code"), max_length=4)
    ssyk_label = models.CharField(_("occupation group"), max_length=300, blank=True)
    occupation_label = models.CharField(_("occupation"), max_length=300, blank=True)
    occupation_concept_id = models.CharField(_("taxonomy id"), max_length=40, blank=True)
    municipality = models.ForeignKey(
        "core.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    vacancies = models.PositiveSmallIntegerField(_("vacancies"), default=1)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "ad_id"]
        verbose_name = _("historical job ad")
        verbose_name_plural = _("historical job ads")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "ad_id"],
                name="historical_ad_unique_in_region",
                violation_error_message=_("This ad is already imported for the region."),
            ),
            models.CheckConstraint(
                condition=models.Q(vacancies__gte=1),
                name="historical_ad_vacancies_positive",
                violation_error_message=_("An ad has at least one vacancy."),
            ),
        ]
        indexes = [
            models.Index(fields=["region", "orgnr"], name="historical_ad_region_orgnr"),
            models.Index(fields=["region", "published_on"], name="historical_ad_region_published"),
        ]

    def __str__(self) -> str:
        return f"{self.employer_name} – {self.ssyk_label or self.ssyk} ({self.published_on})"
