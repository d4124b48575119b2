"""API docs with no internet, the favicon, and one browsable API root for every endpoint group."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_swagger_ui_is_served_from_our_static_files(api, coordinator):
    html = api(coordinator).get("/api/v1/docs/").content.decode()
    assert "drf_spectacular_sidecar" in html
    for cdn in ("cdn.jsdelivr", "unpkg.com", "cdnjs"):
        assert cdn not in html


def test_sidecar_assets_exist():
    from django.contrib.staticfiles import finders

    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")


def test_favicon_exists():
    response = Client().get("/favicon.ico")
    assert response.status_code == 301 and response.url.endswith("portal/favicon.svg")
    from django.contrib.staticfiles import finders

    assert finders.find("portal/favicon.svg")


def test_api_root_lists_every_endpoint_group(api, coordinator):
    body = api(coordinator).get("/api/v1/").json()
    for group in (
        "units",
        "skills",
        "employers",
        "sites",
        "contacts",
        "interactions",
        "task-profiles",
        "participants",
        "consents",
        "placements",
        "follow-ups",
        "exits",
    ):
        assert group in body, group
