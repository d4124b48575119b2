"""A reporting dataset with hand-computed answers (see tests/placements/test_statistics.py).

Period 2026-01-01 – 2026-06-30, "today" 2026-12-31. 123 participants in three municipalities
(Kalmar 0880, Nybro 0881, Oskarshamn 0882); 118 of them are in the period. Every line below says
who is created, so the expected figures in the tests can be checked by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from core.models import Industry, KgaCompetence, Municipality, OcnModule, OcnProgramme
from employers.models import Interaction
from matching.models import KgaAssessment, OcnCase, Participant, PhaseChange
from placements.models import Exit, ExitFollowUp, FollowUp, Placement
from tests.factories.employers import EmployerFactory, TaskProfileFactory

START = dt.date(2026, 1, 1)
END = dt.date(2026, 6, 30)
TODAY = dt.date(2026, 12, 31)
ENROLLED = dt.date(2025, 10, 1)

KALMAR, NYBRO, OSKARSHAMN = "0880", "0881", "0882"

# (municipality, gender, exit date, {outcome: n}) for the participants who exit in the period.
EXITS = [
    (
        KALMAR,
        "kvinna",
        dt.date(2026, 3, 15),
        {
            "work_unsubsidised": 6,
            "work_subsidised": 3,
            "studies": 2,
            "practice": 2,
            "programme": 1,
            "job_seeking": 3,
            "other": 1,
        },
    ),
    (
        KALMAR,
        "man",
        dt.date(2026, 3, 15),
        {
            "work_unsubsidised": 4,
            "work_subsidised": 2,
            "studies": 1,
            "practice": 1,
            "job_seeking": 4,
            "other": 2,
        },
    ),
    (
        NYBRO,
        "kvinna",
        dt.date(2026, 1, 1),
        {"work_unsubsidised": 2, "studies": 2, "job_seeking": 1},
    ),
    (NYBRO, "man", dt.date(2026, 1, 1), {"work_subsidised": 3, "job_seeking": 2, "other": 1}),
    (OSKARSHAMN, "kvinna", dt.date(2026, 6, 30), {"work_unsubsidised": 1, "practice": 1}),
    (OSKARSHAMN, "man", dt.date(2026, 6, 30), {"studies": 1, "work_unsubsidised": 3}),
]
# (municipality, gender, n) active at the end of the period.
ACTIVE = [
    (KALMAR, "kvinna", 20),
    (KALMAR, "man", 15),
    (NYBRO, "kvinna", 8),
    (NYBRO, "man", 10),
    (OSKARSHAMN, "kvinna", 6),
    (OSKARSHAMN, "man", 5),
    (OSKARSHAMN, "uppgift_saknas", 2),
]


@dataclass
class Dataset:
    people: dict[str, list[Participant]] = field(default_factory=dict)
    employers: list = field(default_factory=list)


def _module(code: str) -> OcnModule:
    programme, _ = OcnProgramme.objects.get_or_create(
        code="LOG", defaults={"name": "Lager och logistik", "occupational_area": "Lager"}
    )
    module, _ = OcnModule.objects.get_or_create(
        programme=programme, code=code, defaults={"name": f"Modul {code}", "level": 1}
    )
    return module


def build_statistics_dataset(*, unit, guide, colleague_guide, by) -> Dataset:
    data = Dataset()
    munis = {c: Municipality.objects.get(code=c) for c in (KALMAR, NYBRO, OSKARSHAMN)}
    seq = iter(range(1, 10_000))

    def person(muni, gender, *, enrolled=ENROLLED, birth_year=1990, **extra) -> Participant:
        n = next(seq)
        return Participant.objects.create(
            first_name=f"Person{n}",
            last_name="Test",
            personnummer=extra.pop("personnummer", ""),
            gender=gender,
            birth_year=birth_year,
            unit=unit,
            municipality=munis[muni],
            guide=colleague_guide if muni == NYBRO else guide,
            enrolled_on=enrolled,
            **extra,
        )

    def exit_(p, day, outcome):
        Participant.objects.filter(pk=p.pk).update(active=False, phase="exited")
        return Exit.objects.create(participant=p, exited_on=day, outcome=outcome, by=by)

    # Participants who exit in the period. Kalmar's 14 exiting men are long-term unemployed.
    for muni, gender, day, outcomes in EXITS:
        for outcome, n in outcomes.items():
            key = f"exit-{muni}-{gender}-{outcome}"
            data.people[key] = []
            for _i in range(n):
                p = person(muni, gender, long_term_unemployed=(muni == KALMAR and gender == "man"))
                exit_(p, day, outcome)
                data.people[key].append(p)
    # The non-binary participant: born 2003, enrolled and exited to work in the period.
    nb = person(KALMAR, "annat", enrolled=dt.date(2026, 2, 1), birth_year=2003)
    exit_(nb, dt.date(2026, 5, 15), "work_unsubsidised")
    data.people["nonbinary"] = [nb]
    # Active at the end: Kalmar women 5 enrolled 2026-03-01 and 4 born 2004; Nybro women all newly
    # arrived; Nybro men 4 enrolled 2026-03-01, 3 born 1968; Oskarshamn women 2 born 1999; the two of
    # unknown gender have no birth year and reduced work capacity; one Kalmar man returns from sick
    # leave.
    for muni, gender, n in ACTIVE:
        key = f"active-{muni}-{gender}"
        data.people[key] = []
        for i in range(n):
            extra = {}
            if muni == KALMAR and gender == "kvinna":
                extra["enrolled"] = dt.date(2026, 3, 1) if i < 5 else ENROLLED
                extra["birth_year"] = 2004 if i >= 16 else 1990
            if muni == NYBRO and gender == "kvinna":
                extra["newly_arrived"] = True
            if muni == NYBRO and gender == "man":
                extra["enrolled"] = dt.date(2026, 3, 1) if i < 4 else ENROLLED
                extra["birth_year"] = 1968 if i >= 7 else 1990
            if muni == OSKARSHAMN and gender == "kvinna" and i < 2:
                extra["birth_year"] = 1999
            if gender == "uppgift_saknas":
                extra["birth_year"] = None
                extra["reduced_work_capacity"] = True
            if muni == KALMAR and gender == "man" and i == 0:
                extra["returning_from_sick_leave"] = True
            data.people[key].append(person(muni, gender, **extra))
    # Outside the period: 3 Kalmar women (long-term unemployed) left before it; 2 Kalmar men leave
    # after it (so they are active at its end); 2 Nybro women enrol after it.
    data.people["before"] = []
    for _i in range(3):
        p = person(KALMAR, "kvinna", long_term_unemployed=True, personnummer="")
        exit_(p, dt.date(2025, 12, 15), "work_unsubsidised")
        data.people["before"].append(p)
    data.people["after"] = []
    for _i in range(2):
        p = person(KALMAR, "man")
        exit_(p, dt.date(2026, 7, 5), "job_seeking")
        data.people["after"].append(p)
    data.people["late"] = [person(NYBRO, "kvinna", enrolled=dt.date(2026, 8, 1)) for _i in range(2)]

    _employers_and_placements(data, unit=unit, guide=guide, colleague_guide=colleague_guide, by=by)
    _validations(data, by=by)
    _followups_after_exit(data, by=by)
    # Returns to finna: one in the period (an active Kalmar woman), one before it.
    back = data.people[f"active-{KALMAR}-kvinna"][10]
    for day in (dt.datetime(2026, 4, 2, 10), dt.datetime(2025, 11, 1, 10)):
        PhaseChange.objects.create(
            participant=back,
            from_phase="behalla",
            to_phase="finna",
            reason="Anställningen upphörde",
            by=by,
            at=timezone.make_aware(day),
        )
    return data


def _employers_and_placements(data: Dataset, *, unit, guide, colleague_guide, by) -> None:
    lager = EmployerFactory(name="Lager A", unit=unit, industry=Industry.objects.get(code="H"))
    butik = EmployerFactory(name="Butik B", unit=unit, industry=Industry.objects.get(code="G"))
    cafe = EmployerFactory(name="Café C", unit=unit, industry=Industry.objects.get(code="I"))
    data.employers = [lager, butik, cafe]
    practice = TaskProfileFactory(employer=lager, slots_total=20, kind="practice")
    practice.__class__.objects.filter(pk=practice.pk).update(slots_taken=5)
    job = TaskProfileFactory(employer=butik, slots_total=10, kind="employment", status="filled")
    job.__class__.objects.filter(pk=job.pk).update(slots_taken=10)
    TaskProfileFactory(employer=cafe, slots_total=3, kind="practice")
    # Contact log: Lager A contacted before and in the period; Butik B first contacted in the period
    # (a study visit); Café C only before it.
    for employer, kind, day in [
        (lager, "call", dt.date(2025, 6, 1)),
        (lager, "call", dt.date(2026, 2, 1)),
        (butik, "study_visit", dt.date(2026, 3, 5)),
        (cafe, "call", dt.date(2025, 5, 1)),
    ]:
        Interaction.objects.create(employer=employer, kind=kind, occurred_on=day, by=by)

    def placement(p, profile, kind, started, **extra) -> Placement:
        return Placement.objects.create(
            participant=p,
            task_profile=profile,
            kind=kind,
            planned_start=started,
            started_on=started,
            hours_per_week=20,
            guide=p.guide,
            status=extra.pop("status", "ongoing"),
            **extra,
        )

    # The 6 Kalmar women and 4 Kalmar men who exit to unsubsidised work had a practice at Lager A,
    # then an employment at Butik B. Women: practice from 2026-01-10 (3) and 2026-02-09 (3), hired
    # 2026-03-01, two of them lose the job early (2026-04-10). Men: practice from 2026-01-20 (2) and
    # 2026-01-21 (2), hired 2026-03-11.
    women = data.people[f"exit-{KALMAR}-kvinna-work_unsubsidised"]
    men = data.people[f"exit-{KALMAR}-man-work_unsubsidised"]
    practices = []
    for i, p in enumerate(women):
        start = dt.date(2026, 1, 10) if i < 3 else dt.date(2026, 2, 9)
        practices.append(
            placement(p, practice, "practice", start, status="ended", ended_on=dt.date(2026, 2, 28))
        )
        extra = (
            {"ended_on": dt.date(2026, 4, 10), "ended_early": True, "status": "ended"}
            if i < 2
            else {}
        )
        placement(
            p,
            job,
            "employment",
            dt.date(2026, 3, 1),
            hired_on=dt.date(2026, 3, 1),
            phase="behalla",
            **extra,
        )
    for i, p in enumerate(men):
        start = dt.date(2026, 1, 20) if i < 2 else dt.date(2026, 1, 21)
        placement(p, practice, "practice", start, status="ended", ended_on=dt.date(2026, 3, 10))
        placement(
            p,
            job,
            "employment",
            dt.date(2026, 3, 11),
            hired_on=dt.date(2026, 3, 11),
            phase="behalla",
        )
    # The 4 Nybro men enrolled 2026-03-01 start a practice at Lager A on 2026-04-01 (guide greta).
    nybro = [
        placement(p, practice, "practice", dt.date(2026, 4, 1))
        for p in data.people[f"active-{NYBRO}-man"][:4]
    ]

    # Follow-ups. Gustav's (on the Kalmar women's practices): on time 2026-01-15 ×3 and 2026-02-15 ×3,
    # late 2026-03-10 ×2 (done 03-20), missed 2026-05-01, one rescheduled (not counted) and one
    # planned after the period. Greta's (Nybro practices): on time 2026-04-10 ×2, missed 2026-06-01
    # ×2, not yet due 2026-06-28, one cancelled (not counted).
    def fu(pl, planned, status="planned", done=None):
        return FollowUp.objects.create(
            placement=pl, planned_on=planned, status=status, done_on=done
        )

    for i in range(3):
        fu(practices[i], dt.date(2026, 1, 15), "done", dt.date(2026, 1, 15))
        fu(practices[i + 3], dt.date(2026, 2, 15), "done", dt.date(2026, 2, 15))
    fu(practices[0], dt.date(2026, 3, 10), "done", dt.date(2026, 3, 20))
    fu(practices[1], dt.date(2026, 3, 10), "done", dt.date(2026, 3, 20))
    fu(practices[2], dt.date(2026, 5, 1))
    fu(practices[3], dt.date(2026, 4, 20), "rescheduled")
    fu(practices[4], dt.date(2026, 7, 10))
    fu(nybro[0], dt.date(2026, 4, 10), "done", dt.date(2026, 4, 12))
    fu(nybro[1], dt.date(2026, 4, 10), "done", dt.date(2026, 4, 10))
    fu(nybro[2], dt.date(2026, 6, 1))
    fu(nybro[3], dt.date(2026, 6, 1))
    fu(nybro[0], dt.date(2026, 6, 28))
    fu(nybro[1], dt.date(2026, 5, 5), "cancelled")


def _validations(data: Dataset, *, by) -> None:
    m1, m2 = _module("M1"), _module("M2")
    # M1: started in the period by 5 active Kalmar women and 3 active Kalmar men; certified in the
    # period for 3 Kalmar women who exit to subsidised work (registered before it).
    for p in data.people[f"active-{KALMAR}-kvinna"][:5]:
        OcnCase.objects.create(participant=p, module=m1, registered_on=dt.date(2026, 4, 1))
    for p in data.people[f"active-{KALMAR}-man"][:3]:
        OcnCase.objects.create(participant=p, module=m1, registered_on=dt.date(2026, 4, 1))
    for p in data.people[f"exit-{KALMAR}-kvinna-work_subsidised"]:
        OcnCase.objects.create(
            participant=p,
            module=m1,
            registered_on=dt.date(2025, 11, 1),
            status="certified",
            certificate_issued_on=dt.date(2026, 1, 10),
        )
    # M2: started by 3 active Nybro men (one certified after the period).
    for i, p in enumerate(data.people[f"active-{NYBRO}-man"][4:7]):
        OcnCase.objects.create(
            participant=p,
            module=m2,
            registered_on=dt.date(2026, 2, 1),
            status="certified" if i == 0 else "registered",
            certificate_issued_on=dt.date(2026, 8, 1) if i == 0 else None,
        )
    # KGA: two assessments of one Kalmar woman and one of another, one of a man in the period;
    # one before it.
    women = data.people[f"active-{KALMAR}-kvinna"]
    man = data.people[f"active-{KALMAR}-man"][0]
    KgaCompetence.objects.exists()
    for p, day in [
        (women[0], dt.date(2026, 2, 1)),
        (women[0], dt.date(2026, 5, 1)),
        (women[1], dt.date(2026, 2, 1)),
        (man, dt.date(2026, 3, 1)),
        (man, dt.date(2025, 12, 1)),
    ]:
        KgaAssessment.objects.create(participant=p, assessed_on=day, assessor=by)


def _followups_after_exit(data: Dataset, *, by) -> None:
    """Six-month follow-ups: Kalmar women to unsubsidised work: 5 employed, 1 not reached; Kalmar
    job-seeking men: 2 employed, 2 still job-seeking."""
    for i, p in enumerate(data.people[f"exit-{KALMAR}-kvinna-work_unsubsidised"]):
        ExitFollowUp.objects.create(
            exit=p.exits.get(),
            checked_on=dt.date(2026, 9, 20),
            situation="employed" if i < 5 else "not_reached",
            by=by,
        )
    for i, p in enumerate(data.people[f"exit-{KALMAR}-man-job_seeking"]):
        ExitFollowUp.objects.create(
            exit=p.exits.get(),
            checked_on=dt.date(2026, 9, 20),
            situation="employed" if i < 2 else "job_seeking",
            by=by,
        )
