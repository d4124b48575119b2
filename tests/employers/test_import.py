import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from employers.models import ContactPerson, Employer, Site

pytestmark = pytest.mark.django_db

HEADER = "name;orgnr;municipality;industry;site_name;address;locality;contact_name;contact_phone;contact_is_supervisor"
GOOD = [
    "Kalmar Bygg AB;556036-0793;Kalmar;F;Kontoret;Storgatan 2;Kalmar;Per Persson;0480-123 45;ja",
    "Kalmar Bygg AB;556036-0793;Kalmar;F;Förrådet;Hamngatan 9;Kalmar;;;",
    "Nybro Glas;;0881;C;Hytta;Glasgatan 1;Nybro;Anna Glas;+46 70 123 45 67;nej",
]


def upload(text: str, name: str = "arbetsgivare.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def post(client, file, dry_run):
    return client.post(
        "/api/v1/employers/import/", {"file": file, "dry_run": dry_run}, format="multipart"
    )


def test_dry_run_reports_and_writes_nothing(api, coordinator):
    response = post(api(coordinator), upload("\n".join([HEADER, *GOOD])), True)
    assert response.status_code == 200
    report = response.json()
    assert report["ok"] and report["dry_run"] and not report["imported"]
    assert (report["employers_created"], report["sites_created"], report["contacts_created"]) == (
        2,
        3,
        2,
    )
    assert Employer.objects.count() == 0 and Site.objects.count() == 0


def test_dry_run_lists_every_rows_errors(api, coordinator):
    rows = [
        HEADER,
        GOOD[0],
        "Trasig AB;123;Kalmar;;;;;;;",
        "Okänd kommun AB;;Atlantis;;;;;;;",
        "Fel telefon AB;;Kalmar;;;;;Kalle;12;",
        ";;Kalmar;;;;;;;",
    ]
    report = post(api(coordinator), upload("\n".join(rows)), True).json()
    assert not report["ok"]
    errors = {r["row"]: r["errors"] for r in report["rows"]}
    assert errors[2] == {}
    assert "orgnr" in errors[3]
    assert "municipality" in errors[4]
    assert "contact_phone" in errors[5]  # the column as the file names it
    assert "name" in errors[6]


def test_a_faulty_file_imports_nothing(api, coordinator):
    rows = [HEADER, *GOOD, "Trasig AB;123;Kalmar;;;;;;;"]
    response = post(api(coordinator), upload("\n".join(rows)), False)
    assert response.status_code == 400
    assert not response.json()["imported"]
    assert (
        Employer.objects.count() == 0
        and Site.objects.count() == 0
        and ContactPerson.objects.count() == 0
    )


def test_a_good_file_imports_all(api, coordinator):
    response = post(api(coordinator), upload("\n".join([HEADER, *GOOD])), False)
    assert response.status_code == 200 and response.json()["imported"]
    bygg = Employer.objects.get(orgnr="556036-0793")
    assert bygg.sites.count() == 2 and bygg.unit == coordinator.unit
    assert bygg.contacts.get().phone == "+4648012345"
    glas = Employer.objects.get(name="Nybro Glas")
    assert glas.municipality_id == "0881" and glas.sites.get().latitude is not None
    assert glas.contacts.get().is_supervisor is False


def test_an_orgnr_already_in_the_database_is_a_row_error(api, coordinator, employer):
    report = post(api(coordinator), upload("\n".join([HEADER, GOOD[0]])), True).json()
    assert "Kalmar Lager AB" in report["rows"][0]["errors"]["orgnr"][0]


def test_xlsx_import(api, coordinator):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(";"))
    for row in GOOD:
        ws.append(row.split(";"))
    buffer = io.BytesIO()
    wb.save(buffer)
    file = SimpleUploadedFile("lista.xlsx", buffer.getvalue())
    response = post(api(coordinator), file, False)
    assert response.status_code == 200, response.json()
    assert Employer.objects.count() == 2 and Site.objects.count() == 3


@pytest.mark.parametrize(
    ("content", "name", "where"),
    [
        ("", "a.csv", "file"),
        ("\n\n", "a.csv", "file_errors"),
        ("rad;plats\nX;Kalmar", "a.csv", "file_errors"),  # "namn;kommun" is now an alias
        ("name;municipality;shoe_size\nX;Kalmar;42", "a.csv", "file_errors"),
        ("just text", "a.pdf", "file"),
    ],
)
def test_unreadable_files_are_clear_errors(api, coordinator, content, name, where):
    response = post(api(coordinator), upload(content, name), True)
    assert response.status_code == 400
    assert response.json()[where]


def test_only_coordinators_import(api, guide):
    assert post(api(guide), upload("\n".join([HEADER, *GOOD])), False).status_code == 403
