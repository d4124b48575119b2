"""The history import's optional ``project`` column: a project of the unit enrols the participant;
an unknown project (or another unit's) is a row error naming the column."""

import datetime as dt

import pytest

from placements.importing_history import COLUMNS, import_history
from placements.models import Project, ProjectEnrolment
from tests.factories.history import personnummer

pytestmark = pytest.mark.django_db

HEADER = "identifier;gender;municipality;enrolled_on;exit_date;exit_outcome;projekt\n"


@pytest.fixture
def projects(unit, other_unit):
    mine = Project.objects.create(
        unit=unit, name="Vägen In", starts_on=dt.date(2024, 3, 1), ends_on=dt.date(2025, 12, 31)
    )
    theirs = Project.objects.create(
        unit=other_unit,
        name="Annan enhet",
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2025, 12, 31),
    )
    return mine, theirs


def test_the_project_column_is_in_the_template():
    assert COLUMNS[-1] == "project"


def test_a_named_project_enrols_the_participant(manager, projects):
    mine, _theirs = projects
    content = (
        HEADER
        + f"{personnummer(1)};kvinna;Kalmar;2024-01-10;2024-09-30;studies;vägen in\n"
        + f"{personnummer(2)};man;Kalmar;2024-05-02;;;Vägen In\n"
        + f"{personnummer(3)};man;Kalmar;2024-05-02;;;\n"
    ).encode()
    report = import_history(content=content, filename="h.csv", by=manager, dry_run=False)
    assert report.ok, report.as_dict()
    enrolments = {
        e.participant.gender: e.started_on
        for e in ProjectEnrolment.objects.select_related("participant")
    }
    # from the enrolment date, or the project's start when the enrolment came before it
    assert enrolments == {"kvinna": dt.date(2024, 3, 1), "man": dt.date(2024, 5, 2)}
    assert ProjectEnrolment.objects.filter(project=mine).count() == 2


@pytest.mark.parametrize("name", ["Okänt projekt", "Annan enhet"])
def test_an_unknown_or_foreign_project_is_a_row_error_naming_the_column(manager, projects, name):
    content = (
        HEADER
        + f"{personnummer(1)};kvinna;Kalmar;2024-05-02;;;Vägen In\n"
        + f"{personnummer(2)};man;Kalmar;2024-05-02;;;{name}\n"
    ).encode()
    report = import_history(content=content, filename="h.csv", by=manager, dry_run=False)
    assert not report.ok
    bad = {r.row: r.errors for r in report.rows if r.errors}
    assert list(bad) == [3] and list(bad[3]) == ["project"]
    assert name in bad[3]["project"][0]
    assert not ProjectEnrolment.objects.exists()  # all or nothing


def test_an_enrolment_after_the_projects_end_is_a_row_error(manager, projects):
    content = (HEADER + f"{personnummer(1)};kvinna;Kalmar;2026-01-10;;;Vägen In\n").encode()
    report = import_history(content=content, filename="h.csv", by=manager, dry_run=True)
    assert [list(r.errors) for r in report.rows] == [["project"]]
