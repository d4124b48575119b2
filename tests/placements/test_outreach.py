"""Whom to approach next (issue 25): the weekly list, its reasons, logging a call, adding an
employer from the ads, and the weights learned from which suggestions led to a profile."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from core.exceptions import DuplicateRecord, NotAllowed
from core.models import Occupation
from employers.importing.historical_ads import import_historical_ads
from employers.models import Employer, Interaction
from placements.outreach import scoring
from placements.outreach.models import OutreachSuggestion
from placements.outreach.selectors import learned_weights, week_of
from placements.outreach.services import (
    outreach_call_log,
    outreach_employer_add,
    outreach_list_show,
)
from tests.factories.employers import EmployerFactory, InteractionFactory, TaskProfileFactory
from tests.factories.matching import ParticipantFactory
from tests.placements.outreach_data import ad, orgnr, stored

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 18)  # a Wednesday; the week starts on Monday 16 November


@pytest.fixture(autouse=True)
def pinned():
    with (
        time_machine.travel(dt.datetime(2026, 11, 18, 10, tzinfo=dt.UTC), tick=False),
        translation.override("en"),
    ):
        yield


def cleaners(unit, n=4, **extra):
    occupation = Occupation.objects.filter(ssyk_id="9111").first()
    people = []
    for _i in range(n):
        p = ParticipantFactory(unit=unit, **extra)
        p.desired_occupations.add(occupation)
        people.append(p)
    return people


def load(unit, ads):
    content = "\n".join(json.dumps(a) for a in ads).encode()
    report = import_historical_ads(content=content, region=unit.region, dry_run=False)
    assert report.ok and not report.refused_count, report.as_dict()
    return report


def row(listing, name):
    return next(r for r in listing.rows if r.name == name)


# --- the list ----------------------------------------------------------------------------------


def test_it_ranks_hiring_employers_near_waiting_participants_first_with_reasons(unit, coordinator):
    cleaners(unit)
    hiring = EmployerFactory(unit=unit, name="Städbolaget AB", orgnr=stored(1))
    quiet = EmployerFactory(unit=unit, name="Tysta AB", orgnr=stored(2))
    load(
        unit,
        [ad(i, org=orgnr(1), name="Städbolaget AB", vacancies=2) for i in range(5)]
        + [ad(10, org=orgnr(2), name="Tysta AB", published="2025-01-10")]
        + [ad(20, org=orgnr(3), name="Nya Städ i Kalmar AB")],
    )
    listing = outreach_list_show(by=coordinator)
    names = [r.name for r in listing.rows]
    assert names.index("Städbolaget AB") < names.index("Tysta AB")
    top = row(listing, "Städbolaget AB")
    assert top.employer_id == hiring.pk and top.registered
    assert top.components["demand"] > 0.7 and top.components["hiring"] > 0.8
    texts = " ".join(top.reason_texts)
    assert "4 waiting participants within reach" in texts and "Städare" in texts
    assert "5 job ads with 10 vacancies" in texts and "Kalmar" in texts
    # an old ad still counts, but less
    assert row(listing, "Tysta AB").components["hiring"] < top.components["hiring"]
    assert row(listing, "Tysta AB").employer_id == quiet.pk
    # an employer only the ads know appears, marked as not registered
    new = row(listing, "Nya Städ i Kalmar AB")
    assert new.employer_id is None and new.key == f"o{stored(3)}"
    assert "Not in the register yet (found in the job ads)." in new.reason_texts
    # the rows shown to a coordinator are recorded for learning
    assert OutreachSuggestion.objects.filter(unit=unit, week=dt.date(2026, 11, 16)).count() == 3


def test_participants_out_of_reach_busy_or_wanting_else_are_no_demand(unit, coordinator, guide):
    cleaners(unit, n=2)
    far = cleaners(unit, n=1, latitude=59.33, longitude=18.06, commute_max_km=10)[0]
    assert far.pk
    other = ParticipantFactory(unit=unit)
    other.desired_occupations.add(Occupation.objects.filter(ssyk_id="8344").first())
    busy = cleaners(unit, n=1)[0]
    from tests.factories.placements import PlacementFactory

    PlacementFactory(
        participant=busy,
        task_profile=TaskProfileFactory(employer=EmployerFactory(unit=unit)),
        guide=guide,
        status="ongoing",
        started_on=TODAY,
    )
    EmployerFactory(unit=unit, name="Städbolaget AB", orgnr=stored(1))
    load(unit, [ad(1, org=orgnr(1), name="Städbolaget AB")])
    listing = outreach_list_show(by=coordinator)
    assert "2 waiting participants within reach" in " ".join(
        row(listing, "Städbolaget AB").reason_texts
    )


def test_a_recent_contact_and_open_free_slots_lower_the_priority(unit, coordinator):
    cleaners(unit)
    a = EmployerFactory(unit=unit, name="A Städ AB", orgnr=stored(1))
    b = EmployerFactory(unit=unit, name="B Städ AB", orgnr=stored(2))
    EmployerFactory(unit=unit, name="C Städ AB", orgnr=stored(3))
    load(unit, [ad(i, org=orgnr(1 + i % 3), name="x") for i in range(9)])
    InteractionFactory(employer=a, by=coordinator, occurred_on=TODAY - dt.timedelta(days=3))
    TaskProfileFactory(employer=b, unit=unit, slots_total=2)
    listing = outreach_list_show(by=coordinator)
    assert [r.name for r in listing.rows][0] == "C Städ AB"
    assert row(listing, "A Städ AB").components["not_recent"] < 0.1
    assert row(listing, "B Städ AB").components["not_in_play"] == 0.0
    assert any("free slots in open profiles" in t for t in row(listing, "B Städ AB").reason_texts)
    assert any(
        "last contact was on 2026-11-15" in t for t in row(listing, "A Städ AB").reason_texts
    )


def test_paused_employers_and_other_regions_ads_are_not_suggested(unit, other_unit, coordinator):
    from core.models import Region

    other_unit.region = Region.objects.create(name="Kronoberg")
    other_unit.save()
    cleaners(unit)
    EmployerFactory(unit=unit, name="Pausad AB", orgnr=stored(1), status="paused")
    load(unit, [ad(1, org=orgnr(1), name="Pausad AB")])
    load(other_unit, [ad(2, org=orgnr(2), name="Annan region AB")])
    assert outreach_list_show(by=coordinator).rows == []


# --- acting on it ------------------------------------------------------------------------------


def test_one_click_logs_the_call_and_marks_the_suggestion(unit, coordinator):
    cleaners(unit)
    employer = EmployerFactory(unit=unit, name="Städbolaget AB", orgnr=stored(1))
    load(unit, [ad(1, org=orgnr(1), name="Städbolaget AB")])
    outreach_list_show(by=coordinator)
    interaction = outreach_call_log(by=coordinator, employer=employer)
    assert interaction.kind == "call" and interaction.unit_id == unit.pk
    assert Interaction.objects.filter(employer=employer, by=coordinator).count() == 1
    s = OutreachSuggestion.objects.get(unit=unit, key=f"e{employer.pk}")
    assert s.contacted_by == coordinator and s.interaction == interaction
    assert s.components["hiring"] > 0 and s.reasons
    assert outreach_list_show(by=coordinator).rows[0].contacted_this_week


def test_a_profile_within_the_window_settles_the_suggestion_as_led_to_profile(unit, coordinator):
    cleaners(unit)
    yes = EmployerFactory(unit=unit, name="Ja AB", orgnr=stored(1))
    no = EmployerFactory(unit=unit, name="Nej AB", orgnr=stored(2))
    load(unit, [ad(1, org=orgnr(1), name="Ja AB"), ad(2, org=orgnr(2), name="Nej AB")])
    outreach_list_show(by=coordinator)
    outreach_call_log(by=coordinator, employer=yes)
    outreach_call_log(by=coordinator, employer=no)
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC), tick=False):
        profile = TaskProfileFactory(employer=yes, unit=unit)
        outreach_list_show(by=coordinator)
    assert (
        OutreachSuggestion.objects.get(employer=yes, contacted_at__isnull=False).led_to_profile
        is True
    )
    assert (
        OutreachSuggestion.objects.get(employer=yes, contacted_at__isnull=False).profile == profile
    )
    assert (
        OutreachSuggestion.objects.get(employer=no, contacted_at__isnull=False).led_to_profile
        is None
    )  # still in window
    with time_machine.travel(dt.datetime(2027, 1, 20, 10, tzinfo=dt.UTC), tick=False):
        outreach_list_show(by=coordinator)
    assert (
        OutreachSuggestion.objects.get(employer=no, contacted_at__isnull=False).led_to_profile
        is False
    )


def test_an_employer_from_the_ads_is_added_to_the_register_in_one_step(unit, coordinator):
    cleaners(unit)
    load(
        unit,
        [
            ad(
                1, org=orgnr(5), name="Gamla Namnet AB", published="2025-05-01", municipality="0881"
            ),
            ad(2, org=orgnr(5), name="Nya Namnet AB", published="2026-10-01"),
            ad(3, org=orgnr(5), name="Nya Namnet AB", published="2026-09-01"),
        ],
    )
    outreach_list_show(by=coordinator)
    employer = outreach_employer_add(by=coordinator, orgnr=orgnr(5))
    assert employer.name == "Nya Namnet AB" and employer.municipality_id == "0880"
    assert employer.status == "prospect" and employer.unit == unit and employer.owner == coordinator
    assert OutreachSuggestion.objects.get(unit=unit).employer == employer
    listing = outreach_list_show(by=coordinator)
    assert listing.rows[0].employer_id == employer.pk
    with pytest.raises(DuplicateRecord):
        outreach_employer_add(by=coordinator, orgnr=orgnr(5))
    with pytest.raises(ValidationError):
        outreach_employer_add(by=coordinator, orgnr="556000-0000")
    with pytest.raises(ValidationError):
        outreach_employer_add(by=coordinator, orgnr=orgnr(77))  # in no ad of the region


def test_only_coordinators_act_and_managers_only_read(
    unit, coordinator, manager, guide, employer_user
):
    cleaners(unit)
    employer = EmployerFactory(unit=unit, name="Städbolaget AB", orgnr=stored(1))
    load(unit, [ad(1, org=orgnr(1), name="Städbolaget AB"), ad(2, org=orgnr(2), name="Ny AB")])
    assert outreach_list_show(by=manager).rows
    assert not OutreachSuggestion.objects.exists()  # a manager's look is not a suggestion
    for user in (manager, guide, employer_user):
        with pytest.raises(NotAllowed):
            outreach_call_log(by=user, employer=employer)
        with pytest.raises(NotAllowed):
            outreach_employer_add(by=user, orgnr=orgnr(2))
    for user in (guide, employer_user):
        with pytest.raises(NotAllowed):
            outreach_list_show(by=user)
    assert not Employer.objects.filter(orgnr=stored(2)).exists()


# --- learning ----------------------------------------------------------------------------------


def _history(n: int, driver: int, seed: int = 5):
    """Suggestions with random components where only component ``driver`` decides whether a
    profile followed."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, len(scoring.COMPONENTS)))
    y = rng.random(n) < 1 / (1 + np.exp(-(-3.0 + 6.0 * x[:, driver])))
    return x, y


@pytest.mark.parametrize("driver", range(len(scoring.COMPONENTS)))
def test_the_component_that_led_to_profiles_gains_weight_and_the_others_do_not(driver):
    x, y = _history(400, driver)
    result = scoring.learn_weights(x, y)
    assert result.learned and result.outcomes == 400
    name = scoring.COMPONENTS[driver]
    assert result.weights[name] > scoring.DEFAULT_WEIGHTS[name] * 1.5
    for other in scoring.COMPONENTS:
        if other != name:
            assert result.weights[other] <= scoring.DEFAULT_WEIGHTS[other], other
    assert sum(result.weights.values()) == pytest.approx(1.0)


def test_with_no_outcomes_or_too_few_the_default_weights_stand():
    empty = scoring.learn_weights(np.zeros((0, 5)), np.zeros(0))
    assert not empty.learned and empty.weights == scoring.DEFAULT_WEIGHTS
    x, y = _history(20, 1)
    assert scoring.learn_weights(x, y).weights == scoring.DEFAULT_WEIGHTS
    x, _y = _history(200, 1)
    assert not scoring.learn_weights(x, np.zeros(200, dtype=bool)).learned  # one kind only


def contacted_suggestions(unit, x, contacted_at, outcomes) -> None:
    """One contacted suggestion per row of ``x`` (its components), in weekly batches of 20 from
    the week of ``contacted_at``, with the given outcome (True, False or None: not settled)."""
    monday = week_of(contacted_at.date())
    OutreachSuggestion.objects.bulk_create(
        OutreachSuggestion(
            unit=unit,
            week=monday + dt.timedelta(weeks=i // 20),
            key=f"o{i}",
            name=f"F{i}",
            rank=1,
            score=0.5,
            components=dict(zip(scoring.COMPONENTS, map(float, x[i]), strict=True)),
            contacted_at=contacted_at,
            led_to_profile=outcome,
        )
        for i, outcome in enumerate(outcomes)
    )


def test_the_units_list_learns_from_its_settled_suggestions(unit, coordinator):
    assert learned_weights(unit).weights == scoring.DEFAULT_WEIGHTS
    x, y = _history(120, scoring.COMPONENTS.index("hiring"))
    contacted_suggestions(unit, x, timezone.now(), [bool(v) for v in y])
    learned = learned_weights(unit)
    assert learned.learned and learned.outcomes == 120
    assert learned.weights["hiring"] > scoring.DEFAULT_WEIGHTS["hiring"]
    assert learned.weights["demand"] <= scoring.DEFAULT_WEIGHTS["demand"]


def test_the_list_uses_new_weights_as_soon_as_outcomes_settle(unit, coordinator):
    """The learned weights are cached with the unit (issue 22) and must not outlive a settling:
    contacted suggestions whose window has passed settle (in bulk) on the next view, and that
    view already ranks with the weights learned from them."""
    assert outreach_list_show(by=coordinator, today=TODAY).weights.learned is False  # cached
    x, y = _history(120, scoring.COMPONENTS.index("hiring"))
    contacted = timezone.make_aware(dt.datetime(2026, 8, 3, 10))  # 15 weeks before TODAY
    # The ones without a profile are open: the view settles them as not led to one.
    contacted_suggestions(unit, x, contacted, [True if v else None for v in y])
    weights = outreach_list_show(by=coordinator, today=TODAY).weights
    assert weights.learned and weights.outcomes == 120
    assert weights.weights["hiring"] > scoring.DEFAULT_WEIGHTS["hiring"]


def test_hours_the_participant_cannot_work_are_no_demand_and_shared_skills_are(unit, coordinator):
    from core.models import Skill
    from matching.models import ParticipantSkill
    from tests.factories.employers import SiteFactory

    employer = EmployerFactory(unit=unit, name="Lagret AB", orgnr=stored(1))
    profile = TaskProfileFactory(
        employer=employer,
        site=SiteFactory(employer=employer),
        unit=unit,
        hours_min=25,
        occupation=Occupation.objects.filter(ssyk_id="4322").first(),
        slots_total=1,
        status="filled",
    )
    truck = Skill.objects.order_by("pk").first()
    profile.skills.create(skill=truck, weight=3)
    wants_it = ParticipantFactory(unit=unit, hours_max=30)
    wants_it.desired_occupations.add(Occupation.objects.filter(ssyk_id="4322").first())
    too_few_hours = ParticipantFactory(unit=unit, hours_max=10)
    too_few_hours.desired_occupations.add(Occupation.objects.filter(ssyk_id="4322").first())
    has_skill = ParticipantFactory(unit=unit, hours_max=40)
    ParticipantSkill.objects.create(participant=has_skill, skill=truck, source="observed")
    ParticipantFactory(unit=unit, hours_max=40)  # wants nothing they hire for
    listing = outreach_list_show(by=coordinator)
    only = row(listing, "Lagret AB")
    assert only.components["demand"] == pytest.approx(1 - np.exp(-2 / 3), abs=1e-4)
    text = " ".join(only.reason_texts)
    assert "2 waiting participants within reach" in text
    assert "skills its profiles ask for" in text


def test_another_units_contact_does_not_lower_this_units_priority(unit, coordinator, other_unit):
    from core.choices import Role
    from tests.factories.core import UserFactory

    other_unit.region = unit.region
    other_unit.save()
    colleague = UserFactory(username="olle", role=Role.COORDINATOR, unit=other_unit)
    cleaners(unit)
    employer = EmployerFactory(unit=unit, name="Städbolaget AB", orgnr=stored(1))
    load(unit, [ad(1, org=orgnr(1), name="Städbolaget AB")])
    InteractionFactory(employer=employer, by=colleague, occurred_on=TODAY)
    assert row(outreach_list_show(by=coordinator), "Städbolaget AB").components["not_recent"] == 1
    theirs = row(outreach_list_show(by=colleague), "Städbolaget AB")  # the ads alone
    assert theirs.components["not_recent"] == 0 and theirs.components["demand"] == 0
    assert OutreachSuggestion.objects.filter(unit=other_unit).count() == 1
    assert OutreachSuggestion.objects.filter(unit=unit).count() == 1


def test_settling_outcomes_costs_the_same_queries_for_more_contacted_suggestions(
    unit, coordinator, django_assert_max_num_queries
):
    from placements.outreach.services import outreach_outcomes_settle

    employers = [EmployerFactory(unit=unit, name=f"E{i} AB") for i in range(12)]
    now = timezone.now() - dt.timedelta(days=3)
    OutreachSuggestion.objects.bulk_create(
        OutreachSuggestion(
            unit=unit,
            week=dt.date(2026, 11, 9),
            key=f"e{e.pk}",
            employer=e,
            name=e.name,
            rank=i + 1,
            score=0.5,
            contacted_at=now,
        )
        for i, e in enumerate(employers)
    )
    for e in employers[:6]:
        TaskProfileFactory(employer=e, unit=unit)
    with django_assert_max_num_queries(6):
        assert outreach_outcomes_settle(unit=unit) == 6
    assert OutreachSuggestion.objects.filter(led_to_profile=True).count() == 6
