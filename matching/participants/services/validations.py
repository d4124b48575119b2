"""OCN validation workflow and KGA assessments."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import Role
from core.exceptions import Forbidden, InvalidTransition, NotAllowed
from core.models import KgaCompetence, KgaScale, OcnModule, Unit, User
from core.roles import role_of
from matching.choices import OCN_ORDER, OcnStatus, SkillSource
from matching.models import (
    KgaAssessment,
    KgaScore,
    OcnCase,
    OcnCaseEvent,
    Participant,
    ParticipantSkill,
    QualityAssurer,
)
from matching.participants.services.participants import can_edit, ensure_can_edit


def is_quality_assurer(user: User, unit_id: int) -> bool:
    """Administrators, and staff an administrator named internal quality assurer of the unit."""
    if role_of(user) == Role.ADMIN:
        return True
    return (
        user.is_authenticated
        and user.unit_id == unit_id
        and QualityAssurer.objects.filter(unit_id=unit_id, user=user).exists()
    )


def may_advance(user: User, case: OcnCase, to_status: str) -> bool:
    """Who may take a case to ``to_status``: internal QA by a quality assurer of the unit (never
    the assessor — checked in the service with its own message); every other step by the
    participant's own guide or an administrator."""
    if to_status == OcnStatus.INTERNALLY_ASSURED:
        return is_quality_assurer(user, case.participant.unit_id)
    return can_edit(user, case.participant)


@transaction.atomic
def quality_assurer_grant(*, unit: Unit, user: User, by: User) -> QualityAssurer:
    """An administrator names a staff member of the unit internal quality assurer."""
    if role_of(by) != Role.ADMIN:
        raise NotAllowed(_("Only an administrator names internal quality assurers."))
    if user.unit_id != unit.pk or role_of(user) not in (
        Role.GUIDE,
        Role.COORDINATOR,
        Role.MANAGER,
        Role.ADMIN,
    ):
        raise ValidationError({"user": _("Choose a staff member of the unit.")})
    if QualityAssurer.objects.filter(unit=unit, user=user).exists():
        raise ValidationError({"user": _("This person is already an internal quality assurer.")})
    row = QualityAssurer(unit=unit, user=user, granted_by=by)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def quality_assurer_revoke(*, row: QualityAssurer, by: User) -> None:
    if role_of(by) != Role.ADMIN:
        raise NotAllowed(_("Only an administrator names internal quality assurers."))
    row.delete()


@transaction.atomic
def ocn_case_register(*, participant: Participant, module: OcnModule, by: User) -> OcnCase:
    ensure_can_edit(by, participant)
    if OcnCase.objects.filter(participant=participant, module=module).exists():
        raise ValidationError({"module": _("The participant already has a case for this module.")})
    case = OcnCase(participant=participant, module=module)
    case.full_clean()
    case.save()
    OcnCaseEvent.objects.create(
        case=case,
        from_status=OcnStatus.REGISTERED,
        to_status=OcnStatus.REGISTERED,
        by=by,
        reason=_("Registered"),
    )
    return case


def _require(value, field: str, message: str) -> None:
    if value in (None, ""):
        raise ValidationError({field: message})


@transaction.atomic
def ocn_case_advance(
    *,
    case: OcnCase,
    to_status: str,
    by: User,
    evidence: str = "",
    date: dt.date | None = None,
    external_verifier: str = "",
    certificate_number: str = "",
    level: int | None = None,
) -> OcnCase:
    """Take the case one step forward; only the next step is allowed.

    assessed: the signed-in user is the assessor, with evidence; internally_assured: by someone other
    than the assessor; externally_verified: names the external verifier; certified: the certificate
    number and level — and the module's competences become validated skills of the participant.
    """
    case = OcnCase.objects.select_for_update().select_related("participant").get(pk=case.pk)
    if to_status == OcnStatus.INTERNALLY_ASSURED and by.pk == case.assessor_id:
        raise ValidationError(
            {
                "internal_qa_by": _(
                    "Internal quality assurance must be done by someone other than the assessor."
                )
            }
        )
    if not may_advance(by, case, to_status):
        raise Forbidden(
            _("Only an internal quality assurer of the unit may quality-assure a case.")
            if to_status == OcnStatus.INTERNALLY_ASSURED
            else _("Only the participant's own job guide may change this.")
        )
    current = OCN_ORDER.index(OcnStatus(case.status))
    if (
        to_status not in OcnStatus.values
        or current + 1 >= len(OCN_ORDER)
        or OCN_ORDER[current + 1] != to_status
    ):
        expected = OCN_ORDER[current + 1].label if current + 1 < len(OCN_ORDER) else None
        raise InvalidTransition(
            _("The case is “%(now)s”; the next step is “%(next)s”.")
            % {"now": OcnStatus(case.status).label, "next": expected}
            if expected
            else _("The certificate is already issued."),
            field="status",
        )
    date = date or timezone.localdate()
    if to_status == OcnStatus.ASSESSED:
        _require(evidence.strip(), "evidence", _("Describe the evidence the assessment rests on."))
        if level is not None:
            _check_level(case, level)
            case.level = level  # the assessed level; the certificate keeps it unless told otherwise
        case.assessor, case.assessed_on, case.evidence = by, date, evidence
    elif to_status == OcnStatus.INTERNALLY_ASSURED:
        if by.pk == case.assessor_id:
            raise ValidationError(
                {
                    "internal_qa_by": _(
                        "Internal quality assurance must be done by someone other than the assessor."
                    )
                }
            )
        case.internal_qa_by, case.internal_qa_on = by, date
    elif to_status == OcnStatus.EXTERNALLY_VERIFIED:
        _require(external_verifier.strip(), "external_verifier", _("Name the external verifier."))
        case.external_verifier, case.verified_on = external_verifier, date
    elif to_status == OcnStatus.CERTIFIED:
        _require(
            certificate_number.strip(), "certificate_number", _("Give the certificate number.")
        )
        if (
            OcnCase.objects.filter(certificate_number=certificate_number)
            .exclude(pk=case.pk)
            .exists()
        ):
            raise ValidationError(
                {"certificate_number": _("This certificate number is already used.")}
            )
        level = level or case.level or case.module.level
        _check_level(case, level)
        case.certificate_number, case.certificate_issued_on, case.level = (
            certificate_number,
            date,
            level,
        )
    event = OcnCaseEvent(case=case, from_status=case.status, to_status=to_status, by=by)
    case.status = to_status
    case.full_clean()
    case.save()
    event.save()
    if to_status == OcnStatus.CERTIFIED:
        _validate_module_skills(case)
    return case


def _check_level(case: OcnCase, level: int) -> None:
    if level not in (1, 2, 3):
        raise ValidationError({"level": _("OCN levels are 1, 2 and 3.")})
    if level > case.module.level:
        raise ValidationError(
            {
                "level": _("The module is at level %(m)s; it cannot be certified above it.")
                % {"m": case.module.level}
            }
        )


def _validate_module_skills(case: OcnCase) -> None:
    level = {1: 2, 2: 3, 3: 4}[case.level]
    for skill in case.module.skills.all():
        ParticipantSkill.objects.create(
            participant=case.participant,
            skill=skill,
            level=level,
            source=SkillSource.VALIDATED,
            assessed_on=case.certificate_issued_on,
        )


@transaction.atomic
def ocn_case_reject(*, case: OcnCase, by: User, reason: str) -> OcnCase:
    """A check failed: the case goes back one step, with the reason. The quality assurer may
    send an assessment back; everything else is the guide's (or an administrator's)."""
    case = OcnCase.objects.select_for_update().select_related("participant").get(pk=case.pk)
    reviewer = case.status == OcnStatus.ASSESSED and is_quality_assurer(
        by, case.participant.unit_id
    )
    if not reviewer:
        ensure_can_edit(by, case.participant)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
    if case.status in (OcnStatus.REGISTERED, OcnStatus.CERTIFIED):
        raise InvalidTransition(_("Only an assessment or a check can be rejected."), field="status")
    back = OCN_ORDER[OCN_ORDER.index(OcnStatus(case.status)) - 1]
    event = OcnCaseEvent(
        case=case, from_status=case.status, to_status=back, rejected=True, reason=reason, by=by
    )
    if case.status == OcnStatus.ASSESSED:
        case.assessor, case.assessed_on, case.level = None, None, None
    elif case.status == OcnStatus.INTERNALLY_ASSURED:
        case.internal_qa_by, case.internal_qa_on = None, None
    elif case.status == OcnStatus.EXTERNALLY_VERIFIED:
        case.external_verifier, case.verified_on = "", None
    case.status = back
    case.save()
    event.save()
    return case


def trade_certificate_complete(participant: Participant, programme) -> bool:
    """All mandatory modules of the programme plan certified → the trade certificate (yrkesbevis)."""
    mandatory = set(programme.modules.filter(mandatory=True).values_list("pk", flat=True))
    certified = set(
        OcnCase.objects.filter(
            participant=participant, status=OcnStatus.CERTIFIED, module__programme=programme
        ).values_list("module_id", flat=True)
    )
    return bool(mandatory) and mandatory <= certified


@transaction.atomic
def kga_assessment_record(
    *,
    participant: Participant,
    by: User,
    scores: list[dict],
    assessed_on: dt.date | None = None,
    comment: str = "",
) -> KgaAssessment:
    """Record levels per competence ({competence, level}); each level within the configured scale."""
    ensure_can_edit(by, participant)
    scale = KgaScale.current()
    if not scores:
        raise ValidationError({"scores": _("Give a level for at least one competence.")})
    seen: set[int] = set()
    for item in scores:
        competence: KgaCompetence = item["competence"]
        if competence.pk in seen:
            raise ValidationError({"scores": _("“%(c)s” is listed twice.") % {"c": competence}})
        seen.add(competence.pk)
        if not scale.min_level <= item["level"] <= scale.max_level:
            raise ValidationError(
                {
                    "scores": _("Levels go from %(lo)s to %(hi)s.")
                    % {"lo": scale.min_level, "hi": scale.max_level}
                }
            )
    if assessed_on and assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("An assessment cannot be dated in the future.")})
    assessment = KgaAssessment.objects.create(
        participant=participant,
        assessor=by,
        assessed_on=assessed_on or timezone.localdate(),
        comment=comment,
    )
    KgaScore.objects.bulk_create(
        [
            KgaScore(assessment=assessment, competence=i["competence"], level=i["level"])
            for i in scores
        ]
    )
    return assessment
