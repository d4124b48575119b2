"""The pages' hot partials render through Jinja2 (portal/jinja.py, issue 22). They must read as the
Django templates they replaced: dates in the user's time zone and format, Django's catalogue, a
missing value as nothing, and the current language."""

import datetime as dt

from django.template import engines
from django.utils import translation


def render(source: str, **context) -> str:
    return engines["jinja2"].from_string(source).render(context)


def test_a_datetime_is_shown_in_swedish_time_like_djangos_templates():
    late = dt.datetime(2026, 12, 5, 23, 30, tzinfo=dt.UTC)  # 00:30 on 6 December in Stockholm
    django_date = engines["django"].from_string('{{ at|date:"SHORT_DATE_FORMAT" }}')
    with translation.override("sv"):
        ours = render('{{ at|date("SHORT_DATE_FORMAT") }}', at=late)
        assert ours == django_date.render({"at": late}) == "2026-12-06"
        assert render("{{ n|floatformat(1) }}", n=2.26) == "2,3"


def test_texts_come_from_djangos_catalogue_in_the_current_language():
    source = '{{ _("Matched skills") }} · {{ _("next step %(due)s", due="10 dec") }}'
    with translation.override("sv"):
        assert render(source) == "Matchade kompetenser · nästa steg 10 dec"
    with translation.override("en"):
        assert render(source) == "Matched skills · next step 10 dec"


def test_a_missing_value_renders_as_nothing_even_in_debug():
    """Django's Jinja2 backend would print the failed lookup when DEBUG is on (scripts/run)."""
    from django.conf import settings

    from portal.jinja import environment

    assert render("[{{ employer.industry.label }}]", employer=None) == "[]"
    settings_debug = environment(undefined=__import__("jinja2").DebugUndefined, autoescape=True)
    assert settings.DEBUG is False  # the backend picks DebugUndefined only in DEBUG; ours wins
    source = "[{{ employer.industry.label }}]"
    assert settings_debug.from_string(source).render(employer=None) == "[]"


def test_values_are_escaped():
    assert render("{{ name }}", name="<b>AB & Co</b>") == "&lt;b&gt;AB &amp; Co&lt;/b&gt;"
