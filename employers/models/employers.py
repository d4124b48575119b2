"""Employers (one register per region), their employer users, and what records that hang off an
employer share (scoped querysets, the unit that added them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.choices import Role
from core.models import TimeStampedModel
from core.roles import region_id_of, role_of
from employers.choices import EmployerStatus, Sector, SizeClass

STAFF_UNIT_ROLES = (Role.COORDINATOR, Role.GUIDE, Role.MANAGER)


REGION_ROLES = (*STAFF_UNIT_ROLES, Role.REGIONAL_ADMIN)


class EmployerQuerySet(models.QuerySet):
    def visible_to(self, user) -> EmployerQuerySet:
        """One register per region: staff of every unit of a region (and its regional
        administrators) see the region's employers; admins all; employer users only their own.
        Nothing crosses a region."""
        role = role_of(user)
        if role == Role.ADMIN:
            return self.all()
        if role in REGION_ROLES:
            return self.filter(region_id=region_id_of(user))
        if role == Role.EMPLOYER:
            return self.filter(memberships__user=user)
        return self.none()


class Employer(TimeStampedModel):
    """A company or organisation the unit works with."""

    name = models.CharField(_("name"), max_length=200)
    orgnr = models.CharField(_("organisation number"), max_length=11, blank=True, default="")
    industry = models.ForeignKey(
        "core.Industry",
        verbose_name=_("industry (SNI)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employers",
    )
    sector = models.CharField(
        _("sector"), max_length=20, choices=Sector.choices, default=Sector.PRIVATE
    )
    size_class = models.CharField(_("size"), max_length=10, choices=SizeClass.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EmployerStatus.choices, default=EmployerStatus.PROSPECT
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_employers",
    )
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        related_name="employers",
        help_text=_("The unit that registered the employer and leads the relation."),
    )
    region = models.ForeignKey(
        "core.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="employers",
        blank=True,
        help_text=_("The register the employer belongs to; always the lead unit's region."),
    )
    municipality = models.ForeignKey(
        "core.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="employers",
        help_text=_("Where the employer is based (its main site)."),
    )
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    status_reason = models.CharField(
        _("reason for the status"),
        max_length=300,
        blank=True,
        help_text=_("Why the relation was paused or ended."),
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)

    objects = EmployerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "orgnr"],
                condition=~Q(orgnr=""),
                name="employer_orgnr_unique_in_region",
                violation_error_message=_(
                    "An employer with this organisation number already exists in the region."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # The region is derived from the lead unit, so importers, factories and the demo that
        # create employers directly stay in the right register.
        if self.region_id is None and self.unit_id is not None:
            from core.models import Unit

            self.region_id = Unit.objects.values_list("region_id", flat=True).get(pk=self.unit_id)
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        exclude = set(exclude or ())
        if self.region_id is None:
            exclude.add("region")
        super().clean_fields(exclude=exclude)


class EmployerMembership(TimeStampedModel):
    """Makes a user an employer user of exactly one employer."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employer_membership"
    )
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        verbose_name = _("employer user")
        verbose_name_plural = _("employer users")

    def __str__(self) -> str:
        return f"{self.user} @ {self.employer}"


class EmployerScopedQuerySet(models.QuerySet):
    """For records that hang off an employer: visible when the employer is."""

    employer_path = "employer"

    def visible_to(self, user):
        return self.filter(**{f"{self.employer_path}__in": Employer.objects.visible_to(user)})


class AddedByUnitMixin:
    """Sites and contacts record the unit that added them; other units of the region see them
    (one register) but only that unit changes them."""

    def save(self, *args, **kwargs):
        if self.unit_id is None and self.employer_id is not None:
            self.unit_id = self.employer.unit_id
        super().save(*args, **kwargs)
