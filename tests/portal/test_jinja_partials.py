"""The pages' hot partials render through Jinja2 (portal/jinja.py, issue 22). They must read as the
Django templates they replaced: dates in the user's time zone and format, Django's catalogue, a
missing value as nothing, and the current language."""

import datetime as dt

import pytest
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


def _menu_as_rendered_afresh(request, user, role, counts, language) -> str:
    """The menu as ``main_menu`` rendered it before it kept menus: the template, the real values."""
    from django.template.backends.utils import csrf_input

    values = {"request": request, "user": user, "user_role": role, "menu_counts": counts}
    values |= {"LANG": language, "csrf_input": csrf_input(request)}
    return engines["jinja2"].get_template("portal/_nav.jinja").template.render(values)


def test_the_kept_menu_is_the_menu_rendered_afresh_with_each_requests_token_and_path(
    db, rf, coordinator, guide, employer_user
):
    from django.middleware.csrf import get_token
    from django.template import Context

    from core.roles import role_of
    from portal.templatetags.brygga import main_menu

    shown = {}
    for user, counts in ((coordinator, {"open_requests": 2}), (guide, {}), (employer_user, {})):
        for language in ("sv", "en"):
            for path in ("/arbetsgivare/?q=%22a%22&sort=-name", "/deltagare/"):
                request = rf.get(path)
                request.user = user
                get_token(request)
                role = role_of(user)
                context = Context(
                    {"request": request, "user": user, "user_role": role}
                    | {"menu_counts": counts, "LANG": language}
                )
                with translation.override(language):
                    kept = str(main_menu(context))
                    afresh = _menu_as_rendered_afresh(request, user, role, counts, language)
                # Both masked the same token differently: compare them unmasked.
                token = 'name="csrfmiddlewaretoken" value="'
                assert kept.count(token) == afresh.count(token) >= 1
                unmask = __import__("re").compile(r'(csrfmiddlewaretoken" value=")[^"]+')
                assert unmask.sub(r"\1", kept) == unmask.sub(r"\1", afresh)
                assert "\x00" not in kept
                shown[(user.username, language, path)] = kept
    assert (
        'value="/arbetsgivare/?q=%22a%22&amp;sort=-name"'
        in shown[(coordinator.username, "sv", "/arbetsgivare/?q=%22a%22&sort=-name")]
    )
    assert "2 önskemål" in shown[(coordinator.username, "sv", "/deltagare/")]
    assert "2 requests" in shown[(coordinator.username, "en", "/deltagare/")]


def test_the_kept_menu_follows_a_new_name_and_new_counts(db, rf, coordinator):
    from django.middleware.csrf import get_token
    from django.template import Context

    from portal.templatetags.brygga import main_menu

    def menu(counts):
        request = rf.get("/")
        request.user = coordinator
        get_token(request)
        context = {"request": request, "user": coordinator, "user_role": "coordinator"}
        with translation.override("sv"):
            return str(main_menu(Context(context | {"menu_counts": counts, "LANG": "sv"})))

    assert "1 önskemål" in menu({"open_requests": 1})
    assert "3 önskemål" in menu({"open_requests": 3})
    assert "önskemål</span>" not in menu({"open_requests": 0})
    coordinator.first_name, coordinator.last_name = "Märta", "Nyberg"
    assert "Märta Nyberg" in menu({"open_requests": 0})


def test_url_gives_what_reverse_gives_for_every_route_language_and_script_prefix():
    """``url`` keeps each route cut where its numbers go; it must give ``reverse``'s path for
    every named route of the site given whole numbers, in both languages and under a script
    prefix, and fall back to ``reverse`` for anything else (a text, a keyword, a route that
    refuses the numbers)."""
    from django.urls import NoReverseMatch, get_resolver, reverse, set_script_prefix

    from portal.jinja import url

    names = []
    for key, possibilities in get_resolver().reverse_dict.lists():
        if isinstance(key, str):
            names.extend((key, len(p[0][0][1])) for p in possibilities)
    names += [
        (f"portal:{key}", len(p[0][0][1]))
        for key, possibilities in get_resolver().namespace_dict["portal"][1].reverse_dict.lists()
        if isinstance(key, str)
        for p in possibilities
    ]
    assert len(names) > 100
    checked = 0
    try:
        for prefix in ("/", "/brygga/"):
            set_script_prefix(prefix)
            for language in ("sv", "en"):
                with translation.override(language):
                    for name, count in names:
                        for args in ([], [7], [12, 3], [0, 45, 9])[: count + 1][-1:]:
                            try:
                                expected = reverse(name, args=args or None)
                            except (NoReverseMatch, TypeError) as refused:
                                with pytest.raises(type(refused)):
                                    url(name, *args)
                                continue
                            assert url(name, *args) == expected == url(name, *args), name
                            checked += 1
    finally:
        set_script_prefix("/")
    assert checked > 200
    with translation.override("en"):
        assert url("portal:participant_detail", 12) == "/en/deltagare/12/"
    assert url("portal:participant_detail", 12) == "/deltagare/12/"
    assert url("portal:participant_detail", pk=12) == "/deltagare/12/"
    assert url("portal:participant_detail", "12") == "/deltagare/12/"


def test_the_kept_unbound_filter_form_is_the_form_rendered_afresh():
    """Before anyone filters, the matches' filter form is kept per municipality choices, kind of
    list, anchor and language: it must be what a fresh render gives, differ where those differ,
    and a sent form is rendered with its own values and errors, never from the kept one."""
    from portal.matching_forms import MatchFilterForm, _filter_html, match_filter_html

    municipalities = [("0880", "Kalmar"), ("0881", "Nybro")]
    for with_kind in (True, False):
        for language in ("sv", "en"):
            with translation.override(language):
                form = MatchFilterForm(municipalities=municipalities, with_kind=with_kind)
                fresh = _filter_html(
                    MatchFilterForm(municipalities=municipalities, with_kind=with_kind), "m"
                )
                assert match_filter_html(form, "m") == fresh == match_filter_html(form, "m")
                assert 'value="0881"' in fresh and ('name="kind"' in fresh) == with_kind
    with translation.override("sv"):
        kalmar_only = MatchFilterForm(municipalities=municipalities[:1])
        assert 'value="0881"' not in match_filter_html(kalmar_only, "m")
        assert 'action="#other"' in match_filter_html(kalmar_only, "other")
        assert "Sök" in match_filter_html(kalmar_only, "m")
    with translation.override("en"):
        assert "Search" in match_filter_html(kalmar_only, "m")
        sent = MatchFilterForm({"q": "x" * 101}, municipalities=municipalities)
        assert sent.is_valid() is False
        html = match_filter_html(sent, "m")
        assert 'value="' + "x" * 101 + '"' in html and 'role="alert"' in html


def test_every_text_of_the_jinja_partials_has_its_swedish_translation():
    """``makemessages`` reads Django's templates and Python, not ``portal/jinja2``: a text that
    lives only in a Jinja2 partial must still be in the Swedish catalogue (its msgid is the one
    the Django template it replaced used; "Status" is "Status" in both languages, but listed)."""
    import re
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR) / "portal" / "jinja2"
    texts = set()
    for path in root.rglob("*.jinja"):
        source = path.read_text()
        texts |= {m[2] for m in re.finditer(r"""_\(\s*(["'])(.+?)\1""", source)}
    assert len(texts) > 100
    catalogue = translation.trans_real.translation("sv")._catalog
    assert sorted(t for t in texts if t not in catalogue) == []
