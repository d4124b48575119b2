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
from matching.models import Participant, ParticipantAdaptationNeed, ParticipantSkill
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
    return _regional_participants(user, _shared_with_unit(user))


def regional_list(user: User) -> list[dict]:
    """``regional_view`` of every participant of ``regional_participants_for``, with each kind
    of data read once for all of them (issue 22: it was five queries per participant)."""
    scopes = _shared_with_unit(user)
    participants = list(_regional_participants(user, scopes))
    rows = _RegionalRows(user.unit_id, participants, scopes=scopes)
    return [rows.view(p) for p in participants]


def _shared_with_unit(user: User) -> dict[int, set[str]]:
    """What each participant shares with the user's unit: every valid consent naming it."""
    scopes: dict[int, set[str]] = {}
    if role_of(user) not in REGIONAL_READERS or user.unit_id is None:
        return scopes
    for pid, granted in (
        valid_consents()
        .filter(recipient_q(unit=user.unit_id))
        .values_list("participant_id", "scopes")
    ):
        scopes.setdefault(pid, set()).update(granted)
    return scopes


def _regional_participants(user: User, scopes: dict[int, set[str]]) -> QuerySet[Participant]:
    if role_of(user) not in REGIONAL_READERS or user.unit_id is None:
        return Participant.objects.none()
    # Scopes are a JSON list (no portable "contains" lookup): the rows are picked in Python.
    consented = {pid for pid, granted in scopes.items() if ConsentScope.SKILLS in granted}
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


class _RegionalRows:
    """What the staff of unit ``unit_id`` may see of ``participants``, one query per kind for
    all of them: the consents' scopes (unless given), skills, adaptation needs, the placements
    agreed with the unit, the unit's regional profiles; and the ranking, one engine per
    participants' unit (no query when the engine is current)."""

    def __init__(
        self,
        unit_id: int | None,
        participants: list[Participant],
        *,
        scopes: dict[int, set[str]] | None = None,
    ) -> None:
        self.unit_id = unit_id
        ids = [p.pk for p in participants]
        if scopes is None:
            scopes = {}
            if unit_id is not None and ids:
                for pid, granted in (
                    valid_consents()
                    .filter(recipient_q(unit=unit_id), participant_id__in=ids)
                    .values_list("participant_id", "scopes")
                ):
                    scopes.setdefault(pid, set()).update(granted)
        self.scopes = {pid: scopes.get(pid, set()) for pid in ids}
        shown = [p for p in participants if ConsentScope.SKILLS in self.scopes[p.pk]]
        shown_ids = [p.pk for p in shown]
        self.skills: dict[int, list[str]] = {pid: [] for pid in shown_ids}
        self.needs: dict[int, list[str]] = {}
        self.agreed: set[int] = set()
        self.matches: dict[int, list[dict]] = {pid: [] for pid in shown_ids}
        if not shown:
            return
        for pid, skill_id, label, free_text in ParticipantSkill.objects.filter(
            participant_id__in=shown_ids
        ).values_list("participant_id", "skill_id", "skill__label", "free_text"):
            self.skills[pid].append(label if skill_id else free_text)
        with_needs = [pid for pid in shown_ids if ConsentScope.ADAPTATION_NEEDS in self.scopes[pid]]
        if with_needs:
            self.needs = {pid: [] for pid in with_needs}
            for pid, label in ParticipantAdaptationNeed.objects.filter(
                participant_id__in=with_needs
            ).values_list("participant_id", "adaptation__label"):
                self.needs[pid].append(label)
        # Placements live in a higher app; the reverse relation is read, not imported.
        self.agreed = set(
            Participant.objects.filter(
                pk__in=shown_ids,
                placements__task_profile__unit_id=unit_id,
                placements__status__in=AGREED_STATUSES,
            ).values_list("pk", flat=True)
        )
        self.matches.update(_matches_with_unit_profiles(unit_id, shown))

    def view(self, participant: Participant) -> dict:
        scopes = self.scopes[participant.pk]
        if ConsentScope.SKILLS not in scopes:
            # Only reached through a consent naming the viewer's unit
            # (``regional_participants_for``); without one, nothing at all.
            raise NotAllowed(_("The participant has not consented to sharing with your unit."))
        data: dict = {
            "id": participant.pk,
            "code": participant.code,
            "unit": participant.unit.name,
            "municipality": participant.municipality.name,
            "swedish_level": participant.get_swedish_level_display(),
            "hours_min": participant.hours_min,
            "hours_max": participant.hours_max,
            "skills": sorted(self.skills[participant.pk]),
            "name": None,
        }
        if ConsentScope.ADAPTATION_NEEDS in scopes:
            data["adaptation_needs"] = sorted(self.needs[participant.pk])
        data["matches"] = self.matches[participant.pk]
        if participant.pk in self.agreed and ConsentScope.IDENTITY in scopes:
            data["name"] = f"{participant.first_name} {participant.last_name}"
        return data


def regional_view(user: User, participant: Participant) -> dict:
    """The participant as another unit sees them: code and matching data; identity only once a
    placement at one of the viewer's unit's profiles is agreed and the consent covers identity.
    A list of them is ``regional_list``."""
    return _RegionalRows(user.unit_id, [participant]).view(participant)


def _matches_with_unit_profiles(
    unit_id: int | None, participants: list[Participant], limit: int = 3
) -> dict[int, list[dict]]:
    """How well each participant fits the unit's regional profiles (the participant's unit
    engine ranks them; commute decides the rest): the profiles read once, one engine per unit of
    the participants, each participant ranked by the engine (no query)."""
    from employers.models import TaskProfile
    from matching.features import unit_engine

    own = dict(
        TaskProfile.objects.filter(unit_id=unit_id, regional=True).values_list("pk", "title")
    )
    if not own:
        return {}
    engines = {}
    result: dict[int, list[dict]] = {}
    for participant in participants:
        if participant.unit_id not in engines:
            engines[participant.unit_id] = unit_engine(participant.unit_id).engine
        engine = engines[participant.unit_id]
        try:
            engine.participant_row(participant.pk)
        except KeyError:  # not in matching (``rank_profiles_for``'s NotInMatching)
            result[participant.pk] = []
            continue
        ranked = engine.rank_profiles(participant.pk, limit=200)
        result[participant.pk] = [
            {"task_profile": m.profile_id, "title": own[m.profile_id], "score": round(m.score, 4)}
            for m in ranked
            if m.profile_id in own
        ][:limit]
    return result
