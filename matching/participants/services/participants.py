"""Writes of participant profiles."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import taxonomy
from core.choices import CoordinatePrecision, Role
from core.exceptions import Forbidden, InvalidTransition, NotAllowed
from core.geography import gazetteer_lookup
from core.licences import CAR_LICENCE, inclusion_map, with_included
from core.models import Adaptation, Licence, Skill, User
from core.roles import role_of
from core.writes import announce_rows
from matching.choices import CommuteMeans, Phase, SkillSource, Weekday
from matching.models import (
    Participant,
    ParticipantAdaptationNeed,
    ParticipantLanguage,
    ParticipantSkill,
    PhaseChange,
)
from matching.participants.identity import (
    birth_year_of,
    check_birth_year,
    normalise_personal_number,
)
from matching.participants.signals import participant_changed

PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "gender",
    "birth_year",
    "newly_arrived",
    "long_term_unemployed",
    "reduced_work_capacity",
    "returning_from_sick_leave",
    "municipality",
    "guide",
    "enrolled_on",
    "home_locality",
    "home_address",
    "postal_code",
    "commute_max_km",
    "commute_max_minutes",
    "commute_means",
    "has_driving_licence",
    "has_car",
    "hours_min",
    "hours_max",
    "available_days",
    "swedish_level",
    "support_needs",
    "goals",
    "active",
    # SUS reporting (issue 15)
    "education_level",
    "sus_employment_before",
    "sus_income_before",
    "sus_employment_after",
    "sus_income_after",
    "sus_exit_reason",
    "paused_reason",
)
SUS_FIELDS = (
    "education_level",
    "sus_employment_before",
    "sus_income_before",
    "sus_employment_after",
    "sus_income_after",
    "sus_exit_reason",
)

PHASE_TRANSITIONS = {
    Phase.FINNA: {Phase.FA, Phase.EXITED},
    Phase.FA: {Phase.BEHALLA, Phase.FINNA, Phase.EXITED},
    Phase.BEHALLA: {Phase.FINNA, Phase.EXITED},
    Phase.EXITED: {Phase.FINNA},
}


def can_edit(user: User, participant: Participant) -> bool:
    """The assigned guide and administrators change a participant."""
    role = role_of(user)
    return role == Role.ADMIN or (role == Role.GUIDE and participant.guide_id == user.pk)


def ensure_can_edit(user: User, participant: Participant) -> None:
    if not can_edit(user, participant):
        raise Forbidden(_("Only the participant's own job guide may change this."))


def _validate(participant: Participant, data: dict) -> None:
    errors = {}
    means = data.get("commute_means", participant.commute_means) or []
    bad = [m for m in means if m not in CommuteMeans.values]
    if bad:
        errors["commute_means"] = _("Unknown ways of travelling: %(v)s.") % {
            "v": ", ".join(map(str, bad))
        }
    days = data.get("available_days", participant.available_days) or []
    bad = [d for d in days if d not in Weekday.values]
    if bad:
        errors["available_days"] = _("Unknown days: %(v)s.") % {"v": ", ".join(map(str, bad))}
    if (
        participant.hours_min is not None
        and participant.hours_max is not None
        and participant.hours_min > participant.hours_max
    ):
        errors["hours_min"] = _("Minimum hours (%(lo)s) cannot exceed maximum hours (%(hi)s).") % {
            "lo": participant.hours_min,
            "hi": participant.hours_max,
        }
    if CommuteMeans.CAR in means and not (participant.has_driving_licence and participant.has_car):
        errors["commute_means"] = _("Travelling by car needs a driving licence and a car.")
    if participant.guide_id and (
        role_of(participant.guide) != Role.GUIDE or participant.guide.unit_id != participant.unit_id
    ):
        errors["guide"] = _("The guide must be a job guide of the participant's unit.")
    if (
        participant.unit_id
        and participant.municipality_id
        and not participant.unit.municipalities.filter(pk=participant.municipality_id).exists()
    ):
        errors["municipality"] = _("The unit does not serve this municipality.")
    if participant.active:
        participant.paused_reason = ""
    elif participant.phase != Phase.EXITED and not (participant.paused_reason or "").strip():
        errors["paused_reason"] = _("Say why matching is paused.")
    if errors:
        raise ValidationError(errors)


def _licences_and_driving(
    participant: Participant, data: dict, licences: list[Licence] | None
) -> list[Licence] | None:
    """The licences to store, with ``has_driving_licence`` kept equal to "holds class B or a
    class that includes it" (the car licence the commute rule asks for). Ticking the driving
    licence without a car class adds B; unticking it alone removes the classes that include B;
    a list of licences with a car class beside an unticked box is a contradiction (a field
    error). None: the licences are not changed."""
    given = "has_driving_licence" in data
    if licences is None and not given:
        return None
    current = (
        list(licences)
        if licences is not None
        else (list(participant.licences.all()) if participant.pk else [])
    )
    car = Licence.objects.filter(code=CAR_LICENCE).first()
    if car is None:  # an installation that removed class B keeps the plain flag
        return current if licences is not None else None
    included = inclusion_map()

    def drives(items):
        return car.pk in with_included([x.pk for x in items], included)

    if given and data["has_driving_licence"] and not drives(current):
        current.append(car)
    elif given and not data["has_driving_licence"] and drives(current):
        if licences is not None:
            raise ValidationError(
                {
                    "has_driving_licence": _(
                        "%(licences)s include a car driving licence: tick driving licence or "
                        "remove them."
                    )
                    % {"licences": ", ".join(x.label for x in current if drives([x]))}
                }
            )
        current = [x for x in current if not drives([x])]
    participant.has_driving_licence = drives(current)
    return current


def _check_integrity(participant: Participant, data: dict, by: User) -> None:
    """Rules that keep the records trustworthy (issue 13): someone always answers for the
    participant, ``active`` follows the phase, and one person is registered once per unit."""
    errors = {}
    if participant.guide_id is None and role_of(by) != Role.ADMIN:
        errors["guide"] = _("A participant must have a job guide.")
    if data.get("active") and participant.phase == Phase.EXITED:
        errors["active"] = _(
            "An exited participant becomes active again by a phase change back to “finna”."
        )
    if (
        participant.personnummer
        and Participant.objects.filter(
            unit_id=participant.unit_id, personnummer=participant.personnummer
        )
        .exclude(pk=participant.pk)
        .exists()
    ):
        errors["personnummer"] = _(
            "A participant with this personal identity number is already registered."
        )
    if errors:
        raise ValidationError(errors)


def _place(participant: Participant) -> None:
    place = gazetteer_lookup(
        locality=participant.home_locality,
        municipality_code=participant.municipality_id,
        postal_code=participant.postal_code,
    )
    if place is None:
        participant.latitude = participant.longitude = None
        participant.coordinate_precision = CoordinatePrecision.NONE
    else:
        participant.latitude, participant.longitude = place.latitude, place.longitude
        participant.coordinate_precision = place.precision


def _set_identity(participant: Participant, value: str | None, data: dict) -> None:
    """The number in its one normalised form (matching.participants.identity's century rule); the birth year
    follows it unless one is given beside it, which must then agree (a field error)."""
    if value is not None:
        number, coordination = normalise_personal_number(value)
        participant.personnummer = number
        participant.is_coordination_number = coordination
        if number and not data.get("birth_year"):
            participant.birth_year = birth_year_of(number)
    if value is not None or data.get("birth_year"):
        check_birth_year(participant.personnummer, participant.birth_year)


@transaction.atomic
def participant_create(
    *,
    by: User,
    personnummer: str = "",
    skills: list[dict] | None = None,
    adaptation_needs: list[dict] | None = None,
    desired_occupations=None,
    desired_industries=None,
    languages: list[dict] | None = None,
    licences: list[Licence] | None = None,
    **data,
) -> Participant:
    role = role_of(by)
    if role not in (Role.GUIDE, Role.ADMIN):
        raise NotAllowed(_("Only job guides register participants."))
    unit = data.pop("unit", None) or by.unit
    participant = Participant(unit=unit)
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(participant, field, data[field])
    if participant.guide_id is None and role == Role.GUIDE:
        participant.guide = by
    _set_identity(participant, personnummer, data)
    licences = _licences_and_driving(participant, data, licences)
    _validate(participant, data)
    _check_integrity(participant, data, by)
    _place(participant)
    participant.full_clean()
    participant.save()
    if licences is not None:
        participant.licences.set(licences)
    if desired_occupations is not None:
        participant.desired_occupations.set(desired_occupations)
    if desired_industries is not None:
        participant.desired_industries.set(desired_industries)
    for item in skills or []:
        _skill_add(participant=participant, by=by, **item)
    if adaptation_needs is not None:
        participant_set_adaptation_needs(participant=participant, by=by, needs=adaptation_needs)
    if languages is not None:
        participant_set_languages(participant=participant, by=by, languages=languages)
    _refresh(participant)
    return participant


def _refresh(participant: Participant, *, saved: bool = False) -> None:
    """Announce the change. ``saved``: ``participant`` is the row as this transaction just wrote
    it, so receivers may read it instead of fetching it again."""
    participant_changed.send(
        sender=Participant, participant_id=participant.pk, saved=participant if saved else None
    )


# The fields ``full_clean`` checks with a query: references (does the row exist?) and unique
# values. No check constraint of Participant names them (excluding a field skips those too).
_CHECKED_BY_QUERY = [
    (f.name, f.attname) for f in Participant._meta.concrete_fields if f.is_relation or f.unique
]


@transaction.atomic
def participant_update(
    *,
    participant: Participant,
    by: User,
    personnummer: str | None = None,
    desired_occupations=None,
    desired_industries=None,
    adaptation_needs: list[dict] | None = None,
    languages: list[dict] | None = None,
    licences: list[Licence] | None = None,
    **data,
) -> Participant:
    ensure_can_edit(by, participant)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    place_before = (participant.home_locality, participant.postal_code, participant.municipality_id)
    stored = {name: getattr(participant, attname) for name, attname in _CHECKED_BY_QUERY}
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(participant, field, data[field])
    _set_identity(participant, personnummer, data)
    licences = _licences_and_driving(participant, data, licences)
    _validate(participant, data)
    _check_integrity(participant, data, by)
    if (
        participant.home_locality,
        participant.postal_code,
        participant.municipality_id,
    ) != place_before:
        _place(participant)
    # A reference or unique value the edit left as stored is not looked up again: the database
    # holds it under its constraint (three lookups and a uniqueness query of a 32-query edit).
    participant.full_clean(
        exclude=[
            name
            for name, attname in _CHECKED_BY_QUERY
            if getattr(participant, attname) == stored[name]
        ]
    )
    participant.save()
    if licences is not None:
        participant.licences.set(licences)
    if desired_occupations is not None:
        participant.desired_occupations.set(desired_occupations)
    if desired_industries is not None:
        participant.desired_industries.set(desired_industries)
    if adaptation_needs is not None:
        participant_set_adaptation_needs(participant=participant, by=by, needs=adaptation_needs)
    if languages is not None:
        participant_set_languages(participant=participant, by=by, languages=languages)
    _refresh(participant, saved=True)
    return participant


@transaction.atomic
def participant_skill_add(*, participant: Participant, by: User, **values) -> ParticipantSkill:
    """Add a skill; free text is normalised to the taxonomy, or kept as written when nothing matches.
    ``validated`` is set by OCN certificates, not typed by hand. Only the assigned guide (or an
    administrator) may: a skill counts in matching."""
    ensure_can_edit(by, participant)
    return _skill_add(participant=participant, by=by, **values)


def _skill_add(
    *,
    participant: Participant,
    by: User,
    skill: Skill | None = None,
    text: str = "",
    level: int = 2,
    source: str = SkillSource.SELF_REPORTED,
    assessed_on=None,
) -> ParticipantSkill:
    text = (text or "").strip()
    if skill is None and not text:
        raise ValidationError({"skill": _("Give a skill or type it.")})
    if source == SkillSource.VALIDATED and role_of(by) != Role.ADMIN:
        raise ValidationError(
            {"source": _("Validated skills come from OCN certificates and KGA assessments.")}
        )
    if skill is None:
        match = taxonomy.normalise_skill(text)
        skill = Skill.objects.get(pk=match.id) if match.matched else None
    row = ParticipantSkill(
        participant=participant,
        skill=skill,
        free_text=text if skill is None else "",
        level=level,
        source=source,
        assessed_on=assessed_on or timezone.localdate(),
    )
    row.full_clean()
    row.save()
    _refresh(participant)
    return row


@transaction.atomic
def participant_skill_update(
    *, row: ParticipantSkill, by: User, level: int | None = None, source: str | None = None
) -> ParticipantSkill:
    """Change a skill's level or source. Validated skills (from certificates) stay as they are
    unless an administrator changes them."""
    ensure_can_edit(by, row.participant)
    admin = role_of(by) == Role.ADMIN
    if not admin and SkillSource.VALIDATED in (row.source, source):
        raise ValidationError(
            {"source": _("Validated skills come from OCN certificates and KGA assessments.")}
        )
    if level is not None:
        row.level = level
    if source is not None:
        row.source = source
    row.full_clean()
    row.save()
    _refresh(row.participant)
    return row


@transaction.atomic
def participant_skill_remove(*, row: ParticipantSkill, by: User) -> None:
    ensure_can_edit(by, row.participant)
    if row.source == SkillSource.VALIDATED and role_of(by) != Role.ADMIN:
        raise ValidationError(
            {"source": _("Validated skills come from OCN certificates and KGA assessments.")}
        )
    participant = row.participant
    row.delete()
    _refresh(participant)


@transaction.atomic
def participant_set_adaptation_needs(
    *, participant: Participant, by: User, needs: list[dict]
) -> None:
    """Replace the needs: [{adaptation: Adaptation, description: str}]."""
    ensure_can_edit(by, participant)
    seen: set[int] = set()
    for item in needs:
        adaptation: Adaptation = item["adaptation"]
        if adaptation.pk in seen:
            raise ValidationError(
                {"adaptation_needs": _("“%(a)s” is listed twice.") % {"a": adaptation}}
            )
        if not adaptation.active:
            raise ValidationError(
                {"adaptation_needs": _("“%(a)s” is no longer in use.") % {"a": adaptation}}
            )
        seen.add(adaptation.pk)
    participant.adaptation_needs.all().delete()
    ParticipantAdaptationNeed.objects.bulk_create(
        [
            ParticipantAdaptationNeed(
                participant=participant,
                adaptation=i["adaptation"],
                description=i.get("description", ""),
            )
            for i in needs
        ]
    )
    announce_rows(Participant, [participant.pk])  # the engine reads the needs


@transaction.atomic
def participant_set_languages(*, participant: Participant, by: User, languages: list[dict]) -> None:
    ensure_can_edit(by, participant)
    participant.languages.all().delete()
    names = [i["language"].strip().capitalize() for i in languages]
    if len(set(names)) != len(names):
        raise ValidationError({"languages": _("A language is listed twice.")})
    ParticipantLanguage.objects.bulk_create(
        [
            ParticipantLanguage(participant=participant, language=n, level=i["level"])
            for n, i in zip(names, languages, strict=True)
        ]
    )


@transaction.atomic
def participant_set_phase(
    *,
    participant: Participant,
    phase: str,
    by: User | None,
    reason: str,
    on: dt.date | None = None,
) -> Participant:
    """Move the participant to another phase (finna → få → behålla → exited; back to finna when a
    job ends early). Records who, when and why. Back in matching counts from ``on`` (the day the
    job ended; today when not given); leaving finna again clears it, so an exited or re-employed
    participant is never also shown as back in matching (``matching.participants.selectors.participant_state``)."""
    if by is not None:
        ensure_can_edit(by, participant)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if phase not in PHASE_TRANSITIONS.get(participant.phase, set()):
        raise InvalidTransition(
            _("A participant cannot go from “%(a)s” to “%(b)s”.")
            % {
                "a": Phase(participant.phase).label,
                "b": Phase(phase).label if phase in Phase.values else phase,
            },
            field="phase",
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the phase changes.")})
    PhaseChange.objects.create(
        participant=participant, from_phase=participant.phase, to_phase=phase, reason=reason, by=by
    )
    if phase == Phase.FINNA and participant.phase in (Phase.FA, Phase.BEHALLA):
        participant.returned_to_matching_on = on or timezone.localdate()
    elif phase != Phase.FINNA:
        participant.returned_to_matching_on = None
    participant.phase = phase
    participant.active = phase != Phase.EXITED
    participant.save(update_fields=["phase", "returned_to_matching_on", "active", "updated_at"])
    return participant
