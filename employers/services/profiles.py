"""Task profiles (kravprofiler): create, update, status transitions, skills and requirements.
Every change is announced (``employers.signals.task_profile_changed``) for matching to refresh."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import taxonomy
from core.exceptions import InvalidTransition
from core.models import Adaptation, KgaCompetence, KgaScale, Licence, OcnModule, Skill, User
from employers.choices import PROFILE_TRANSITIONS, ProfileStatus
from employers.models import (
    Employer,
    TaskProfile,
    TaskProfileKgaRequirement,
    TaskProfileOcnRequirement,
    TaskProfileSkill,
)
from employers.services._shared import ensure_in_region, ensure_own_unit, set_fields
from employers.signals import task_profile_changed

PROFILE_FIELDS = (
    "title",
    "occupation",
    "kind",
    "description",
    "hours_min",
    "hours_max",
    "schedule_notes",
    "start_time",
    "end_time",
    "swedish_level",
    "physical_demands",
    "supervisor_available",
    "wage_subsidy_eligible",
    "slots_total",
    "period_start",
    "period_end",
    "site",
    "regional",
)


def validate_profile(profile: TaskProfile) -> None:
    errors = {}
    if (
        profile.hours_min is not None
        and profile.hours_max is not None
        and profile.hours_min > profile.hours_max
    ):
        errors["hours_min"] = _(
            "Minimum hours (%(min)s) cannot exceed maximum hours (%(max)s)."
        ) % {
            "min": profile.hours_min,
            "max": profile.hours_max,
        }
    if profile.start_time and profile.end_time and profile.end_time <= profile.start_time:
        errors["end_time"] = _("The working day must end after it starts.")
    if profile.period_start and profile.period_end and profile.period_end < profile.period_start:
        errors["period_end"] = _("The period cannot end before it starts.")
    if profile.slots_total is not None and profile.slots_total < profile.slots_taken:
        errors["slots_total"] = _("%(taken)s slots are already taken; there cannot be fewer.") % {
            "taken": profile.slots_taken
        }
    if profile.site_id and profile.site.employer_id != profile.employer_id:
        errors["site"] = _("The site belongs to another employer.")
    if profile.status == ProfileStatus.OPEN and (profile.slots_total or 0) < 1:
        errors["slots_total"] = _("An open profile needs at least one slot.")
    if errors:
        raise ValidationError(errors)


def _set_profile_skills(profile: TaskProfile, skills: list[dict]) -> None:
    """Each item: {skill (Skill)|text (str), weight 1–5, required bool, must bool}. Free text is
    normalised to the taxonomy; text that matches nothing is kept as written. A must-have skill is
    a required one that excludes whoever lacks it (``must`` implies ``required``)."""
    profile.skills.all().delete()
    rows = []
    for index, item in enumerate(skills):
        skill = item.get("skill")
        text = (item.get("text") or "").strip()
        if skill is None and not text:
            raise ValidationError({"skills": _("Skill %(n)s is empty.") % {"n": index + 1}})
        if skill is None:
            match = taxonomy.normalise_skill(text)
            skill = Skill.objects.get(pk=match.id) if match.matched else None
        row = TaskProfileSkill(
            profile=profile,
            skill=skill,
            free_text="" if skill is not None and not text else text,
            weight=item.get("weight", 3),
            required=bool(item.get("required", False) or item.get("must", False)),
            must=bool(item.get("must", False)),
        )
        row.full_clean(exclude=["profile"])
        rows.append(row)
    TaskProfileSkill.objects.bulk_create(rows)


def _set_requirements(
    profile: TaskProfile, ocn_modules: list[OcnModule] | None, kga: list[dict] | None
) -> None:
    if ocn_modules is not None:
        profile.ocn_requirements.all().delete()
        TaskProfileOcnRequirement.objects.bulk_create(
            [
                TaskProfileOcnRequirement(profile=profile, module=m)
                for m in dict.fromkeys(ocn_modules)
            ]
        )
    if kga is not None:
        scale = KgaScale.current()
        profile.kga_requirements.all().delete()
        seen: set[int] = set()
        rows = []
        for item in kga:
            competence: KgaCompetence = item["competence"]
            level = int(item["min_level"])
            if not scale.min_level <= level <= scale.max_level:
                raise ValidationError(
                    {
                        "kga_requirements": _("KGA levels go from %(lo)s to %(hi)s.")
                        % {"lo": scale.min_level, "hi": scale.max_level}
                    }
                )
            if competence.pk in seen:
                raise ValidationError(
                    {"kga_requirements": _("“%(c)s” is listed twice.") % {"c": competence}}
                )
            seen.add(competence.pk)
            rows.append(
                TaskProfileKgaRequirement(profile=profile, competence=competence, min_level=level)
            )
        TaskProfileKgaRequirement.objects.bulk_create(rows)


@transaction.atomic
def task_profile_create(
    *,
    employer: Employer,
    by: User,
    skills: list[dict] | None = None,
    offered_adaptations: Iterable[Adaptation] | None = None,
    ocn_modules: list[OcnModule] | None = None,
    kga_requirements: list[dict] | None = None,
    required_licences: Iterable[Licence] | None = None,
    **data,
) -> TaskProfile:
    """Create a profile as a draft; it goes live with ``task_profile_transition(to_status="open")``.
    The profile belongs to the creating coordinator's unit (several units of a region may offer
    profiles at one shared employer); ``regional=True`` opens it to the whole region."""
    ensure_in_region(by, employer)
    profile = TaskProfile(
        employer=employer, unit_id=by.unit_id or employer.unit_id, status=ProfileStatus.DRAFT
    )
    set_fields(profile, data, PROFILE_FIELDS)
    validate_profile(profile)
    profile.full_clean()
    profile.save()
    if offered_adaptations is not None:
        profile.offered_adaptations.set(offered_adaptations)
    _set_profile_skills(profile, skills or [])
    _set_requirements(profile, ocn_modules, kga_requirements)
    if required_licences is not None:
        profile.required_licences.set(required_licences)
    _refresh(profile)
    return profile


def _refresh(profile: TaskProfile) -> None:
    """Matching suggestions for this profile are recomputed in the background (coalesced): the
    change is announced, and matching (above this app) schedules the refresh in this transaction."""
    task_profile_changed.send(sender=TaskProfile, profile_id=profile.pk)


@transaction.atomic
def task_profile_update(
    *,
    profile: TaskProfile,
    by: User,
    skills: list[dict] | None = None,
    offered_adaptations: Iterable[Adaptation] | None = None,
    ocn_modules: list[OcnModule] | None = None,
    kga_requirements: list[dict] | None = None,
    required_licences: Iterable[Licence] | None = None,
    **data,
) -> TaskProfile:
    ensure_own_unit(by, profile.unit_id)
    if profile.status == ProfileStatus.CLOSED:
        raise InvalidTransition(_("A closed profile cannot be changed."))
    profile = TaskProfile.objects.select_for_update().get(pk=profile.pk)
    set_fields(profile, data, PROFILE_FIELDS)
    validate_profile(profile)
    profile.full_clean()
    profile.save()
    if offered_adaptations is not None:
        profile.offered_adaptations.set(offered_adaptations)
    if skills is not None:
        _set_profile_skills(profile, skills)
    _set_requirements(profile, ocn_modules, kga_requirements)
    if required_licences is not None:
        profile.required_licences.set(required_licences)
    _refresh(profile)
    return profile


@transaction.atomic
def task_profile_transition(
    *, profile: TaskProfile, to_status: str, by: User | None
) -> TaskProfile:
    """Change the status along the allowed paths only: draft → open → paused/filled → closed,
    paused/filled → open again; closed is final. ``by=None`` is the system (placements)."""
    if by is not None:
        ensure_own_unit(by, profile.unit_id)
    profile = TaskProfile.objects.select_for_update().get(pk=profile.pk)
    if to_status not in ProfileStatus.values:
        raise InvalidTransition(_("“%(s)s” is not a status.") % {"s": to_status})
    if to_status not in PROFILE_TRANSITIONS[profile.status]:
        raise InvalidTransition(
            _("A profile cannot go from “%(from)s” to “%(to)s”.")
            % {"from": ProfileStatus(profile.status).label, "to": ProfileStatus(to_status).label}
        )
    if to_status == ProfileStatus.OPEN:
        missing = [f for f in ("title", "site_id") if not getattr(profile, f)]
        if missing or profile.slots_total < 1:
            raise InvalidTransition(
                _("A profile needs a title, a site and at least one slot to open.")
            )
    profile.status = to_status
    profile.status_changed_at = timezone.now()
    profile.status_changed_by = by
    profile.save(update_fields=["status", "status_changed_at", "status_changed_by", "updated_at"])
    _refresh(profile)
    return profile
