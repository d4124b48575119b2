"""One century rule for Swedish personal numbers (issue 20): the separator (``+`` = 100 or
older) and the 10- and 12-digit forms, against Django's current date, in the service (and so the
API and the pages), the history importer and the duplicate check; a birth year given beside a
number must be the number's."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from matching.models import Participant
from matching.participants.identity import normalise_personal_number
from placements.importing_history import import_history

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)
BODY = {"first_name": "Sara", "last_name": "Ali", "municipality": "0880"}


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("121212-1212", "20121212-1212"),
        ("1212121212", "20121212-1212"),  # no separator: as "-"
        ("121212+1212", "19121212-1212"),  # "+": 100 or older
        ("201212121212", "20121212-1212"),
        ("19121212-1212", "19121212-1212"),
        ("19121212+1212", "19121212-1212"),
        ("260615-1237", "20260615-1237"),  # born today
        ("270101-2383", "19270101-2383"),  # "27" is not yet this century's: 99 this year
    ],
)
def test_the_century_follows_the_separator_and_today(written, normalised):
    assert normalise_personal_number(written) == (normalised, False)


@pytest.mark.parametrize(
    "written",
    ["20121212+1212", "20260616-1234", "121212-1213", "12121212121", "abc"],
)
def test_a_plus_on_someone_under_100_or_a_birth_after_today_is_refused(written):
    """ "+" with a century that makes the person under 100, a birth date after today, a bad
    checksum, a wrong length, and no number at all."""
    with pytest.raises(ValidationError) as caught:
        normalise_personal_number(written)
    assert list(caught.value.message_dict) == ["personnummer"]


def test_the_rule_moves_with_the_pinned_date():
    """A 10-digit number of someone born on 1 January '26 is this year's in 2026 and 1926's in
    2025 (the person is under 100 there only as a 99-year-old)."""
    assert normalise_personal_number("260101-2384")[0] == "20260101-2384"
    assert normalise_personal_number("260101+2384")[0] == "19260101-2384"
    with time_machine.travel(dt.datetime(2025, 6, 15, 10, tzinfo=dt.UTC), tick=False):
        assert normalise_personal_number("260101-2384")[0] == "19260101-2384"
        assert normalise_personal_number("260101+2384")[0] == "18260101-2384"


def test_two_ways_of_writing_one_person_are_one_duplicate_in_the_api(api, guide):
    first = api(guide).post("/api/v1/participants/", {**BODY, "personnummer": "121212-1212"})
    assert first.status_code == 201, first.json()
    assert first.json()["birth_year"] == 2012
    for written in ("1212121212", "201212121212", "20121212-1212"):
        again = api(guide).post("/api/v1/participants/", {**BODY, "personnummer": written})
        assert again.status_code == 400 and list(again.json()) == ["personnummer"], written

    old = api(guide).post("/api/v1/participants/", {**BODY, "personnummer": "260201+2383"})
    assert old.status_code == 201, old.json()
    assert old.json()["birth_year"] == 1926  # "+": turns 100 this year
    same = api(guide).post("/api/v1/participants/", {**BODY, "personnummer": "192602012383"})
    assert same.status_code == 400 and list(same.json()) == ["personnummer"]
    baby = api(guide).post("/api/v1/participants/", {**BODY, "personnummer": "260201-2383"})
    assert baby.status_code == 400 and list(baby.json()) == ["birth_year"]  # born 2026


def test_a_birth_year_that_disagrees_with_the_number_is_a_field_error(api, guide, participant):
    response = api(guide).post(
        "/api/v1/participants/", {**BODY, "personnummer": "121212-1212", "birth_year": 1912}
    )
    assert response.status_code == 400 and list(response.json()) == ["birth_year"]
    assert "2012" in response.json()["birth_year"][0]
    ok = api(guide).post(
        "/api/v1/participants/", {**BODY, "personnummer": "260201+2383", "birth_year": 1926}
    )
    assert ok.status_code == 201, ok.json()
    pk = ok.json()["id"]
    moved = api(guide).patch(f"/api/v1/participants/{pk}/", {"birth_year": 1990})
    assert moved.status_code == 400 and list(moved.json()) == ["birth_year"]
    renumbered = api(guide).patch(f"/api/v1/participants/{pk}/", {"personnummer": "1212121212"})
    assert renumbered.status_code == 200, renumbered.json()
    assert renumbered.json()["birth_year"] == 2012  # follows the new number


def test_the_page_applies_the_same_rule(client, guide):
    client.force_login(guide)
    url = reverse("portal:participant_create")
    form = {
        "first_name": "Sara",
        "last_name": "Ali",
        "gender": "kvinna",
        "municipality": "0880",
        "hours_min": 10,
        "hours_max": 20,
        "swedish_level": 3,
    }
    response = client.post(url, {**form, "personnummer": "260201+2383"})
    assert response.status_code == 302, response.context["form"].errors
    assert Participant.objects.get().birth_year == 1926
    again = client.post(url, {**form, "personnummer": "192602012383"})
    assert again.status_code == 200 and "personnummer" in again.context["form"].errors
    assert Participant.objects.count() == 1


HEADER = "identifier;gender;birth_year;municipality;enrolled_on\n"


def test_the_history_importer_applies_the_same_rule(manager):
    content = (
        HEADER
        + "260201+2383;man;;Kalmar;2024-01-10\n"
        + "192602012383;;;;\n"  # the same person, written with the century
        + "121212-1212;kvinna;;Kalmar;2024-01-10\n"
        + "1212121212;;;;\n"  # the same person, written without the dash
    ).encode()
    report = import_history(content=content, filename="h.csv", by=manager, dry_run=False)
    assert report.ok, [r.errors for r in report.rows]
    assert sorted(Participant.objects.values_list("personnummer", "birth_year")) == [
        ("19260201-2383", 1926),
        ("20121212-1212", 2012),
    ]


def test_the_history_importer_refuses_a_birth_year_that_disagrees(manager):
    content = (HEADER + "121212-1212;man;1990;Kalmar;2024-01-10\n").encode()
    report = import_history(content=content, filename="h.csv", by=manager, dry_run=True)
    assert not report.ok
    assert "birth_year" in report.rows[0].errors
