"""The contact log: entries with their next step, per unit."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import User
from employers.models import Employer, Interaction
from employers.services._shared import ensure_in_region, ensure_own_unit, set_fields

INTERACTION_FIELDS = ("kind", "occurred_on", "notes", "next_step", "next_step_due", "contact")


def _check_interaction_content(interaction: Interaction) -> None:
    """A contact-log entry says something: a note or an outcome (a next step). An empty entry is
    refused, in the pages and the API alike."""
    if not (interaction.notes or "").strip() and not (interaction.next_step or "").strip():
        raise ValidationError(
            {"notes": _("Write a note or the outcome (next step); an empty entry is not saved.")}
        )


@transaction.atomic
def interaction_create(*, employer: Employer, by: User, **data) -> Interaction:
    ensure_in_region(by, employer)
    contact = data.get("contact")
    if contact is not None and contact.employer_id != employer.pk:
        raise ValidationError({"contact": _("The contact person belongs to another employer.")})
    if data.get("next_step_due") and not (data.get("next_step") or "").strip():
        raise ValidationError({"next_step": _("Describe the next step that is due.")})
    unit_id = by.unit_id or employer.unit_id
    participants = _check_interaction_participants(data.get("participants"), unit_id)
    interaction = Interaction(employer=employer, by=by, unit_id=unit_id)
    set_fields(interaction, data, INTERACTION_FIELDS)
    _check_interaction_content(interaction)
    interaction.full_clean()
    interaction.save()
    if participants is not None:
        interaction.participants.set(participants)
    return interaction


def _check_interaction_participants(participants, unit_id: int) -> list | None:
    """The participants a contact concerns must belong to the unit that logs it (None: unchanged);
    the contact log is per unit even where the employer is shared across the region."""
    if participants is None:
        return None
    participants = list(participants)
    if any(p.unit_id != unit_id for p in participants):
        raise ValidationError(
            {"participants": _("Only participants of the employer's unit can be named.")}
        )
    return participants


@transaction.atomic
def interaction_update(*, interaction: Interaction, by: User, **data) -> Interaction:
    ensure_own_unit(by, interaction.unit_id)
    participants = _check_interaction_participants(data.get("participants"), interaction.unit_id)
    set_fields(interaction, data, INTERACTION_FIELDS)
    if participants is not None:
        interaction.participants.set(participants)
    if "next_step_done" in data:
        interaction.next_step_done = bool(data["next_step_done"])
        interaction.next_step_done_at = timezone.now() if interaction.next_step_done else None
    if interaction.next_step_due and not interaction.next_step.strip():
        raise ValidationError({"next_step": _("Describe the next step that is due.")})
    _check_interaction_content(interaction)
    interaction.full_clean()
    interaction.save()
    return interaction
