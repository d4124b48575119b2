"""Contact persons at an employer, supervisors (handledare) among them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.validators import DateWithin
from employers.choices import ContactChannel, ContactRole
from employers.models.employers import AddedByUnitMixin, Employer, EmployerScopedQuerySet
from employers.models.sites import Site


class ContactPerson(AddedByUnitMixin, TimeStampedModel):
    """A person at the employer; supervisors (handledare) support participants at the workplace."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="contacts")
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("added by unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    site = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, help_text=_("Stored in E.164 form.")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    role = models.CharField(
        _("role"), max_length=20, choices=ContactRole.choices, default=ContactRole.OTHER
    )
    preferred_channel = models.CharField(
        _("preferred channel"),
        max_length=10,
        choices=ContactChannel.choices,
        default=ContactChannel.PHONE,
    )
    is_supervisor = models.BooleanField(_("supervisor (handledare)"), default=False)
    supervisor_trained_on = models.DateField(
        _("supervisor training date"), null=True, blank=True, validators=[DateWithin(50, 0)]
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_persons",
    )

    objects = EmployerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["employer", "name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self) -> str:
        return f"{self.name} ({self.employer.name})"
