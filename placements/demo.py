"""Demo placements: about 60 over the demo participants and profiles, in every phase and status,
with follow-ups (some overdue, some due this week), exits with outcomes and one employment that
ended early and sent the participant back to matching."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.demo import demo_unit
from core.exceptions import SlotUnavailable
from core.models import User
from employers.models import ContactPerson, EmployerMembership, TaskProfile
from matching.features import unit_engine
from matching.models import Consent, Participant
from matching.participants.services.consents import consent_record
from placements.choices import FollowUpStatus
from placements.models import FollowUp, Placement
from placements.regional import awaiting_host, placement_host_answer
from placements.services.exits import participant_exit
from placements.services.phases import placement_hire, placement_to_employment
from placements.services.placements import (
    placement_agree,
    placement_end,
    placement_propose,
    placement_start,
)

GOALS = [
    ("Lära sig arbetsuppgifterna med stöd av handledare", "Anställning på 75 %"),
    ("Komma i tid och klara fyra timmar per dag", "Arbete med lönestöd"),
    ("Bli trygg i kassan", "Deltidsanställning i butiken"),
    ("Pröva yrket och arbetsmiljön", "Välja utbildning eller arbete"),
]


def _host_coordinator(profile) -> User:
    return (
        User.objects.filter(unit_id=profile.unit_id, groups__name="coordinator")
        .order_by("username")
        .first()
    )


def build(*, rng, stdout) -> None:
    unit = demo_unit()
    if Placement.objects.filter(participant__unit=unit).exists():
        stdout.write("placements: demo data already present")
        return
    today = timezone.localdate()
    engine = unit_engine(unit.pk).engine
    people = list(
        Participant.objects.filter(unit=unit, active=True).select_related("guide").order_by("pk")
    )
    rng.shuffle(people)
    supervisors = {}
    for contact in ContactPerson.objects.filter(employer__unit=unit, is_supervisor=True).order_by(
        "pk"
    ):
        supervisors.setdefault(contact.employer_id, contact)
    made = 0
    plan = (
        ["proposed"] * 8
        + ["agreed"] * 6
        + ["practice"] * 22
        + ["fa"] * 8
        + ["behalla"] * 8
        + ["early_end"]
        + ["exit"] * 7
    )
    for participant in people:
        if made >= len(plan):
            break
        matches = engine.rank_profiles(participant.pk, limit=3)
        if not matches:
            continue
        candidates = TaskProfile.objects.select_related("employer").filter(
            pk__in=[m.profile_id for m in matches], status="open"
        )
        profile = next(
            (
                p
                for m in matches
                for p in candidates
                if p.pk == m.profile_id and p.slots_taken < p.slots_total
            ),
            None,
        )
        if profile is None:
            continue
        target = plan[made]
        guide: User = participant.guide
        start = today - dt.timedelta(
            days={"proposed": -14, "agreed": -7}.get(target, rng.randint(20, 150))
        )
        goals = rng.choice(GOALS)
        try:
            if (
                rng.random() < 0.8
                and not Consent.objects.filter(
                    participant=participant, employer=profile.employer, withdrawn_on__isnull=True
                ).exists()
            ):
                consent_record(
                    participant=participant,
                    by=guide,
                    employer=profile.employer,
                    purpose="Praktik och uppföljning",
                    scopes=["identity", "skills", "placement"],
                    given_on=start - dt.timedelta(days=7) if start <= today else today,
                    method="signed_paper",
                )
            placement = placement_propose(
                participant=participant,
                task_profile=profile,
                by=guide,
                planned_start=start,
                planned_end=start + dt.timedelta(weeks=12),
                kind=profile.kind if profile.kind != "employment" else "practice",
                hours_per_week=max(profile.hours_min, min(profile.hours_max, participant.hours_max))
                or 10,
                supervisor=supervisors.get(profile.employer_id),
                goals_short=goals[0],
                goals_long=goals[1],
                agreed_adaptations=[n.adaptation for n in participant.adaptation_needs.all()],
                note="Förslag från matchningen",
            )
            made += 1
            if target == "proposed":
                continue
            if awaiting_host(placement):  # another unit's regional profile: its coordinator accepts
                placement_host_answer(
                    placement=placement, by=_host_coordinator(profile), accept=True
                )
            placement_agree(placement=placement, by=guide)
            if target == "agreed":
                continue
            placement_start(placement=placement, by=guide, started_on=start)
            if target in ("fa", "behalla", "early_end", "exit"):
                placement_to_employment(
                    placement=placement,
                    by=guide,
                    hours_per_week=placement.hours_per_week,
                    subsidy_type=rng.choice(["none", "lonestod", "nystartsjobb"]),
                )
            if target in ("behalla", "early_end", "exit"):
                hired = min(
                    today - dt.timedelta(days=3), start + dt.timedelta(days=rng.randint(14, 40))
                )
                placement_hire(placement=placement, by=guide, hired_on=hired)
            if target == "early_end":
                placement_end(
                    placement=placement,
                    by=guide,
                    ended_on=today - dt.timedelta(days=2),
                    reason="Verksamheten drogs ner",
                )
            if target == "exit":
                participant_exit(
                    participant=participant,
                    by=guide,
                    # Never before the hiring (placements.rules.DATE_RULES["exit"]).
                    exited_on=max(hired, today - dt.timedelta(days=rng.randint(1, 10))),
                    outcome=rng.choice(
                        ["work_subsidised", "work_unsubsidised", "studies", "job_seeking"]
                    ),
                )
        except SlotUnavailable:
            continue
    # Past follow-ups were mostly done; a few are overdue, as in real life.
    for followup in FollowUp.objects.filter(
        placement__participant__unit=unit, status=FollowUpStatus.PLANNED, planned_on__lt=today
    ).select_related("placement"):
        if rng.random() < 0.85 or followup.planned_on < today - dt.timedelta(days=30):
            FollowUp.objects.filter(pk=followup.pk).update(
                status=FollowUpStatus.DONE,
                done_on=followup.planned_on,
                done_by=followup.placement.guide_id,
                rating_tasks=rng.randint(2, 5),
                rating_social=rng.randint(2, 5),
                rating_attendance=rng.randint(2, 5),
                notes=rng.choice(
                    [
                        "Trivs bra, vill öka tiden.",
                        "Behöver tydligare schema.",
                        "Handledaren nöjd.",
                        "Trött efter långa pass.",
                    ]
                ),
            )
    _demo_employer_login(unit)
    overdue = FollowUp.objects.filter(
        placement__participant__unit=unit, status=FollowUpStatus.PLANNED, planned_on__lt=today
    ).count()
    stdout.write(
        f"placements: {made} placements, {FollowUp.objects.filter(placement__participant__unit=unit).count()} follow-ups ({overdue} overdue)"
    )


def _demo_employer_login(unit) -> None:
    """The demo employer login belongs to the employer with the most ongoing collaborations, so the
    portal has something to show."""
    from django.db.models import Count, Q

    from employers.models import Employer

    busiest = (
        Employer.objects.filter(unit=unit)
        .annotate(
            n=Count(
                "task_profiles__placements", filter=~Q(task_profiles__placements__status="ended")
            )
        )
        .order_by("-n", "pk")
        .first()
    )
    if busiest is None:
        return
    EmployerMembership.objects.filter(user__username="arbetsgivare").update(employer=busiest)
    ContactPerson.objects.filter(user__username="arbetsgivare").update(user=None)
    busiest.contacts.order_by("pk").filter(
        pk=busiest.contacts.order_by("pk").values("pk")[:1]
    ).update(user=User.objects.get(username="arbetsgivare"), is_supervisor=True)
