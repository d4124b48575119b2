"""Every upload goes through the one bounded reader (issue 20): a small XLSX that unpacks to
150 MB is refused as a field error, in the API (400) and in the page (a form error), for the
employer import and the history import alike, before anything parses it and without a job."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from employers.models import ImportJob
from tests.core.test_tabular import _bomb

pytestmark = pytest.mark.django_db

IMPORTS = [
    pytest.param(
        "coordinator", "/api/v1/employers/import/", "/arbetsgivare/import/", id="employers"
    ),
    pytest.param(
        "manager",
        "/api/v1/participant-history/import/",
        "/deltagare/historik/import/",
        id="history",
    ),
]


@pytest.fixture(scope="module")
def bomb():
    return _bomb(150_000_000)


def _never_parse(monkeypatch):
    import openpyxl

    def never(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", never)


@pytest.mark.parametrize(("who", "api_url", "page_url"), IMPORTS)
def test_a_zip_bomb_is_a_field_error_in_api_and_page(
    request, api, monkeypatch, bomb, who, api_url, page_url
):
    user = request.getfixturevalue(who)
    _never_parse(monkeypatch)
    response = api(user).post(
        api_url,
        {"file": SimpleUploadedFile("lista.xlsx", bomb), "dry_run": True},
        format="multipart",
    )
    assert response.status_code == 400
    assert "packas upp till mer än 30 MB" in response.json()["file"][0]
    client = Client()
    client.force_login(user)
    page = client.post(page_url, {"file": SimpleUploadedFile("lista.xlsx", bomb), "dry_run": "on"})
    assert page.status_code == 200
    assert "packas upp till mer än 30 MB" in " ".join(page.context["form"].errors["file"])
    assert "packas upp till mer än 30 MB" in page.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(("who", "api_url", "page_url"), IMPORTS)
def test_a_long_cell_is_a_clear_400(request, api, settings, who, api_url, page_url):
    settings.TABULAR_MAX_CELL_CHARS = 50
    user = request.getfixturevalue(who)
    content = ("name;municipality\n" + "x" * 51 + ";0880\n").encode()
    if "history" in api_url:
        content = ("identifier;enrolled_on\n" + "x" * 51 + ";2026-01-01\n").encode()
    response = api(user).post(
        api_url,
        {"file": SimpleUploadedFile("lista.csv", content), "dry_run": True},
        format="multipart",
    )
    assert response.status_code == 400
    assert "Rad 2, kolumn 1: en cell är för lång" in response.json()["file_errors"][0]
