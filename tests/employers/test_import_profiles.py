"""The employer import carries task profiles, takes Swedish and English headers, reports every
header problem at once, offers "did you mean", imports the valid rows on request, and words its
report carefully (issue 23)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from employers.importing.employers import import_employers
from employers.importing.report import mask_personnummer
from employers.models import Employer, Site, TaskProfile

pytestmark = pytest.mark.django_db


def run(by, text: str, *, dry_run=False, valid_rows_only=False, name="lista.csv"):
    return import_employers(
        content=text.encode("utf-8"),
        filename=name,
        by=by,
        dry_run=dry_run,
        valid_rows_only=valid_rows_only,
    )


def csv(*lines: str) -> str:
    return "\n".join(lines)


SV_HEADER = (
    "Arbetsgivare;Organisationsnummer;Kommunkod;Arbetsplats;Rubrik;Yrke;Omfattning;Platser;"
    "Startdatum;Avslutsdatum;Lat;Lon;Krav;Meriterande"
)


def test_profiles_come_from_the_rows_extra_columns(coordinator):
    text = csv(
        SV_HEADER,
        "Kalmar Bygg AB;556036-0793;0880;Kontoret;Lagerpraktik;4322;50-75;2;2027-01-10;2027-03-31;"
        '56.66;16.36;"truckkörning; Orderplockning";"packa"',
        "Kalmar Bygg AB;556036-0793;0880;Kontoret;Städpraktik;lokalvårdare;100;1;;;56.66;16.36;;",
    )
    report = run(coordinator, text)
    assert report.imported, report.as_dict()
    assert (report.employers_created, report.sites_created, report.profiles_created) == (1, 1, 2)
    stock = TaskProfile.objects.get(title="Lagerpraktik")
    assert stock.occupation.label == "Lagerarbetare/Terminalarbetare"  # by SSYK code
    assert (stock.hours_min, stock.hours_max) == (20, 30)  # 50–75 % of 40 h
    assert stock.slots_total == 2
    assert (stock.period_start, stock.period_end) == (dt.date(2027, 1, 10), dt.date(2027, 3, 31))
    assert (stock.site.latitude, stock.site.longitude) == (56.66, 16.36)
    assert {(s.skill.label, s.required) for s in stock.skills.all()} == {
        ("Truckvana", True),
        ("Orderplockning", True),
        ("Packning", False),
    }
    cleaning = TaskProfile.objects.get(title="Städpraktik")
    assert cleaning.occupation.label == "Städare"  # by synonym
    assert (cleaning.hours_min, cleaning.hours_max) == (40, 40)
    assert cleaning.site_id == stock.site_id  # the same workplace is one site


def test_hours_given_directly_and_one_alone_sets_both(coordinator):
    text = csv(
        "name;municipality;profile_title;hours_min;hours_max",
        "A AB;Kalmar;Första;12;24",
        "B AB;Kalmar;Andra;;16",
    )
    assert run(coordinator, text).imported
    first, second = TaskProfile.objects.order_by("title")
    assert (second.hours_min, second.hours_max) == (12, 24)  # "Andra" sorts first
    assert (first.hours_min, first.hours_max) == (16, 16)


def test_every_header_problem_is_reported_at_once(coordinator):
    with translation.override("en"):
        report = run(
            coordinator, csv("Organisationsnummer;Skostorlek;kommunkd;Avslutsdatum", "x;1;2;3")
        )
    message = report.file_errors[0]
    # Missing and unknown together, in one report, the unknown ones as the file writes them.
    assert "Missing columns: name, municipality." in message
    assert "“Skostorlek”" in message
    assert "“kommunkd”" in message and "did you mean" in message and "kommunkod" in message
    # Aliases are not reported: Organisationsnummer and Avslutsdatum are known.
    assert "Organisationsnummer" not in message and "Avslutsdatum" not in message


@pytest.mark.parametrize(
    "header",
    [
        "namn;orgnr;kommun;slutdatum",
        "Employer name;Organization number;Municipality code;End date",
        "arbetsgivare;organisationsnummer;kommunkod;avslutsdatum",
        "name;org_nr;municipality_code;end_date",
    ],
)
def test_swedish_and_english_header_names_are_accepted(coordinator, header):
    report = run(coordinator, csv(header, "Kalmar Bygg AB;5560360793;0880;"))
    assert report.imported, report.as_dict()
    assert Employer.objects.get().municipality_id == "0880"


def test_a_wrong_choice_gets_did_you_mean_in_words(coordinator):
    with translation.override("en"):
        report = run(
            coordinator,
            csv(
                "name;municipality;sector;profile_title;profile_kind",
                "A AB;Kalmar;privat;Praktik;work",
                "B AB;Kalmar;publik;Praktik;",
            ),
            dry_run=True,
        )
    kind = report.rows[0].errors["profile_kind"][0]
    assert "“work”" in kind and "Did you mean" in kind
    assert "“Work practice”" in kind and "“Work trial”" in kind
    assert "work_trial" not in kind  # words, never codes
    sector = report.rows[1].errors["sector"][0]
    assert "Did you mean" in sector and "“Public”" in sector


def test_an_unknown_occupation_gets_the_nearest_labels(coordinator):
    with translation.override("en"):
        report = run(
            coordinator,
            csv("name;municipality;profile_title;occupation", "A AB;Kalmar;Praktik;Lagerjobbare"),
            dry_run=True,
        )
    message = report.rows[0].errors["occupation"][0]
    assert "Did you mean" in message and "Lagerarbetare/Terminalarbetare" in message


def test_errors_name_the_column_as_the_file_names_it(coordinator):
    report = run(
        coordinator,
        csv(
            "Arbetsgivare;Kommun;Telefon;Kontaktperson;Rubrik;Omfattning;Platser",
            "A AB;Kalmar;12;Kalle;Praktik;200;två",
        ),
        dry_run=True,
    )
    errors = report.rows[0].errors
    assert "Telefon" in errors or "Omfattning" in errors
    assert set(errors) <= {"Telefon", "Omfattning", "Platser"}
    report = run(coordinator, csv("Arbetsgivare;Kommun;Platser;Rubrik", "A AB;Kalmar;två;P"))
    assert set(report.rows[0].errors) == {"Platser"}


def test_valid_rows_only_imports_the_good_rows_and_lists_the_refused(coordinator):
    good = [f"Firma {i} AB;Kalmar;Praktik {i}" for i in range(26)]
    text = csv("name;municipality;profile_title", *good[:13], "Trasig AB;Atlantis;X", *good[13:])
    blocked = run(coordinator, text)
    assert not blocked.imported and Employer.objects.count() == 0
    assert blocked.as_dict()["employers_created"] == 0

    report = run(coordinator, text, valid_rows_only=True)
    data = report.as_dict()
    assert data["imported"] and data["valid_rows"] == 26 and data["refused_rows"] == 1
    assert Employer.objects.count() == 26 and TaskProfile.objects.count() == 26
    refused = [r for r in data["rows"] if r["errors"]]
    assert [r["row"] for r in refused] == [15] and refused[0]["action"] == "refused"
    assert not Employer.objects.filter(name="Trasig AB").exists()


def test_valid_rows_only_with_a_dry_run_writes_nothing(coordinator):
    text = csv("name;municipality", "A AB;Kalmar", "B AB;Atlantis")
    report = run(coordinator, text, dry_run=True, valid_rows_only=True)
    assert report.as_dict()["employers_created"] == 1 and not report.imported
    assert Employer.objects.count() == 0 and Site.objects.count() == 0


def test_a_refused_row_never_says_created(coordinator):
    # The employer is made, then its contact fails: the row is refused, not "created".
    report = run(
        coordinator, csv("name;municipality;contact_name;contact_phone", "A AB;Kalmar;Kalle;12")
    )
    row = report.as_dict()["rows"][0]
    assert row["errors"] and row["action"] == "refused"
    assert report.employers_created == 0


@pytest.mark.parametrize(
    "number",
    ["19811218-9876", "811218-9876", "8112189876", "198112189876", "811278-9876"],
)
def test_no_personnummer_digits_in_the_report(coordinator, number):
    report = run(
        coordinator,
        csv("name;orgnr;municipality", f"Firma {number};{number};Kalmar"),
        dry_run=True,
    )
    data = str(report.as_dict())
    assert "9876" not in data and "1218" not in data and "1278" not in data
    assert report.as_dict()["rows"][0]["employer"].startswith("Firma ")


def test_organisation_numbers_stay_readable():
    assert mask_personnummer("556036-0793 och 5560360793") == "556036-0793 och 5560360793"
    assert "8112" not in mask_personnummer("Ring 811218-9876")


def test_the_api_takes_valid_rows_only(api, coordinator):
    text = csv("name;municipality", "A AB;Kalmar", "B AB;Atlantis")
    file = SimpleUploadedFile("lista.csv", text.encode(), content_type="text/csv")
    response = api(coordinator).post(
        "/api/v1/employers/import/",
        {"file": file, "dry_run": False, "valid_rows_only": True},
        format="multipart",
    )
    assert response.status_code == 200 and response.json()["imported"]
    assert list(Employer.objects.values_list("name", flat=True)) == ["A AB"]
