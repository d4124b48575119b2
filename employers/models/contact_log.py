"""The contact log: per-unit entries with their next step; free text withheld from readers
outside the unit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.query import ModelIterable
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import Role
from core.models import TimeStampedModel
from core.roles import region_id_of, role_of
from core.validators import DateWithin
from employers.choices import InteractionKind
from employers.models.contacts import ContactPerson
from employers.models.employers import STAFF_UNIT_ROLES, Employer

INTERACTION_TEXT_FIELDS = ("notes", "next_step")


def _text_withholding_iterable(own_unit_id: int | None) -> type[ModelIterable]:
    """Rows whose free text the reader may not read come out with it blanked and marked
    ``text_withheld`` (a marked row cannot be saved, so a blank never overwrites the notes)."""

    class WithheldTextIterable(ModelIterable):
        def __iter__(self):
            for row in super().__iter__():
                if own_unit_id is None or row.unit_id != own_unit_id:
                    for name in INTERACTION_TEXT_FIELDS:
                        setattr(row, name, "")
                    row.text_withheld = True
                yield row

    return WithheldTextIterable


class InteractionQuerySet(models.QuerySet):
    def visible_to(self, user) -> InteractionQuerySet:
        """The contact log is internal and per unit: staff see their own unit's entries (other
        units see only the summary, ``employers.selectors.relation_summary``); admins all;
        never employer users.

        A regional administrator oversees the region's contact log but is no unit's caseworker:
        they see every entry of the region with its date, kind, employer, unit, who and the next
        step's due date and state, and the free text (notes, next step) only in their own unit's
        entries. The free text is where staff write what was said about participants and their
        needs (health, disability: special-category data), which only the unit that works with
        them needs. The participants concerned are likewise withheld (``text_withheld``)."""
        role = role_of(user)
        if role == Role.ADMIN:
            return self.all()
        if role == Role.REGIONAL_ADMIN:
            qs = self.filter(employer__region_id=region_id_of(user))
            qs._iterable_class = _text_withholding_iterable(user.unit_id)
            return qs
        if role in STAFF_UNIT_ROLES:
            return self.filter(unit_id=user.unit_id, employer__region_id=region_id_of(user))
        return self.none()

    def open_next_steps(self) -> InteractionQuerySet:
        return self.filter(next_step__gt="", next_step_done=False)

    @staticmethod
    def searchable_fields(user) -> list[str]:
        """What a reader may search the log by: searching the free text would reveal it where
        ``visible_to`` withholds it."""
        if role_of(user) == Role.REGIONAL_ADMIN:
            return ["employer__name"]
        return ["notes", "next_step"]

    def overdue_first(self) -> InteractionQuerySet:
        today = timezone.localdate()
        return self.annotate(
            overdue_rank=models.Case(
                models.When(next_step_due__lt=today, then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        ).order_by("-overdue_rank", F("next_step_due").asc(nulls_last=True), "pk")


class Interaction(TimeStampedModel):
    """One entry of the contact log: what happened and the next step, with a due date."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="interactions")
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The unit whose contact log this entry is in (details stay in the unit)."),
    )
    contact = models.ForeignKey(
        ContactPerson, on_delete=models.SET_NULL, null=True, blank=True, related_name="interactions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InteractionKind.choices)
    occurred_on = models.DateField(
        _("date"), default=timezone.localdate, validators=[DateWithin(30, 1)]
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        related_name="interactions",
    )
    notes = models.TextField(_("notes"), blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_step_due = models.DateField(
        _("next step due"), null=True, blank=True, validators=[DateWithin(30, 5)]
    )
    next_step_done = models.BooleanField(_("next step done"), default=False)
    next_step_done_at = models.DateTimeField(_("next step done at"), null=True, blank=True)
    # The participants this contact was made for (job development for them): fidelity measures
    # the days from enrolment to the first employer contact made for a participant from this.
    participants = models.ManyToManyField(
        "matching.Participant",
        verbose_name=_("participants concerned"),
        blank=True,
        related_name="employer_contacts",
    )

    objects = InteractionQuerySet.as_manager()
    # Set on rows read by someone who may not read the free text (InteractionQuerySet.visible_to).
    text_withheld = False

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("contact log entry")
        verbose_name_plural = _("contact log")
        constraints = [
            models.CheckConstraint(
                condition=Q(next_step_due__isnull=True) | ~Q(next_step=""),
                name="interaction_due_needs_next_step",
                violation_error_message=_("A due date needs a next step."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on} – {self.employer.name}"

    def save(self, *args, **kwargs):
        if self.text_withheld:
            raise ValueError("A contact log entry read without its text cannot be saved.")
        if self.unit_id is None:
            self.unit_id = getattr(self.by, "unit_id", None) if self.by_id else None
            if self.unit_id is None:
                self.unit_id = self.employer.unit_id
        super().save(*args, **kwargs)

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.next_step
            and not self.next_step_done
            and self.next_step_due
            and self.next_step_due < timezone.localdate()
        )
