"""The import page offers "import the valid rows" after a dry run that refused some, as an
explicit choice, and lists the refused rows with their reasons (issue 23)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from employers.models import Employer, ImportJob, TaskProfile
from employers.services.imports import import_job_run

pytestmark = pytest.mark.django_db

FILE = (
    "Arbetsgivare;Kommun;Rubrik;Omfattning\n"
    "Bra AB;Kalmar;Lagerpraktik;50\n"
    "Trasig AB;Atlantis;Städpraktik;100\n"
    "Också Bra AB;Nybro;Kökspraktik;75\n"
)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _dry_run(client) -> ImportJob:
    file = SimpleUploadedFile("lista.csv", FILE.encode(), content_type="text/csv")
    response = client.post("/arbetsgivare/import/", {"file": file, "dry_run": "on"})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    import_job_run(job.pk)
    return job


def test_dry_run_lists_the_refused_rows_and_offers_the_valid_ones(coordinator):
    client = _client(coordinator)
    job = _dry_run(client)
    html = client.get(f"/arbetsgivare/import/{job.pk}/").content.decode()
    assert "Trasig AB" in html and "Kommun: Okänd kommun" in html  # the file's own header
    assert 'id="import-valid-rows"' in html and "Importera de giltiga raderna (2)" in html
    assert "Importera nu" not in html  # the whole file is not offered

    # "Import now" without the choice imports nothing.
    client.post(f"/arbetsgivare/import/{job.pk}/")
    assert ImportJob.objects.count() == 1 and not Employer.objects.exists()

    response = client.post(f"/arbetsgivare/import/{job.pk}/", {"valid_rows_only": "1"})
    real = ImportJob.objects.exclude(pk=job.pk).get()
    assert response.status_code == 302 and response.url.endswith(f"/{real.pk}/")
    assert real.valid_rows_only and not real.dry_run
    import_job_run(real.pk)
    assert sorted(Employer.objects.values_list("name", flat=True)) == ["Bra AB", "Också Bra AB"]
    assert TaskProfile.objects.count() == 2
    html = client.get(f"/arbetsgivare/import/{real.pk}/").content.decode()
    assert "1 rad avvisades" in html and "Trasig AB" in html
    assert 'id="import-valid-rows"' not in html


def test_a_clean_dry_run_offers_no_valid_rows_button(coordinator):
    client = _client(coordinator)
    file = SimpleUploadedFile("lista.csv", b"name;municipality\nA AB;Kalmar\n")
    client.post("/arbetsgivare/import/", {"file": file, "dry_run": "on"})
    job = ImportJob.objects.get()
    import_job_run(job.pk)
    html = client.get(f"/arbetsgivare/import/{job.pk}/").content.decode()
    assert "Importera nu" in html and 'id="import-valid-rows"' not in html


def test_another_units_job_cannot_be_imported(coordinator, foreign_coordinator):
    job = _dry_run(_client(coordinator))
    response = _client(foreign_coordinator).post(
        f"/arbetsgivare/import/{job.pk}/", {"valid_rows_only": "1"}
    )
    assert response.status_code == 404 and ImportJob.objects.count() == 1


def test_json_ads_are_accepted_by_the_page(coordinator):
    import json

    ad = {
        "headline": "Lagermedarbetare",
        "employer": {"name": "Annons AB", "organization_number": "5560360793"},
        "workplace_address": {"municipality_code": "0880", "coordinates": [16.36, 56.66]},
        "occupation": {"label": "Lagerarbetare"},
        "scope_of_work": {"min": 100, "max": 100},
    }
    client = _client(coordinator)
    file = SimpleUploadedFile("annonser.json", json.dumps({"hits": [ad]}).encode())
    assert client.post("/arbetsgivare/import/", {"file": file}).status_code == 302
    import_job_run(ImportJob.objects.get().pk)
    profile = TaskProfile.objects.get()
    assert profile.employer.name == "Annons AB" and profile.hours_max == 40
