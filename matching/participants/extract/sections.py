"""The register extract (registerutdrag, GDPR art. 15): everything held on one participant as a
document a person can read — sections of labelled fields and tables, choice labels instead of
codes, names instead of ids, no internal ids. The page, the XLSX and the JSON are all rendered
from ``participant_extract``; only the formatting of a value differs (``value_text`` for people,
``value_json`` for machines).

Matching builds the sections it and the apps below it own (identity, profile, skills and
validations, consents, the contact log entries naming the participant, progression, the audit
log). A higher app adds its own section through ``register_extract_section`` from its
``AppConfig.ready`` (placements adds placements and follow-ups), as it does for erasure in
``matching.participants.retention``: matching never imports placements."""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain

from auditlog.models import LogEntry
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.together import ReadTogether
from matching.choices import CommuteMeans, ConsentScope, Weekday
from matching.models import Participant
from matching.participants.extract.document import (
    Extract,
    Field,
    Section,
    Table,
    choice_labels,
    fields_of,
    is_empty,
    person,
    table,
)

# --- the sections -------------------------------------------------------------------------------


def _identity(p: Participant, rows: dict) -> Section:
    fields = fields_of(
        p,
        [
            "code",
            "first_name",
            "last_name",
            "personnummer",
            "is_coordination_number",
            "gender",
            "birth_year",
            "home_address",
            "postal_code",
            "home_locality",
            "municipality",
            "unit",
            "guide",
            "enrolled_on",
            "phase",
            "active",
            "returned_to_matching_on",
            "imported",
        ],
        values={
            "guide": person(p.guide),
            "is_coordination_number": p.is_coordination_number or None,
            "imported": p.imported or None,
        },
    )
    if p.latitude is not None and p.longitude is not None:
        fields.append(
            Field(
                "home_coordinates",
                _("Home location (coordinates)"),
                f"{p.latitude:.4f}, {p.longitude:.4f} ({p.get_coordinate_precision_display()})",
            )
        )
    fields.append(Field("created_at", _("Registered in Brygga"), p.created_at))
    return Section("identity", _("Identity and contact details"), fields=fields)


def _profile_reads(p: Participant) -> dict:
    return {
        "occupations": p.desired_occupations.all(),
        "industries": p.desired_industries.all(),
        "licences": p.licences.all(),
        "languages": p.languages.all(),
        "adaptation_needs": p.adaptation_needs.select_related("adaptation"),
        "phase_changes": p.phase_changes.select_related("by"),
    }


def _profile(p: Participant, rows: dict) -> Section:
    fields = fields_of(
        p,
        [
            "newly_arrived",
            "long_term_unemployed",
            "reduced_work_capacity",
            "returning_from_sick_leave",
            "swedish_level",
            "education_level",
            "commute_max_km",
            "commute_max_minutes",
            "commute_means",
            "has_driving_licence",
            "has_car",
            "hours_min",
            "hours_max",
            "available_days",
            "support_needs",
            "goals",
            "paused_reason",
            "regional_matching",
            "sus_employment_before",
            "sus_income_before",
            "sus_employment_after",
            "sus_income_after",
            "sus_exit_reason",
        ],
        values={
            "commute_means": choice_labels(p.commute_means, CommuteMeans.choices),
            "available_days": choice_labels(p.available_days, Weekday.choices),
        },
    )
    fields.append(
        Field(
            "desired_occupations",
            _("Desired occupations"),
            [o.label for o in rows["occupations"]],
        )
    )
    fields.append(
        Field(
            "desired_industries",
            _("Desired industries"),
            [str(i) for i in rows["industries"]],
        )
    )
    fields.append(
        Field("licences", _("Licences and legitimations"), [x.label for x in rows["licences"]])
    )
    fields = [f for f in fields if not is_empty(f.value)]
    from matching.models import ParticipantAdaptationNeed, ParticipantLanguage, PhaseChange

    tables = [
        table(
            "languages",
            _("Languages"),
            ParticipantLanguage,
            ["language", "level"],
            ((lang.language, lang.get_level_display()) for lang in rows["languages"]),
        ),
        table(
            "adaptation_needs",
            _("Adaptation needs"),
            ParticipantAdaptationNeed,
            [("adaptation", _("Adaptation")), "description"],
            ((str(n.adaptation), n.description) for n in rows["adaptation_needs"]),
        ),
        table(
            "phase_changes",
            _("Phase history"),
            PhaseChange,
            [
                ("at", _("Date")),
                ("from_phase", _("From phase")),
                ("to_phase", _("To phase")),
                "reason",
                ("by", _("By")),
            ],
            (
                (c.at, c.get_from_phase_display(), c.get_to_phase_display(), c.reason, person(c.by))
                for c in rows["phase_changes"]
            ),
        ),
    ]
    return Section("profile", _("Profile and needs"), fields=fields, tables=tables)


def _validations_reads(p: Participant) -> dict:
    from matching.models import KgaScore, OcnCaseEvent

    return {
        "skills": p.skills.select_related("skill"),
        "cases": p.ocn_cases.select_related(
            "module__programme", "assessor", "internal_qa_by"
        ).order_by("registered_on", "pk"),
        "events": OcnCaseEvent.objects.filter(case__participant=p).select_related(
            "case__module__programme", "by"
        ),
        "scores": KgaScore.objects.filter(assessment__participant=p)
        .select_related("assessment__assessor", "competence")
        .order_by("assessment__assessed_on", "assessment__pk", "competence__pk"),
    }


def _validations(p: Participant, rows: dict) -> Section:
    from matching.models import KgaScore, OcnCase, OcnCaseEvent, ParticipantSkill

    cases, events, scores = rows["cases"], rows["events"], rows["scores"]
    status = dict(OcnCase._meta.get_field("status").choices)
    return Section(
        "validations",
        _("Skills and validations (OCN, KGA)"),
        tables=[
            table(
                "skills",
                _("Skills"),
                ParticipantSkill,
                [("skill", _("Skill")), "level", "source", "assessed_on"],
                ((str(s), s.level, s.get_source_display(), s.assessed_on) for s in rows["skills"]),
            ),
            table(
                "ocn_cases",
                _("OCN validations"),
                OcnCase,
                [
                    ("module", _("OCN module")),
                    "status",
                    "registered_on",
                    ("assessor", _("Assessor")),
                    "assessed_on",
                    "evidence",
                    ("internal_qa_by", _("Internal quality assurer")),
                    "internal_qa_on",
                    "external_verifier",
                    "verified_on",
                    "certificate_number",
                    "certificate_issued_on",
                    "level",
                ],
                (
                    (
                        str(c.module),
                        c.get_status_display(),
                        c.registered_on,
                        person(c.assessor),
                        c.assessed_on,
                        c.evidence,
                        person(c.internal_qa_by),
                        c.internal_qa_on,
                        c.external_verifier,
                        c.verified_on,
                        c.certificate_number,
                        c.certificate_issued_on,
                        c.level,
                    )
                    for c in cases
                ),
            ),
            table(
                "ocn_events",
                _("OCN validation steps"),
                OcnCaseEvent,
                [
                    ("at", _("Date")),
                    ("module", _("OCN module")),
                    ("from_status", _("From")),
                    ("to_status", _("To")),
                    ("rejected", _("Sent back")),
                    ("reason", _("Reason")),
                    ("by", _("By")),
                ],
                (
                    (
                        e.at,
                        str(e.case.module),
                        str(status.get(e.from_status, e.from_status)),
                        str(status.get(e.to_status, e.to_status)),
                        e.rejected,
                        e.reason,
                        person(e.by),
                    )
                    for e in events
                ),
            ),
            table(
                "kga",
                _("KGA assessments"),
                KgaScore,
                [
                    ("assessed_on", _("Date")),
                    ("assessor", _("Assessor")),
                    ("competence", _("KGA competence")),
                    "level",
                    ("comment", _("Comment")),
                ],
                (
                    (
                        s.assessment.assessed_on,
                        person(s.assessment.assessor),
                        s.competence.name,
                        s.level,
                        s.assessment.comment,
                    )
                    for s in scores
                ),
            ),
        ],
    )


def _consents_reads(p: Participant) -> dict:
    from matching.models import ConsentInvitation

    return {
        "consents": p.consents.select_related("employer", "witness", "recorded_by", "withdrawn_by"),
        "invitations": ConsentInvitation.objects.filter(participant=p).order_by("created_at", "pk"),
    }


def _consents(p: Participant, rows: dict) -> Section:
    from matching.models import Consent, ConsentInvitation

    consents, invitations = rows["consents"], rows["invitations"]
    return Section(
        "consents",
        _("Consents"),
        tables=[
            table(
                "consents",
                _("Consents"),
                Consent,
                [
                    ("recipient", _("Recipient")),
                    "recipient_kind",
                    "purpose",
                    "scopes",
                    "given_on",
                    "method",
                    "witness",
                    "wording_version",
                    "valid_until",
                    "withdrawn_on",
                    "withdrawn_by_participant",
                    ("recorded_by", _("Recorded by")),
                ],
                (
                    (
                        c.employer.name if c.employer_id else c.agency,
                        c.get_recipient_kind_display() if c.recipient_kind else "",
                        c.purpose,
                        choice_labels(c.scopes, ConsentScope.choices),
                        c.given_on,
                        c.get_method_display(),
                        person(c.witness),
                        c.wording_version,
                        c.valid_until,
                        c.withdrawn_on,
                        c.withdrawn_by_participant if c.withdrawn_on else None,
                        person(c.recorded_by),
                    )
                    for c in consents
                ),
            ),
            table(
                "consent_invitations",
                _("Consent requests sent"),
                ConsentInvitation,
                [
                    ("created_at", _("Sent")),
                    "channel",
                    ("sent_to", _("Sent to")),
                    "expires_at",
                    "answered_at",
                    "revoked_at",
                ],
                (
                    (
                        i.created_at,
                        i.get_channel_display(),
                        i.sent_to,
                        i.expires_at,
                        i.answered_at,
                        i.revoked_at,
                    )
                    for i in invitations
                ),
            ),
        ],
    )


def _contact_log_reads(p: Participant) -> dict:
    from employers.models import Interaction

    return {
        "entries": Interaction.objects.filter(participants=p)
        .select_related("employer", "contact", "by", "unit")
        .order_by("occurred_on", "pk")
    }


def _contact_log(p: Participant, rows: dict) -> Section:
    from employers.models import Interaction

    entries = rows["entries"]
    return Section(
        "contact_log",
        _("Employer contacts made for the participant"),
        tables=[
            table(
                "contact_log",
                _("Contact log entries naming the participant"),
                Interaction,
                [
                    "occurred_on",
                    ("employer", _("Employer")),
                    "kind",
                    ("contact", _("Contact person")),
                    "by",
                    "notes",
                    "next_step",
                    "next_step_due",
                ],
                (
                    (
                        e.occurred_on,
                        e.employer.name,
                        e.get_kind_display(),
                        e.contact.name if e.contact_id else "",
                        person(e.by),
                        e.notes,
                        e.next_step,
                        e.next_step_due,
                    )
                    for e in entries
                ),
            )
        ],
    )


def _progression_reads(p: Participant) -> dict:
    from matching.models import ProgressionAnswer

    return {
        "answers": ProgressionAnswer.objects.filter(measurement__participant=p)
        .select_related("measurement", "indicator", "recorded_by")
        .order_by("measurement__taken_on", "measurement__pk", "indicator__order", "rater")
    }


def _progression(p: Participant, rows: dict) -> Section:
    from matching.models import ProgressionAnswer

    answers = rows["answers"]
    return Section(
        "progression",
        _("Progression answers"),
        tables=[
            table(
                "progression",
                _("Progression answers"),
                ProgressionAnswer,
                [
                    ("taken_on", _("Date")),
                    ("kind", _("Occasion")),
                    ("indicator", _("Statement")),
                    "rater",
                    "value",
                    "source",
                ],
                (
                    (
                        a.measurement.taken_on,
                        a.measurement.get_kind_display(),
                        a.indicator.label,
                        a.get_rater_display(),
                        a.value,
                        a.get_source_display(),
                    )
                    for a in answers
                ),
            )
        ],
    )


# What a read was, as the audit log records it (``audit_participant_read(what=...)``).
READ_LABELS = {
    "detail": gettext_lazy("Participant page"),
    "page": gettext_lazy("Participant page"),
    "export": gettext_lazy("Register extract"),
    "list": gettext_lazy("List of participants"),
    "page participant list": gettext_lazy("List of participants"),
    "page regional list": gettext_lazy("Regional list of participants"),
    "page profile candidates": gettext_lazy("Candidates for a task profile"),
    "api detail": gettext_lazy("Participant record (API)"),
    "api list": gettext_lazy("List of participants (API)"),
    "api search": gettext_lazy("Search for participants (API)"),
    "api matches": gettext_lazy("Matching (API)"),
    "api profile matches": gettext_lazy("Candidates for a task profile (API)"),
    "api consents": gettext_lazy("Consents (API)"),
    "consent overview": gettext_lazy("Consent overview"),
    "consent paper form": gettext_lazy("Printed consent form"),
    "ocn case": gettext_lazy("OCN validation"),
    "ocn certificate": gettext_lazy("OCN certificate"),
    "placement": gettext_lazy("Placement"),
    "progression opened by link": gettext_lazy("Progression form opened by the participant"),
}


ACTION_LABELS = {
    LogEntry.Action.CREATE: gettext_lazy("Created"),
    LogEntry.Action.UPDATE: gettext_lazy("Changed"),
    LogEntry.Action.DELETE: gettext_lazy("Deleted"),
}


def _changed_label(model, name: str) -> str:
    """The label of a field a log entry changed: its verbose name when the model gives one, else
    the name of what it points to; the primary key is no data about the person."""
    from django.core.exceptions import FieldDoesNotExist
    from django.utils.functional import Promise

    if name == "anonymised":
        return _("Anonymised")
    try:
        f = model._meta.get_field(name)
    except (AttributeError, FieldDoesNotExist):
        return _("Other data")
    if getattr(f, "primary_key", False) or (f.auto_created and not f.concrete):
        return ""  # the internal id, or a reverse relation (the related record logs itself)
    if isinstance(getattr(f, "verbose_name", None), Promise):
        return str(capfirst(f.verbose_name))
    if f.is_relation and f.related_model is not None:
        return str(capfirst(f.related_model._meta.verbose_name))
    return _("Other data")


def _model_label(model) -> str:
    from django.utils.functional import Promise

    if model is None:
        return _("Other data")
    if isinstance(model._meta.verbose_name, Promise):
        return str(capfirst(model._meta.verbose_name))
    return {
        "participantskill": _("Skills"),
        "participantadaptationneed": _("Adaptation needs"),
        "participantlanguage": _("Languages"),
    }.get(model._meta.model_name, _("Other data"))


def actor_label(actor) -> str:
    """Who did it: the person's name, or a label when no user is linked (the user was removed,
    or it was the system or the participant's own link)."""
    from matching.participants.services.audit import NO_ACTOR

    return person(actor) if actor is not None else str(NO_ACTOR)


def _audit_reads(p: Participant) -> dict:
    from matching.participants.services.audit import participant_log_reads

    return participant_log_reads(p)


def _audit(p: Participant, rows: dict) -> Section:
    reads, changes = [], []
    # newest first, as ``participant_log`` orders them
    entries = sorted(chain.from_iterable(rows.values()), key=lambda e: (e.timestamp, e.pk))
    for e in reversed(entries):
        who = actor_label(e.actor)
        if e.action == LogEntry.Action.ACCESS:
            what = (e.changes_dict.get("read") or [""])[0]
            if what == "progression opened by link" and e.actor is None:
                who = _("The participant (personal link)")
            reads.append((e.timestamp, who, str(READ_LABELS.get(what, _("Other read")))))
        else:
            model = e.content_type.model_class()
            record = _model_label(model)
            changed = sorted({_changed_label(model, name) for name in e.changes_dict} - {""})
            changes.append(
                (e.timestamp, who, str(ACTION_LABELS.get(e.action, "")), record, changed)
            )
    return Section(
        "audit",
        _("Who read or changed the data"),
        tables=[
            Table(
                "reads",
                _("Reads (access log)"),
                [("at", _("When")), ("who", _("Who")), ("what", _("What was read"))],
                [list(r) for r in reads],
            ),
            Table(
                "changes",
                _("Changes"),
                [
                    ("at", _("When")),
                    ("who", _("Who")),
                    ("action", _("Action")),
                    ("record", _("Kind of data")),
                    ("fields", _("Fields changed")),
                ],
                [list(c) for c in changes],
            ),
        ],
    )


Reads = Callable[[Participant], dict[str, QuerySet]]
Build = Callable[[Participant, dict[str, list]], Section]


def _no_reads(p: Participant) -> dict:
    return {}


_SECTIONS: list[tuple[int, Reads, Build]] = [
    (10, _no_reads, _identity),
    (20, _profile_reads, _profile),
    (30, _validations_reads, _validations),
    (40, _consents_reads, _consents),
    (60, _contact_log_reads, _contact_log),
    (70, _progression_reads, _progression),
    (90, _audit_reads, _audit),
]


def register_extract_section(order: int, reads: Reads, build: Build) -> None:
    """A higher app (placements, at order 50) adds its section to every extract: ``reads`` names
    the querysets it needs, ``build`` makes the section from their rows."""
    if all(b is not build for _o, _r, b in _SECTIONS):
        _SECTIONS.append((order, reads, build))


def _all_reads(pk: int) -> dict:
    """Every section's reads for the participant ``pk``, keyed by (section, read)."""
    p = Participant(pk=pk)
    sections = sorted(_SECTIONS, key=lambda s: s[0])
    return {
        (n, name): qs for n, (_o, read, _b) in enumerate(sections) for name, qs in read(p).items()
    }


# All the sections' rows in one query, compiled once (built on the first extract, after every app
# has registered its section).
_READS = ReadTogether(_all_reads)


def participant_extract(participant: Participant) -> Extract:
    """Everything held on one participant, as a readable document (art. 15). The caller checks
    who may see it and logs the read. Every section's rows come from one query
    (``core.together``), not one per kind of data."""
    p = Participant.objects.select_related("guide", "unit", "municipality").get(pk=participant.pk)
    rows = _READS.read(p.pk)
    sections = sorted(_SECTIONS, key=lambda s: s[0])
    return Extract(
        participant=p,
        generated_at=timezone.now(),
        sections=[
            build(p, {name: found for (m, name), found in rows.items() if m == n})
            for n, (_o, _r, build) in enumerate(sections)
        ],
    )
