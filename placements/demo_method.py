"""Demo data for the method pages (issue 15): contact-log entries name the participants they were
made for (so the fidelity page has days to first contact and contacts per guide), and about a
third of the participants have progression measurements (start, some followed up, a few with the
guide's rating beside). Same data every run; a second run adds nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.demo import demo_unit
from employers.models import Interaction
from matching.choices import AnswerSource, MeasurementKind, Rater
from matching.models import (
    Participant,
    ProgressionAnswer,
    ProgressionIndicator,
    ProgressionMeasurement,
)
from matching.participants.services.progression import add_months, interval_months


def build(*, rng, stdout) -> None:
    unit = demo_unit()
    if ProgressionMeasurement.objects.filter(participant__unit=unit).exists():
        stdout.write("method: demo data already present")
        return
    today = timezone.localdate()
    people = list(Participant.objects.filter(unit=unit).order_by("pk"))
    # Name one or two participants on about half of the contacts made after they enrolled.
    named = 0
    for interaction in Interaction.objects.filter(employer__unit=unit).order_by("pk"):
        if rng.random() < 0.5:
            continue
        candidates = [p for p in people if p.enrolled_on <= interaction.occurred_on]
        if not candidates:
            continue
        interaction.participants.set(
            rng.sample(candidates, k=min(len(candidates), rng.randint(1, 2)))
        )
        named += 1
    indicators = list(ProgressionIndicator.objects.filter(active=True))
    measured = 0
    for person in people[::3]:
        level = {i.pk: rng.randint(2, 7) for i in indicators}
        day = person.enrolled_on + dt.timedelta(days=rng.randint(0, 14))
        kind = MeasurementKind.START
        while day <= today:
            m = ProgressionMeasurement.objects.create(participant=person, kind=kind, taken_on=day)
            ProgressionAnswer.objects.bulk_create(
                [
                    ProgressionAnswer(
                        measurement=m,
                        indicator=ind,
                        rater=Rater.PARTICIPANT,
                        value=level[ind.pk],
                        source=AnswerSource.LINK if rng.random() < 0.6 else AnswerSource.PAPER,
                    )
                    for ind in indicators
                ]
                + [
                    ProgressionAnswer(
                        measurement=m,
                        indicator=ind,
                        rater=Rater.GUIDE,
                        value=max(1, level[ind.pk] - rng.randint(0, 3)),
                        source=AnswerSource.STAFF,
                    )
                    for ind in indicators
                    if rng.random() < 0.3
                ]
            )
            measured += 1
            # Self-ratings drift upwards a little; some stop being followed up.
            level = {k: min(10, max(1, v + rng.choice([-1, 0, 1, 1, 2]))) for k, v in level.items()}
            if rng.random() < 0.35:
                break
            day = add_months(day, interval_months())
            kind = MeasurementKind.INTERVAL
    stdout.write(f"method: {named} contacts name participants, {measured} progression measurements")
