"""Reads of the participant side that other parts (matching, portal) rely on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace

from core.compiled import CompiledRows
from matching.choices import OcnStatus, ParticipantState, Phase
from matching.models import (
    Consent,
    KgaAssessment,
    KgaScore,
    OcnCase,
    Participant,
    ParticipantAdaptationNeed,
    ParticipantLanguage,
    ParticipantSkill,
)


def latest_kga_levels(participant_ids: Iterable[int]) -> dict[int, dict[int, int]]:
    """participant id → {competence id: level} from each competence's latest assessment."""
    result: dict[int, dict[int, int]] = {}
    rows = (
        KgaScore.objects.filter(assessment__participant_id__in=list(participant_ids))
        .order_by("assessment__assessed_on", "assessment__pk")
        .values_list("assessment__participant_id", "competence_id", "level")
    )
    for pid, competence_id, level in rows:
        result.setdefault(pid, {})[competence_id] = (
            level  # later assessments overwrite earlier ones
        )
    return result


def ocn_cases_awaiting_internal_qa(user):
    """The internal quality assurer's worklist: OCN cases that are assessed (the step that needs
    internal QA next) of the participants of the units the user is named quality assurer for
    (an administrator: their own unit), oldest assessment first. A case the user assessed is left
    out: someone else must assure it."""
    from core.choices import Role
    from core.roles import role_of
    from matching.models import Participant, QualityAssurer

    if not getattr(user, "is_authenticated", False):
        return OcnCase.objects.none()
    if role_of(user) == Role.ADMIN:
        units = [user.unit_id] if user.unit_id else []
    else:
        # Asked of the database, not the user's kept fact: a grant made with this very user object
        # shows at once (the menu's count uses the kept fact, which a grant forgets).
        units = QualityAssurer.objects.filter(user=user, unit_id=user.unit_id).values("unit_id")
    return (
        OcnCase.objects.filter(
            status=OcnStatus.ASSESSED,
            participant__unit_id__in=units,
            participant__in=Participant.objects.visible_to(user),
        )
        .exclude(assessor=user)
        .order_by("assessed_on", "pk")
    )


@dataclass(frozen=True)
class StateView:
    """The participant's one state: its code, its label, since when (if known) and why (paused)."""

    code: str
    label: str
    since: dt.date | None = None
    reason: str = ""

    @property
    def tone(self) -> str:
        """The badge colour the pages give it."""
        return {
            ParticipantState.IN_MATCHING: "ok",
            ParticipantState.BACK_IN_MATCHING: "warn",
            ParticipantState.PAUSED: "warn",
        }.get(self.code, "")

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "label": self.label,
            "since": self.since.isoformat() if self.since else None,
            "reason": self.reason,
        }


def participant_state(participant) -> StateView:
    """The one place that decides the participant's state, read from the stored fields only (no
    query, so a list of a hundred participants costs nothing more). Exited wins over everything;
    a paused participant is paused whatever happened before; back in matching is only while in
    finna after an employment ended early."""
    if participant.phase == Phase.EXITED:
        return StateView(ParticipantState.EXITED, str(ParticipantState.EXITED.label))
    if not participant.active:
        return StateView(
            ParticipantState.PAUSED,
            str(ParticipantState.PAUSED.label),
            reason=participant.paused_reason or "",
        )
    if participant.phase == Phase.FINNA and participant.returned_to_matching_on:
        return StateView(
            ParticipantState.BACK_IN_MATCHING,
            str(ParticipantState.BACK_IN_MATCHING.label),
            since=participant.returned_to_matching_on,
        )
    return StateView(ParticipantState.IN_MATCHING, str(ParticipantState.IN_MATCHING.label))


_ENDED = CompiledRows(
    lambda ids: (
        Participant.objects.filter(
            pk__in=ids,
            placements__status="ended",
            placements__withdraw_reason="",
            placements__ended_on__isnull=False,
        )
        .values_list("pk", "placements__task_profile__employer_id", "placements__ended_on")
        .order_by()
    ),
    ids=[],
)


def ended_collaborations(participant_ids: Iterable[int]) -> dict[int, dict[int, dt.date]]:
    """participant id → {employer id: the latest day a placement there ended}. Only placements
    that were agreed or under way count (a withdrawn proposal never began). Read through the
    participant's own relation, so matching needs nothing from the placements app: rematching
    after an early end uses it to mark the employer that just ended it. Every matches request
    asks: compiled once (``core.compiled``)."""
    result: dict[int, dict[int, dt.date]] = {}
    for pid, employer_id, ended_on in _ENDED.rows(ids=list(participant_ids)):
        seen = result.setdefault(pid, {})
        if employer_id not in seen or ended_on > seen[employer_id]:
            seen[employer_id] = ended_on
    return result


def is_quality_assurer(user) -> bool:
    """Whether the user is named internal quality assurer for their own unit. Kept on the user
    object (and with the cached signed-in user, ``core.security.user_cache``): the menu asks on
    every page. A change to the named quality assurers forgets the users it concerns."""
    from matching.models import QualityAssurer

    if not getattr(user, "is_authenticated", False) or not user.unit_id:
        return False
    known = getattr(user, "_brygga_qa", None)
    if known is None or known[0] != user.unit_id:
        known = (
            user.unit_id,
            QualityAssurer.objects.filter(user=user, unit_id=user.unit_id).exists(),
        )
        user._brygga_qa = known
    return known[1]


def _quality_assurers_changed(sender, instance, **kwargs) -> None:
    from core.security.user_cache import forget_users

    forget_users([instance.user_id])


def connect_user_facts() -> None:
    from django.db.models.signals import post_delete, post_save

    from core.security.user_cache import USER_FACTS
    from matching.models import QualityAssurer

    if is_quality_assurer not in USER_FACTS:
        USER_FACTS.append(is_quality_assurer)
    post_save.connect(
        _quality_assurers_changed, sender=QualityAssurer, dispatch_uid="brygga-qa-user-cache"
    )
    post_delete.connect(
        _quality_assurers_changed, sender=QualityAssurer, dispatch_uid="brygga-qa-user-cache-del"
    )


def _wishes_query(participant):
    from django.db.models import CharField, F, IntegerField, Value
    from django.db.models.functions import Concat

    text = CharField()
    occupations = Participant.desired_occupations.through.objects.filter(
        participant_id=participant
    ).values_list(
        Value("o", output_field=text),
        F("occupation__label"),
        Value("", output_field=text),
        Value("", output_field=text),
        Value(0, output_field=IntegerField()),
    )
    industries = Participant.desired_industries.through.objects.filter(
        participant_id=participant
    ).values_list(
        Value("i", output_field=text),
        Concat(F("industry__code"), Value(" "), F("industry__label"), output_field=text),
        Value("", output_field=text),
        Value("", output_field=text),
        Value(0, output_field=IntegerField()),
    )
    licences = Participant.licences.through.objects.filter(participant_id=participant).values_list(
        Value("l", output_field=text),
        F("licence__label"),
        F("licence__label_en"),
        F("licence__kind"),
        F("licence__order"),
    )
    return occupations.union(industries, licences, all=True)


_WISHES = CompiledRows(_wishes_query, participant=None)


def wishes_and_licences(participant) -> dict[str, list[str]]:
    """The wished occupations and industries and the licences held, as the card names them, in
    one query compiled once (issue 22): three small lists that would cost a query each."""
    from django.utils import translation

    english = (translation.get_language() or "").startswith("en")
    rows = sorted(_WISHES.rows(participant=participant.pk))
    licence_rows = sorted((r for r in rows if r[0] == "l"), key=lambda r: (r[3], r[4], r[1]))
    return {
        "occupations": [r[1] for r in rows if r[0] == "o"],
        "industries": [r[1] for r in rows if r[0] == "i"],
        "licences": [(r[2] if english and r[2] else r[1]) for r in licence_rows],
    }


# --- the participant page's card: each section one compiled read (issue 22) --------------------


def _choice(choices, value) -> str:
    """``get_FOO_display``: the label of a stored code, the code itself when it is unknown."""
    return str(dict(choices.choices).get(value, value))


_SKILLS = CompiledRows(
    lambda participant: (
        ParticipantSkill.objects.filter(participant_id=participant)
        .order_by("pk")
        .values_list("skill_id", "skill__label", "free_text", "source", "level")
    ),
    participant=None,
)
_NEEDS = CompiledRows(  # in the vocabulary's order, as the needs form lists them
    lambda participant: (
        ParticipantAdaptationNeed.objects.filter(participant_id=participant)
        .order_by("adaptation__category", "adaptation__label", "pk")
        .values_list("adaptation__label", "description")
    ),
    participant=None,
)
_LANGUAGES = CompiledRows(
    lambda participant: (
        ParticipantLanguage.objects.filter(participant_id=participant)
        .order_by("pk")
        .values_list("language", "level")
    ),
    participant=None,
)
_OCN = CompiledRows(
    lambda participant: OcnCase.objects.filter(participant_id=participant).values_list(
        "pk", "module__programme__name", "module__name", "status", "level"
    ),
    participant=None,
)
_KGA = CompiledRows(
    lambda participant: KgaAssessment.objects.filter(participant_id=participant).values_list(
        "pk", "assessed_on", "assessor__first_name", "assessor__last_name"
    )[:1],
    participant=None,
)
_KGA_SCORES = CompiledRows(
    lambda assessment: (
        KgaScore.objects.filter(assessment_id=assessment)
        .order_by("pk")
        .values_list("competence__name", "level")
    ),
    assessment=None,
)
_CONSENTS = CompiledRows(
    lambda participant: Consent.objects.filter(participant_id=participant).values_list(
        "pk",
        "employer__name",
        "agency",
        "scopes",
        "given_on",
        "valid_until",
        "withdrawn_on",
        "withdrawn_by_participant",
    ),
    participant=None,
)


def participant_card(participant) -> dict[str, list[SimpleNamespace]]:
    """What the participant page's cards list — skills, adaptation needs, languages, OCN cases,
    the latest KGA assessment and consents — as plain rows, each section one read compiled once
    (``core.compiled``): model instances with their related rows cost the page more than the
    database did. Callers have checked that the user may see the participant; what they may see
    of it (a need's description) is still the template's to decide."""
    from matching.choices import LanguageLevel, SkillSource

    pk = participant.pk
    kga = []
    for assessment, assessed_on, first, last in _KGA.rows(participant=pk):
        kga.append(
            SimpleNamespace(
                assessed_on=assessed_on,
                assessor_name=" ".join(n for n in (first, last) if n).strip(),
                scores=[
                    SimpleNamespace(competence=name, level=level)
                    for name, level in _KGA_SCORES.rows(assessment=assessment)
                ],
            )
        )
    return {
        "skills": [
            SimpleNamespace(
                name=label if skill_id else text,
                source=source,
                source_label=_choice(SkillSource, source),
                level=level,
            )
            for skill_id, label, text, source, level in _SKILLS.rows(participant=pk)
        ],
        "needs": [
            SimpleNamespace(adaptation=label, description=description)
            for label, description in _NEEDS.rows(participant=pk)
        ],
        "languages": [
            SimpleNamespace(language=language, level_label=_choice(LanguageLevel, level))
            for language, level in _LANGUAGES.rows(participant=pk)
        ],
        "ocn_cases": [
            SimpleNamespace(
                pk=case,
                programme=programme,
                module=module,
                status=status,
                status_label=_choice(OcnStatus, status),
                level=level,
            )
            for case, programme, module, status, level in _OCN.rows(participant=pk)
        ],
        "kga": kga,
        "consents": [
            SimpleNamespace(
                pk=consent,
                employer_name=employer,
                agency=agency,
                scopes=scopes,
                given_on=given_on,
                valid_until=valid_until,
                withdrawn_on=withdrawn_on,
                withdrawn_by_participant=by_participant,
            )
            for (
                consent,
                employer,
                agency,
                scopes,
                given_on,
                valid_until,
                withdrawn_on,
                by_participant,
            ) in _CONSENTS.rows(participant=pk)
        ],
    }
