"""Projects: services (create a project, enrol a participant, record a start in work or studies)
and the selectors the pages and the API share. Who may do what:

* a project is created by a manager of its unit (or an administrator);
* a participant is enrolled, and a start recorded, by a guide or manager of the participant's unit
  (or an administrator), in a project of that same unit;
* staff of the unit (guides, coordinators, managers) see the unit's projects; nobody else does.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import Role
from core.exceptions import Forbidden
from core.models import Unit, User
from core.roles import role_of
from matching.models import Participant
from placements.choices import ProjectTargetGroup, StartKind
from placements.projects.models import ParticipantStart, Project, ProjectEnrolment

PROJECT_MANAGERS = (Role.MANAGER, Role.ADMIN)
ENROLLERS = (Role.GUIDE, Role.MANAGER, Role.ADMIN)


def _same_unit(by: User, unit_id: int | None) -> bool:
    role = role_of(by)
    return role == Role.ADMIN or (bool(by.unit_id) and by.unit_id == unit_id)


@transaction.atomic
def project_create(
    *,
    by: User,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    funder: str = "",
    target_groups: list[str] | None = None,
    unit: Unit | None = None,
) -> Project:
    """A manager creates a project of their own unit (administrators name the unit)."""
    if role_of(by) not in PROJECT_MANAGERS:
        raise Forbidden(_("Only the unit's managers may create projects."))
    unit_id = unit.pk if unit is not None else by.unit_id
    if not unit_id or not _same_unit(by, unit_id):
        raise Forbidden(_("You can only create projects for your own unit."))
    groups = list(dict.fromkeys(target_groups or []))
    bad = [g for g in groups if g not in ProjectTargetGroup.values]
    if bad:
        raise ValidationError(
            {"target_groups": _("Unknown target groups: %(v)s.") % {"v": ", ".join(bad)}}
        )
    project = Project(
        unit_id=unit_id,
        name=(name or "").strip(),
        funder=(funder or "").strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        target_groups=groups,
    )
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The project cannot end before it starts.")})
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_enrol(
    *,
    by: User,
    project: Project,
    participant: Participant,
    started_on: dt.date,
    ended_on: dt.date | None = None,
) -> ProjectEnrolment:
    """Enrol a participant in a project of their unit, for a window inside the project's period."""
    if role_of(by) not in ENROLLERS or not _same_unit(by, participant.unit_id):
        raise Forbidden(_("Only the unit's guides and managers may enrol participants."))
    if project.unit_id != participant.unit_id:
        raise ValidationError({"project": _("Choose a project of the participant's unit.")})
    errors = {}
    if not project.starts_on <= started_on <= project.ends_on:
        errors["started_on"] = _("The enrolment must start within the project (%(s)s – %(e)s).") % {
            "s": project.starts_on,
            "e": project.ends_on,
        }
    if ended_on is not None:
        if ended_on < started_on:
            errors["ended_on"] = _("The enrolment cannot end before it starts.")
        elif ended_on > project.ends_on:
            errors["ended_on"] = _("The enrolment cannot end after the project (%(e)s).") % {
                "e": project.ends_on
            }
    if ProjectEnrolment.objects.filter(project=project, participant=participant).exists():
        errors["project"] = _("The participant is already enrolled in this project.")
    if errors:
        raise ValidationError(errors)
    enrolment = ProjectEnrolment(
        project=project,
        participant=participant,
        started_on=started_on,
        ended_on=ended_on,
        by=by,
    )
    enrolment.full_clean(exclude=["project", "participant", "by"])
    enrolment.save()
    return enrolment


@transaction.atomic
def participant_start_record(
    *, by: User, participant: Participant, kind: str, started_on: dt.date, note: str = ""
) -> ParticipantStart:
    """Record a start in work, studies or a labour-market programme (not a placement of ours)."""
    if role_of(by) not in ENROLLERS or not _same_unit(by, participant.unit_id):
        raise Forbidden(_("Only the unit's guides and managers may record starts."))
    if kind not in StartKind.values:
        raise ValidationError(
            {"kind": _("Choose one of: %(o)s.") % {"o": ", ".join(StartKind.values)}}
        )
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": _("A start cannot be recorded in the future.")})
    if started_on < participant.enrolled_on:
        raise ValidationError({"started_on": _("The start cannot be before the enrolment.")})
    start = ParticipantStart(
        participant=participant, kind=kind, started_on=started_on, note=(note or "").strip(), by=by
    )
    start.full_clean(exclude=["participant", "by"])
    start.save()
    return start


# --- selectors ------------------------------------------------------------------------------------


def projects_for(user: User):
    return Project.objects.visible_to(user).select_related("unit")


def enrolments_of(participant: Participant):
    return participant.project_enrolments.select_related("project").order_by("started_on", "pk")


def starts_of(participant: Participant):
    return participant.starts.order_by("-started_on", "-pk")
