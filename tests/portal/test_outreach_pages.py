"""The pages and API of "Vem kontaktar jag nu?" (issue 25) and the historical-ads upload: who may
see and do what, the reasons in Swedish, one click to log a call or add an employer, bad input."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.models import Occupation
from employers.importing.historical_ads import import_historical_ads
from employers.models import Employer, HistoricalAd, Interaction
from tests.factories.employers import EmployerFactory
from tests.factories.matching import ParticipantFactory
from tests.placements.outreach_data import ad, orgnr, stored

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(dt.datetime(2026, 11, 18, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def scene(unit):
    cleaner = Occupation.objects.filter(ssyk_id="9111").first()
    for _i in range(3):
        ParticipantFactory(unit=unit).desired_occupations.add(cleaner)
    known = EmployerFactory(unit=unit, name="Städbolaget AB", orgnr=stored(1))
    ads = [ad(i, org=orgnr(1), name="Städbolaget AB") for i in range(3)]
    ads.append(ad(9, org=orgnr(2), name="Annonsbolaget AB"))
    content = "\n".join(json.dumps(a) for a in ads).encode()
    import_historical_ads(content=content, region=unit.region, dry_run=False)
    return known


def sv(client):
    client.cookies["django_language"] = "sv"
    return client


def test_the_coordinator_sees_the_list_with_reasons_in_swedish_and_buttons(
    client, coordinator, scene
):
    client.force_login(coordinator)
    page = sv(client).get("/vem-kontaktar-jag-nu/").content.decode()
    assert "Vem kontaktar jag nu?" in page
    assert "Städbolaget AB" in page and "Annonsbolaget AB" in page
    assert "3 väntande deltagare inom räckhåll" in page
    assert "Finns inte i registret än" in page
    assert "Logga samtal" in page and "Lägg till i registret" in page
    assert 'id="menu-outreach"' in page


def test_one_click_logs_the_call_in_the_contact_log(client, coordinator, scene):
    client.force_login(coordinator)
    client.get("/vem-kontaktar-jag-nu/")
    response = client.post(f"/vem-kontaktar-jag-nu/samtal/{scene.pk}/")
    assert response.status_code == 302
    entry = Interaction.objects.get(employer=scene)
    assert entry.kind == "call" and entry.by == coordinator
    assert "Ringd den här veckan" in client.get("/vem-kontaktar-jag-nu/").content.decode()


def test_one_click_adds_the_employer_from_the_ads(client, coordinator, scene):
    client.force_login(coordinator)
    response = client.post("/vem-kontaktar-jag-nu/till-registret/", {"orgnr": orgnr(2)})
    assert response.status_code == 302
    added = Employer.objects.get(orgnr=stored(2))
    assert added.name == "Annonsbolaget AB" and added.status == "prospect"
    again = client.post("/vem-kontaktar-jag-nu/till-registret/", {"orgnr": orgnr(2)}, follow=True)
    assert "finns redan i regionens register" in again.content.decode()
    assert Employer.objects.filter(orgnr=stored(2)).count() == 1
    bad = client.post("/vem-kontaktar-jag-nu/till-registret/", {"orgnr": "123"}, follow=True)
    assert (
        bad.status_code == 200
        and "inte ett giltigt svenskt organisationsnummer" in bad.content.decode()
    )


def test_the_manager_reads_without_buttons_and_others_are_refused(
    client, manager, guide, employer_user, scene
):
    client.force_login(manager)
    page = client.get("/vem-kontaktar-jag-nu/").content.decode()
    assert "Städbolaget AB" in page and "Logga samtal" not in page
    assert client.post(f"/vem-kontaktar-jag-nu/samtal/{scene.pk}/").status_code == 403
    for user in (guide, employer_user):
        client.force_login(user)
        assert client.get("/vem-kontaktar-jag-nu/").status_code == 403
        assert client.post(f"/vem-kontaktar-jag-nu/samtal/{scene.pk}/").status_code == 403
        assert client.get("/arbetsgivare/annonshistorik/").status_code == 403
    assert not Interaction.objects.exists()
    client.logout()
    assert client.get("/vem-kontaktar-jag-nu/").status_code == 302


def test_the_list_page_costs_the_same_queries_for_more_employers(client, coordinator, unit, scene):
    client.force_login(coordinator)
    client.get("/vem-kontaktar-jag-nu/")
    with CaptureQueriesContext(connection) as few:
        client.get("/vem-kontaktar-jag-nu/")
    more = [ad(100 + i, org=orgnr(10 + i), name=f"Fler {i} AB") for i in range(12)]
    import_historical_ads(
        content="\n".join(json.dumps(a) for a in more).encode(), region=unit.region, dry_run=False
    )
    for i in range(5):
        EmployerFactory(unit=unit, name=f"Registrerad {i} AB", orgnr=stored(10 + i))
    with CaptureQueriesContext(connection) as many:
        client.get("/vem-kontaktar-jag-nu/")
    # A view that shows what is recorded writes nothing; here the week's new suggestions are
    # recorded: one insert and one update, in a transaction (its start and end).
    assert len(many) <= len(few) + 4
    assert not any(q["sql"].startswith(("INSERT", "UPDATE")) for q in few.captured_queries)


# --- the API -----------------------------------------------------------------------------------


def api(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def test_the_api_lists_logs_and_adds(coordinator, scene):
    body = api(coordinator).get("/api/v1/outreach/").json()
    assert body["week"] == "2026-11-16" and body["weights"]["learned"] is False
    names = [r["name"] for r in body["rows"]]
    assert names[0] == "Städbolaget AB" and "Annonsbolaget AB" in names
    assert any("waiting participants" in t for t in body["rows"][0]["reasons"])
    logged = api(coordinator).post("/api/v1/outreach/log-call/", {"employer": scene.pk})
    assert logged.status_code == 201 and logged.json()["kind"] == "call"
    added = api(coordinator).post("/api/v1/outreach/add-to-register/", {"orgnr": orgnr(2)})
    assert added.status_code == 201 and added.json()["orgnr"] == stored(2)


def test_the_api_refuses_bad_input_with_field_messages(coordinator, scene, other_unit):
    from core.models import Region

    other_unit.region = Region.objects.create(name="Kronoberg")
    other_unit.save()
    elsewhere = EmployerFactory(unit=other_unit, name="Annan region AB")
    for body in ({}, {"employer": "x"}, {"employer": elsewhere.pk}):
        response = api(coordinator).post("/api/v1/outreach/log-call/", body, format="json")
        assert response.status_code == 400 and "employer" in response.json()
    for orgnr_value in ("", "556000-0000", orgnr(55)):
        response = api(coordinator).post(
            "/api/v1/outreach/add-to-register/", {"orgnr": orgnr_value}, format="json"
        )
        assert response.status_code == 400 and "orgnr" in response.json()


# --- the upload --------------------------------------------------------------------------------


def upload(client, ads, *, name="annonser.jsonl", dry_run=True):
    content = "\n".join(json.dumps(a) for a in ads).encode()
    data = {"file": SimpleUploadedFile(name, content)}
    if dry_run:
        data["dry_run"] = "on"
    return client.post("/arbetsgivare/annonshistorik/", data)


def test_the_upload_shows_a_dry_run_summary_and_explains_refused_rows(client, coordinator, unit):
    client.force_login(coordinator)
    ads = [
        ad(i, org=orgnr(i % 3), name=f"F{i % 3} AB", ssyk=("9111", "5321")[i % 2]) for i in range(6)
    ]
    ads[2]["employer"]["organization_number"] = "5560000000"
    ads[4]["workplace_address"]["municipality_code"] = "9999"
    page = upload(client, ads).content.decode()
    assert 'id="ads-read">6<' in page and 'id="ads-created">4<' in page
    assert 'id="ads-refused">2<' in page and "employer.organization_number" in page
    assert "”9999” är ingen svensk kommunkod." in page
    assert not HistoricalAd.objects.exists()
    page = upload(client, ads, dry_run=False).content.decode()
    assert HistoricalAd.objects.filter(region=unit.region).count() == 4
    again = upload(client, ads, dry_run=False).content.decode()
    assert 'id="ads-created">0<' in again and HistoricalAd.objects.count() == 4


def test_the_upload_takes_a_json_list_and_refuses_other_files(client, coordinator):
    client.force_login(coordinator)
    data = json.dumps([ad(1, org=orgnr(1), name="A AB")]).encode()
    page = client.post(
        "/arbetsgivare/annonshistorik/", {"file": SimpleUploadedFile("a.json", data)}
    ).content.decode()
    assert HistoricalAd.objects.count() == 1 and 'id="ads-created">1<' in page
    bad = client.post(
        "/arbetsgivare/annonshistorik/", {"file": SimpleUploadedFile("a.csv", b"x,y")}
    )
    assert (
        bad.status_code == 200 and "Ladda upp en .json- eller .jsonl-fil." in bad.content.decode()
    )
    broken = client.post(
        "/arbetsgivare/annonshistorik/",
        {"file": SimpleUploadedFile("a.jsonl", b'{"id": 1}\n{nope')},
    ).content.decode()
    assert "Rad 2 är inte läsbar JSON." in broken


def test_the_command_imports_a_file(tmp_path, unit):
    from django.core.management import call_command

    path = tmp_path / "ads.jsonl"
    path.write_text("\n".join(json.dumps(ad(i, org=orgnr(1), name="A AB")) for i in range(3)))
    call_command("import_historical_ads", str(path), "--region", unit.region.name, "--dry-run")
    assert not HistoricalAd.objects.exists()
    call_command("import_historical_ads", str(path), "--region", unit.region.name)
    assert HistoricalAd.objects.filter(region=unit.region).count() == 3
