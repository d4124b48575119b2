"""What placements adds to the register extract (``matching.participants.extract``): the participant's
placements with their evaluations and follow-ups, and the exit with its six-month follow-up."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from matching.models import Participant
from matching.participants.extract.document import Section, person, table
from placements.models import (
    Exit,
    ExitFollowUp,
    FollowUp,
    ParticipantStart,
    Placement,
    PracticeEvaluation,
    ProjectEnrolment,
)


def _where(placement: Placement) -> str:
    """A placement named the way a person knows it: employer – task profile (start)."""
    return f"{placement.task_profile.employer.name} – {placement.task_profile.title}"


def placements_reads(p: Participant) -> dict:
    through = Placement.agreed_adaptations.through
    return {
        "placements": Placement.objects.filter(participant=p)
        .select_related("task_profile__employer", "supervisor", "guide")
        .order_by("planned_start", "pk"),
        # the agreed adaptations, in the order of Adaptation's own ordering
        "adaptations": through.objects.filter(placement__participant=p)
        .select_related("adaptation")
        .order_by("adaptation__category", "adaptation__label", "pk"),
        "followups": FollowUp.objects.filter(placement__participant=p)
        .select_related("placement__task_profile__employer", "done_by")
        .order_by("planned_on", "pk"),
        "evaluations": PracticeEvaluation.objects.filter(placement__participant=p).select_related(
            "placement__task_profile__employer", "by"
        ),
        "exits": Exit.objects.filter(participant=p)
        .select_related("by")
        .order_by("exited_on", "pk"),
        "six_months": ExitFollowUp.objects.filter(exit__participant=p).order_by("checked_on", "pk"),
        "enrolments": ProjectEnrolment.objects.filter(participant=p)
        .select_related("project", "by")
        .order_by("started_on", "pk"),
        "starts": ParticipantStart.objects.filter(participant=p)
        .select_related("by")
        .order_by("started_on", "pk"),
    }


def placements_section(p: Participant, rows: dict) -> Section:
    placements, followups, evaluations = rows["placements"], rows["followups"], rows["evaluations"]
    exits, six_months, enrolments, starts = (
        rows["exits"],
        rows["six_months"],
        rows["enrolments"],
        rows["starts"],
    )
    adaptations = defaultdict(list)
    for a in rows["adaptations"]:
        adaptations[a.placement_id].append(str(a.adaptation))
    return Section(
        "placements",
        _("Placements and follow-ups"),
        tables=[
            table(
                "placements",
                _("Placements"),
                Placement,
                [
                    ("where", _("Employer and task profile")),
                    "kind",
                    "subsidy_type",
                    "phase",
                    "status",
                    "planned_start",
                    "planned_end",
                    "started_on",
                    "hired_on",
                    "ended_on",
                    "end_reason",
                    "withdraw_reason",
                    "hours_per_week",
                    "schedule",
                    "supervisor",
                    "agreed_adaptations",
                    "goals_short",
                    "goals_long",
                    "guide",
                ],
                (
                    (
                        _where(pl),
                        pl.get_kind_display(),
                        pl.get_subsidy_type_display(),
                        pl.get_phase_display(),
                        pl.get_status_display(),
                        pl.planned_start,
                        pl.planned_end,
                        pl.started_on,
                        pl.hired_on,
                        pl.ended_on,
                        pl.end_reason,
                        pl.get_withdraw_reason_display() if pl.withdraw_reason else "",
                        pl.hours_per_week,
                        pl.schedule,
                        pl.supervisor.name if pl.supervisor_id else "",
                        adaptations[pl.pk],
                        pl.goals_short,
                        pl.goals_long,
                        person(pl.guide),
                    )
                    for pl in placements
                ),
            ),
            table(
                "followups",
                _("Follow-ups"),
                FollowUp,
                [
                    ("where", _("Placement")),
                    "planned_on",
                    "with_whom",
                    "status",
                    "done_on",
                    "rating_tasks",
                    "rating_social",
                    "rating_attendance",
                    "notes",
                    "next_actions",
                    "reschedule_reason",
                    ("done_by", _("Done by")),
                ],
                (
                    (
                        _where(f.placement),
                        f.planned_on,
                        f.get_with_whom_display(),
                        f.get_status_display(),
                        f.done_on,
                        f.rating_tasks,
                        f.rating_social,
                        f.rating_attendance,
                        f.notes,
                        f.next_actions,
                        f.reschedule_reason,
                        person(f.done_by),
                    )
                    for f in followups
                ),
            ),
            table(
                "evaluations",
                _("Practice evaluations"),
                PracticeEvaluation,
                [
                    ("where", _("Placement")),
                    "evaluated_on",
                    "progress",
                    "rating",
                    "next_steps",
                    ("by", _("By")),
                ],
                (
                    (
                        _where(e.placement),
                        e.evaluated_on,
                        e.progress,
                        e.rating,
                        e.next_steps,
                        person(e.by),
                    )
                    for e in evaluations
                ),
            ),
            table(
                "exits",
                _("Exit"),
                Exit,
                ["exited_on", "outcome", "note", ("by", _("By"))],
                ((x.exited_on, x.get_outcome_display(), x.note, person(x.by)) for x in exits),
            ),
            table(
                "six_month_followups",
                _("Six-month follow-up"),
                ExitFollowUp,
                ["checked_on", "situation", "note"],
                ((s.checked_on, s.get_situation_display(), s.note) for s in six_months),
            ),
            table(
                "project_enrolments",
                _("Projects"),
                ProjectEnrolment,
                ["project", "started_on", "ended_on", ("by", _("By"))],
                ((e.project.name, e.started_on, e.ended_on, person(e.by)) for e in enrolments),
            ),
            table(
                "starts",
                _("Starts in work or studies"),
                ParticipantStart,
                ["kind", "started_on", "note", ("by", _("By"))],
                ((s.get_kind_display(), s.started_on, s.note, person(s.by)) for s in starts),
            ),
        ],
    )
