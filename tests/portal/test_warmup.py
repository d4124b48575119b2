"""gunicorn's master loads what the pages would otherwise build on a worker's first requests
(``config.warmup``): every project template, the form widgets' templates, each language's
catalogue and every compiled read's SQL. After it, the staff pages and the portal render
without compiling a template or a read (issue 22: a fresh worker's first page cost 2–5× its
later ones)."""

import jinja2
import pytest
from django.template import base as django_templates
from django.test import Client

from config.warmup import warm
from core.compiled import CompiledRows

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_after_the_warm_up_no_page_compiles_a_template_or_a_read(
    monkeypatch, guide, coordinator, employer_user, portal_world, employer
):
    person = portal_world["placement"].participant
    templates, reads = warm()
    assert templates > 100 and reads > 50

    def compiled(*args, **kwargs):
        raise AssertionError("compiled on a request")

    monkeypatch.setattr(jinja2.Environment, "compile", compiled)
    monkeypatch.setattr(django_templates.Template, "compile_nodelist", compiled)
    monkeypatch.setattr(CompiledRows, "_compile_once", compiled)
    pages = [
        (guide, "/deltagare/"),
        (guide, f"/deltagare/{person.pk}/"),
        (guide, "/uppfoljningar/"),
        (coordinator, "/arbetsgivare/?q=a&status=active"),
        (coordinator, f"/arbetsgivare/{employer.pk}/"),
        (employer_user, "/arbetsgivarportal/"),
    ]
    for user, url in pages:
        response = client_for(user).get(url)
        assert response.status_code == 200, url


def test_a_template_that_does_not_load_is_said_and_left_for_its_request(settings, tmp_path, caplog):
    """One broken template does not stop the warm-up (nor the server's start)."""
    from config.warmup import warm_templates

    broken = tmp_path / "templates"
    broken.mkdir()
    (broken / "broken.html").write_text("{% if %}")
    (broken / "fine.html").write_text("<p>{{ value }}</p>")
    settings.BASE_DIR = tmp_path
    settings.TEMPLATES = [
        {"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [broken]}
    ]
    assert warm_templates() >= 1
    assert "broken.html not loaded" in caplog.text
