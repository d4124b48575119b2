"""History import: dry run first, all or nothing, every bad row reported, imported history never
reminded, and the statistics reflect it."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client

from core.choices import Role
from matching.models import Participant
from placements.importing_history import import_history
from placements.models import Exit, FollowUp, Placement
from placements.reporting import statistics as st
from placements.services.followups import send_followup_reminders
from tests.factories.core import UserFactory
from tests.factories.employers import EmployerFactory
from tests.factories.history import as_csv, as_xlsx, history_rows, personnummer

pytestmark = pytest.mark.django_db

HEADER = (
    "identifier;gender;birth_year;municipality;target_group;enrolled_on;placement_employer;"
    "placement_kind;placement_start;placement_end;exit_date;exit_outcome\n"
)


@pytest.fixture
def employers(unit):
    return [
        EmployerFactory(name="Lager A", unit=unit, orgnr="556036-0793"),
        EmployerFactory(name="Butik B", unit=unit),
    ]


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_good_file_is_checked_then_imported_whole(manager, employers):
    rows = history_rows(60, [e.name for e in employers])
    content = as_csv(rows)
    people = len({r[0] for r in rows[1:]})
    exits = sum(1 for r in rows[1:] if r[12])

    dry = import_history(content=content, filename="h.csv", by=manager, dry_run=True)
    assert dry.ok and dry.participants_created == people
    assert Participant.objects.count() == 0 and Placement.objects.count() == 0  # nothing written

    real = import_history(content=content, filename="h.csv", by=manager, dry_run=False)
    assert real.ok
    assert Participant.objects.filter(imported=True, unit=manager.unit).count() == people
    assert Placement.objects.filter(imported=True).count() == 60
    assert Exit.objects.filter(imported=True).count() == exits
    assert Participant.objects.filter(active=False, phase="exited").count() == exits
    # an exited participant's placements are all ended
    assert not Placement.objects.filter(participant__active=False).exclude(status="ended").exists()

    # the statistics reflect it
    scope, _ = st.parse_filters(
        manager, {"start": "2020-01-01", "end": dt.date.today().isoformat()}
    )
    report = st.build_report(scope)
    total = next(r for r in report.table("participants").rows if r.key == "in_period")
    exited = next(r for r in report.table("participants").rows if r.key == "exited")
    assert total.cells[-1].value == people and exited.cells[-1].value == exits


def test_imported_history_gets_no_followups_reminders_or_email(manager, employers):
    content = (
        HEADER
        + f"{personnummer(1)};kvinna;;Kalmar;;2024-01-10;Lager A;Arbetspraktik;2024-02-01;;;\n"
    ).encode()
    assert import_history(content=content, filename="h.csv", by=manager, dry_run=False).ok
    placement = Placement.objects.get()
    assert placement.status == "ongoing" and placement.imported
    assert not FollowUp.objects.exists()
    # even a planned follow-up on imported history is never reminded
    FollowUp.objects.create(placement=placement, planned_on=dt.date(2024, 3, 1))
    assert send_followup_reminders() == 0 and mail.outbox == []


def test_a_file_with_bad_rows_writes_nothing_and_reports_every_bad_row(manager, employers):
    good = f"{personnummer(1)};kvinna;;Kalmar;;2024-01-10;Lager A;Arbetspraktik;2024-02-01;2024-03-01;2024-04-01;Arbete utan stöd\n"
    content = (
        HEADER
        + good  # row 2
        + "19900101-1234;man;;Kalmar;;2024-01-10;;;;;;\n"  # row 3: bad personnummer
        + f"{personnummer(2)};man;;Atlantis;;2024-01-10;;;;;;\n"  # row 4: unknown municipality
        + f"{personnummer(3)};man;;Kalmar;;2024-01-10;Okänd AB;practice;2024-02-01;;;\n"  # row 5
        + f"{personnummer(4)};man;;Kalmar;;2024-01-10;;;;;2023-12-01;studies\n"  # row 6: exit early
        + f"{personnummer(5)};robot;;Kalmar;;2024-01-10;;;;;;\n"  # row 7: unknown gender
        + f"{personnummer(6)};man;;Kalmar;;2024-01-10;;;;;2024-05-01;vet ej\n"  # row 8: outcome
        + f"{personnummer(7)};man;;Kalmar;;2099-01-10;;;;;;\n"  # row 9: enrolment in the future
    ).encode()
    report = import_history(content=content, filename="h.csv", by=manager, dry_run=False)
    assert not report.ok
    bad = {r.row: set(r.errors) for r in report.rows if r.errors}
    assert bad == {
        3: {"personnummer"},
        4: {"municipality"},
        5: {"placement_employer"},
        6: {"exit_date"},
        7: {"gender"},
        8: {"exit_outcome"},
        9: {"enrolled_on"},
    }
    assert report.as_dict()["participants_created"] == 0
    assert not Participant.objects.exists() and not Placement.objects.exists()
    assert not Exit.objects.exists()


def test_xlsx_with_swedish_headers_and_labels(manager, employers):
    rows = [
        [
            "Personnummer",
            "Kön",
            "Födelseår",
            "Kommun",
            "Målgrupp",
            "Inskriven",
            "Arbetsgivare",
            "Insats",
            "Insats_start",
            "Insats_slut",
            "Avslutsdatum",
            "Utfall",
        ],
        [
            personnummer(9),
            "Kvinna",
            1980,  # the number's (personnummer(9) is 19801129-…); another year is a row error
            "0881",
            "nyanländ, långtidsarbetslös",
            dt.date(2024, 1, 8),
            "556036-0793",
            "Anställning",
            dt.date(2024, 3, 1),
            None,
            dt.date(2024, 9, 30),
            "Arbete med stöd",
        ],
    ]
    report = import_history(content=as_xlsx(rows), filename="h.xlsx", by=manager, dry_run=False)
    assert report.ok, [r.errors for r in report.rows]
    person = Participant.objects.get()
    assert (person.gender, person.birth_year, person.municipality.code) == ("kvinna", 1980, "0881")
    assert person.newly_arrived and person.long_term_unemployed and not person.active
    placement = Placement.objects.get()
    assert (placement.kind, placement.hired_on, placement.ended_on) == (
        "employment",
        dt.date(2024, 3, 1),
        dt.date(2024, 9, 30),
    )
    assert Exit.objects.get().outcome == "work_subsidised"


def test_an_existing_code_gets_history_added(manager, employers, participant):
    Participant.objects.filter(pk=participant.pk).update(enrolled_on=dt.date(2025, 1, 1))
    content = (
        HEADER + f"{participant.code};;;;;;Butik B;practice;2026-01-05;2026-02-05;;\n"
    ).encode()
    report = import_history(content=content, filename="h.csv", by=manager, dry_run=False)
    assert report.ok and report.participants_created == 0
    assert Placement.objects.get().participant == participant


def test_the_page_runs_the_job_dry_run_first(
    manager, employers, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from employers.models import ImportJob

    client = client_for(manager)
    content = as_csv(history_rows(10, [e.name for e in employers]))
    upload = SimpleUploadedFile("historik.csv", content)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/deltagare/historik/import/", {"file": upload, "dry_run": "on"})
    job = ImportJob.objects.get()
    assert (
        job.kind == "participant_history"
        and response.url == f"/deltagare/historik/import/{job.pk}/"
    )
    page = client.get(response.url).content.decode()
    assert "Importera filen nu" in page and not Participant.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        imported = client.post(response.url)
    assert "Importerad" in client.get(imported.url).content.decode()
    assert Placement.objects.filter(imported=True).count() == 10
    # the employer import page does not list history jobs
    coordinator_page = client_for(
        UserFactory(username="c2", role=Role.COORDINATOR, unit=manager.unit)
    )
    assert "historik.csv" not in coordinator_page.get("/arbetsgivare/import/").content.decode()


def test_templates_download_with_every_column(manager):
    from placements.importing_history import COLUMNS

    client = client_for(manager)
    csv_body = client.get("/deltagare/historik/mall/csv/").content.decode("utf-8-sig")
    assert csv_body.splitlines()[0] == ";".join(COLUMNS)
    xlsx = client.get("/deltagare/historik/mall/xlsx/")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("who", ["coordinator", "guide", "employer_user", "foreign_guide"])
def test_only_managers_and_admins_import_history(request, who):
    user = request.getfixturevalue(who)
    assert client_for(user).get("/deltagare/historik/import/").status_code == 403
    assert client_for(user).get("/deltagare/historik/mall/csv/").status_code == 403


def test_anonymous_is_sent_to_login():
    response = Client().get("/deltagare/historik/import/")
    assert response.status_code == 302 and "logga-in" in response.url


def test_admin_may_import(admin_user, employers):
    content = (HEADER + f"{personnummer(1)};man;;Kalmar;;2024-01-10;;;;;;\n").encode()
    assert import_history(content=content, filename="h.csv", by=admin_user, dry_run=False).ok


def test_the_same_person_written_two_ways_is_one_participant(manager, employers):
    number = personnummer(3)  # YYYYMMDD-NNNN
    short = number[2:].replace("-", "")  # YYMMDDNNNN
    content = (
        HEADER
        + f"{number};man;;Kalmar;;2024-01-10;Lager A;practice;2024-02-01;2024-03-01;;\n"
        + f"{short};;;;;;Butik B;employment;2024-03-05;;2024-06-01;work_unsubsidised\n"
    ).encode()
    report = import_history(content=content, filename="h.csv", by=manager, dry_run=False)
    assert report.ok, [r.errors for r in report.rows]
    assert Participant.objects.count() == 1 and Placement.objects.count() == 2


def test_api_import_answers_with_the_report(manager, guide, employers, api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = (HEADER + f"{personnummer(1)};man;;Kalmar;;2024-01-10;;;;;;\n").encode()
    url = "/api/v1/participant-history/import/"
    dry = api(manager).post(url, {"file": SimpleUploadedFile("h.csv", content)}, format="multipart")
    assert dry.status_code == 200 and dry.json()["dry_run"] and not Participant.objects.exists()
    real = api(manager).post(
        url, {"file": SimpleUploadedFile("h.csv", content), "dry_run": "false"}, format="multipart"
    )
    assert real.status_code == 200 and real.json()["participants_created"] == 1
    bad = api(manager).post(
        url,
        {"file": SimpleUploadedFile("h.csv", (HEADER + "x;;;;;;;;;;;\n").encode())},
        format="multipart",
    )
    assert bad.status_code == 400 and bad.json()["rows"][0]["errors"]
    assert api(guide).post(url, {"file": SimpleUploadedFile("h.csv", content)}).status_code == 403
    assert api(None).post(url, {}).status_code in (401, 403)
