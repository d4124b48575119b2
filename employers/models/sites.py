"""Sites: an employer's workplaces, placed on the map for commute matching."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.choices import CoordinatePrecision, GeocodeStatus
from core.models import TimeStampedModel
from employers.models.employers import AddedByUnitMixin, Employer, EmployerScopedQuerySet


class Site(AddedByUnitMixin, TimeStampedModel):
    """A workplace address of an employer, placed on the map for commute matching."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="sites")
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("added by unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    locality = models.CharField(_("locality"), max_length=100, blank=True)
    municipality = models.ForeignKey(
        "core.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="sites",
    )
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    coordinate_precision = models.CharField(
        _("coordinate precision"),
        max_length=20,
        choices=CoordinatePrecision.choices,
        default=CoordinatePrecision.NONE,
    )
    geocode_status = models.CharField(
        _("geocoding"),
        max_length=20,
        choices=GeocodeStatus.choices,
        default=GeocodeStatus.NOT_REQUESTED,
    )
    geocode_error = models.CharField(_("geocoding error"), max_length=300, blank=True)
    accessibility_notes = models.TextField(_("accessibility notes"), blank=True)
    offered_adaptations = models.ManyToManyField(
        "core.Adaptation",
        verbose_name=_("adaptations offered at the site"),
        blank=True,
        related_name="sites",
    )

    objects = EmployerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["employer", "name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="site_coordinates_both_or_none",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.employer.name}, {self.name}"

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None
