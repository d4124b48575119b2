"""Regional participants: a guide may open a participant for regional matching, only with the
participant's consent to sharing with another, named unit (``RecipientKind.OTHER_UNIT`` with
``recipient_unit``). The staff of each unit so named (coordinators, guides, the manager) then see
the pseudonymous code and matching data, never identity, until a placement at one of their
profiles is agreed and the consent covers identity. Units the participant did not name, and the
regional administrator (who holds no participant records), see nothing.

Consent is checked on every read, through ``matching.participants.services.consents.recipient_q``, so a
withdrawal takes effect at once (no stored copy)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.choices import Role
from core.exceptions import NotAllowed
from core.models import User
from core.roles import region_id_of, role_of
from matching.choices import ConsentScope, RecipientKind
from matching.models import Participant
from matching.participants.services.consents import recipient_q, shared_scopes, valid_consents

AGREED_STATUSES = ("agreed", "ongoing")
# The staff of a unit. A consent to a unit does not reach the regional administrator: that role
# administers units and the register and holds no participant records of its own.
REGIONAL_READERS = (Role.COORDINATOR, Role.GUIDE, Role.MANAGER)


def regional_scopes(participant: Participant, unit_id: int, at: dt.date | None = None) -> set[str]:
    """What the participant lets the staff of unit ``unit_id`` see, today."""
    return shared_scopes(participant=participant, unit=unit_id, at=at)


def _shares_skills_with_some_unit(participant: Participant) -> bool:
    return any(
        ConsentScope.SKILLS in scopes
        for scopes in valid_consents()
        .filter(
            participant=participant,
            recipient_kind=RecipientKind.OTHER_UNIT,
            recipient_unit__isnull=False,
        )
        .values_list("scopes", flat=True)
    )


@transaction.atomic
def participant_regional_set(*, participant: Participant, by: User, open: bool) -> Participant:
    """Open (or close) a participant for regional matching. Opening needs a valid consent to
    another unit that covers skills and experience (the matching data)."""
    from matching.participants.services.participants import ensure_can_edit

    ensure_can_edit(by, participant)
    if open and not _shares_skills_with_some_unit(participant):
        raise NotAllowed(
            _(
                "The participant has not consented to sharing skills with another unit; "
                "record that consent first."
            ),
            field="regional_matching",
        )
    participant.regional_matching = open
    participant.save(update_fields=["regional_matching", "updated_at"])
    return participant


def regional_participants_for(user: User) -> QuerySet[Participant]:
    """Participants of the *other* units of the user's region who are open for regional matching
    and have a consent, valid today, that names the user's own unit and covers the matching data
    (skills). Nothing crosses a region."""
    if role_of(user) not in REGIONAL_READERS or user.unit_id is None:
        return Participant.objects.none()
    # Scopes are a JSON list (no portable "contains" lookup): pick the rows in Python.
    consented = {
        pid
        for pid, scopes in valid_consents()
        .filter(recipient_q(unit=user.unit_id))
        .values_list("participant_id", "scopes")
        if ConsentScope.SKILLS in scopes
    }
    return (
        Participant.objects.filter(
            pk__in=consented,
            regional_matching=True,
            active=True,
            unit__region_id=region_id_of(user),
        )
        .exclude(unit_id=user.unit_id)
        .select_related("unit", "municipality")
        .order_by("code")
    )


def regional_view(user: User, participant: Participant) -> dict:
    """The participant as another unit sees them: code and matching data; identity only once a
    placement at one of the viewer's unit's profiles is agreed and the consent covers identity."""
    scopes = regional_scopes(participant, user.unit_id)
    if ConsentScope.SKILLS not in scopes:
        # Only reached through a consent naming the viewer's unit (``regional_participants_for``);
        # without one, nothing at all.
        raise NotAllowed(_("The participant has not consented to sharing with your unit."))
    data: dict = {
        "id": participant.pk,
        "code": participant.code,
        "unit": participant.unit.name,
        "municipality": participant.municipality.name,
        "swedish_level": participant.get_swedish_level_display(),
        "hours_min": participant.hours_min,
        "hours_max": participant.hours_max,
        "skills": sorted(
            s.skill.label if s.skill_id else s.free_text
            for s in participant.skills.select_related("skill")
        ),
        "name": None,
    }
    if ConsentScope.ADAPTATION_NEEDS in scopes:
        data["adaptation_needs"] = sorted(
            n.adaptation.label for n in participant.adaptation_needs.select_related("adaptation")
        )
    data["matches"] = _matches_with_unit_profiles(user, participant)
    # Placements live in a higher app; the reverse relation is read, not imported.
    agreed = participant.placements.filter(
        task_profile__unit_id=user.unit_id, status__in=AGREED_STATUSES
    ).exists()
    if agreed and ConsentScope.IDENTITY in scopes:
        data["name"] = f"{participant.first_name} {participant.last_name}"
    return data


def _matches_with_unit_profiles(user: User, participant: Participant, limit: int = 3) -> list[dict]:
    """How well the participant fits the viewer's unit's regional profiles (the participant's
    unit engine ranks them; commute decides the rest)."""
    from employers.models import TaskProfile
    from matching.services.suggestions import NotInMatching, rank_profiles_for

    own = dict(
        TaskProfile.objects.filter(unit_id=user.unit_id, regional=True).values_list("pk", "title")
    )
    if not own:
        return []
    try:
        ranked = rank_profiles_for(participant, limit=200)
    except NotInMatching:
        return []
    return [
        {"task_profile": m["task_profile"], "title": own[m["task_profile"]], "score": m["score"]}
        for m in ranked
        if m["task_profile"] in own
    ][:limit]
