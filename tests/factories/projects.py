"""Two projects of one unit over shared municipalities, with hand-computed answers
(tests/projects/test_project_statistics.py). Period 2026-01-01 – 2026-06-30, "today" 2026-12-31.

Project A (2025-09-01 – 2026-03-31, ends inside the period), project B (2026-01-01 – 2026-12-31).
All participants are enrolled in the programme on 2025-10-01; Kalmar 0880 and Nybro 0881.

A:  a1 woman Kalmar, in A from 2025-10-01 (open): no exit; a start in studies 2026-02-10.
    a2 man Kalmar, in A from 2025-10-01: hired 2026-02-01, exit 2026-02-15 to work.
    a3 woman Nybro, in A 2025-10-01 – 2025-12-31: before the period, not counted.
    a4 man Nybro, in A from 2026-01-15 (open) and in B from 2026-04-01: a start in studies
       2026-05-01 (after A's end: counts for B only).
    a5 woman Nybro, in A from 2025-10-01 (open): exit 2026-05-10 to studies, after A's end.
B:  b1 woman Kalmar, from 2026-01-10: a start in a labour-market programme 2026-03-01 (not work
       or studies).
    b2 woman Kalmar, from 2026-02-01: exit 2026-04-30 to studies; a start in studies 2026-05-05
       (after the exit: not counted; the exit is).
    b3 man Nybro, from 2026-03-01: exit 2026-06-01 to job-seeking.
    b4 man Kalmar, from 2026-01-05: a start in work 2026-03-03.
    (and a4 above)
Outside both projects: p0 woman Kalmar, exit 2026-03-01 to work.

Expected, project A: in period W2 M2 (a1, a2, a4, a5); enrolled in the period M1 (a4); active at
the end 0; exited M1 (a2); left the project without an exit W2 M1 (a1, a4, a5). Kalmar W1 M1,
Nybro W1 M1. Started work or studies: a1 (studies), a2 (hire): W 1/2 = 50 %, M 1/2 = 50 %,
total 2/4 = 50 %.
Expected, project B: in period W2 M3; enrolled in the period W2 M3; active at the end W1 M2 (b1,
b4, a4); exited W1 M1 (b2, b3). Kalmar W2 M1, Nybro M2. Started: b2 (exit to studies), b4 (work),
a4 (studies): W 1/2 = 50 %, M 2/3 = 67 %, total 3/5 = 60 %.
"""

from __future__ import annotations

import datetime as dt

from core.models import Municipality
from matching.models import Participant
from placements.models import Exit, ParticipantStart, Project, ProjectEnrolment
from tests.factories.employers import EmployerFactory, TaskProfileFactory
from tests.factories.placements import PlacementFactory

START = dt.date(2026, 1, 1)
END = dt.date(2026, 6, 30)
ENROLLED = dt.date(2025, 10, 1)


def build_project_dataset(*, unit, guide, by) -> dict:
    munis = {c: Municipality.objects.get(code=c) for c in ("0880", "0881")}
    a = Project.objects.create(
        unit=unit,
        name="Vägen In",
        funder="ESF+",
        starts_on=dt.date(2025, 9, 1),
        ends_on=dt.date(2026, 3, 31),
        target_groups=["young", "newly_arrived"],
    )
    b = Project.objects.create(
        unit=unit,
        name="Nästa Steg",
        funder="ESF+",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        target_groups=["long_term_unemployed"],
    )
    people = {}

    def person(key, muni, gender):
        people[key] = Participant.objects.create(
            first_name=key,
            last_name="Projekt",
            gender=gender,
            birth_year=1990,
            unit=unit,
            municipality=munis[muni],
            guide=guide,
            enrolled_on=ENROLLED,
        )
        return people[key]

    def enrol(p, project, start, end=None):
        ProjectEnrolment.objects.create(
            project=project, participant=p, started_on=start, ended_on=end, by=by
        )

    def start(p, kind, day):
        ParticipantStart.objects.create(participant=p, kind=kind, started_on=day, by=by)

    def exit_(p, day, outcome):
        Exit.objects.create(participant=p, exited_on=day, outcome=outcome, by=by)

    a1 = person("a1", "0880", "kvinna")
    enrol(a1, a, ENROLLED)
    start(a1, "studies", dt.date(2026, 2, 10))
    a2 = person("a2", "0880", "man")
    enrol(a2, a, ENROLLED)
    job = TaskProfileFactory(employer=EmployerFactory(unit=unit), kind="employment")
    PlacementFactory(
        participant=a2,
        task_profile=job,
        kind="employment",
        status="ended",
        phase="behalla",
        planned_start=dt.date(2026, 2, 1),
        started_on=dt.date(2026, 2, 1),
        hired_on=dt.date(2026, 2, 1),
        ended_on=dt.date(2026, 2, 15),
        guide=guide,
    )
    exit_(a2, dt.date(2026, 2, 15), "work_unsubsidised")
    a3 = person("a3", "0881", "kvinna")
    enrol(a3, a, ENROLLED, dt.date(2025, 12, 31))
    a4 = person("a4", "0881", "man")
    enrol(a4, a, dt.date(2026, 1, 15))
    enrol(a4, b, dt.date(2026, 4, 1))
    start(a4, "studies", dt.date(2026, 5, 1))
    a5 = person("a5", "0881", "kvinna")
    enrol(a5, a, ENROLLED)
    exit_(a5, dt.date(2026, 5, 10), "studies")
    b1 = person("b1", "0880", "kvinna")
    enrol(b1, b, dt.date(2026, 1, 10))
    start(b1, "programme", dt.date(2026, 3, 1))
    b2 = person("b2", "0880", "kvinna")
    enrol(b2, b, dt.date(2026, 2, 1))
    exit_(b2, dt.date(2026, 4, 30), "studies")
    start(b2, "studies", dt.date(2026, 5, 5))
    b3 = person("b3", "0881", "man")
    enrol(b3, b, dt.date(2026, 3, 1))
    exit_(b3, dt.date(2026, 6, 1), "job_seeking")
    b4 = person("b4", "0880", "man")
    enrol(b4, b, dt.date(2026, 1, 5))
    start(b4, "work", dt.date(2026, 3, 3))
    p0 = person("p0", "0880", "kvinna")
    exit_(p0, dt.date(2026, 3, 1), "work_unsubsidised")
    return {"a": a, "b": b, "people": people}
