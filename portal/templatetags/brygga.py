from functools import lru_cache

import phonenumbers
from django import template
from django.utils.safestring import mark_safe
from markupsafe import Markup, escape

from matching.choices import CommuteMeans, ConsentScope
from matching.participants.selectors import participant_state as decide_state

register = template.Library()

CHOICES = {"means": CommuteMeans, "scopes": ConsentScope}


@register.filter
def labels(values, kind: str) -> str:
    """Translate a list of stored codes (``walk``, ``skills``) to their labels, comma-separated."""
    choices = CHOICES[kind]
    return ", ".join(str(choices(v).label) if v in choices.values else str(v) for v in values or [])


@register.filter
def label(value, kind: str) -> str:
    return labels([value], kind)


@register.simple_tag(takes_context=True)
def jinja(context, name: str, **extra) -> str:
    """``{% jinja "portal/guide/_matches.jinja" %}``: a per-row partial rendered by Jinja2
    (``portal/jinja.py``) with this template's context (and ``extra``)."""
    values = context.flatten()
    values.update(extra)
    return _render(name, values)


MENU_NAMES = ("request", "user", "user_role", "menu_counts", "LANG")
_MENU_CSRF = "\x00csrf-input\x00"  # where each request's own token and path go in a kept menu
_MENU_PATH = "\x00next-path\x00"


@register.simple_tag(takes_context=True)
def main_menu(context) -> str:
    """The main menu of every page (``portal/jinja2/portal/_nav.jinja``), given only the names it
    reads: a page's own context may use any name (``url``, ``languages``).

    The menu is the same for every page of one user in one language but for the request's form
    token and path (the language form's ``next``), so it is rendered once per role, language, name
    and menu counts (~25 links and translations, ~0.5 ms a page) and the request's token and path
    are put in where markers held their places."""
    values = {n: context[n] for n in MENU_NAMES if n in context}
    user, request = values.get("user"), values.get("request")
    signed_in = bool(user is not None and user.is_authenticated)
    counts = tuple(sorted(dict(values["menu_counts"]).items())) if "menu_counts" in values else ()
    html = _menu(
        signed_in,
        (user.get_full_name() or user.username) if signed_in else "",
        values.get("user_role"),
        counts,
        values.get("LANG"),
        request is not None,
    )
    if request is None:
        return mark_safe(html)  # noqa: S308 - Jinja2 escaped it (autoescape)
    from django.template.backends.utils import csrf_input

    return mark_safe(  # noqa: S308 - Jinja2 escaped the menu, the path is escaped here
        html.replace(_MENU_CSRF, str(csrf_input(request))).replace(
            _MENU_PATH, str(escape(request.get_full_path()))
        )
    )


class _MenuUser:
    """The signed-in user as the menu shows them (``user.get_full_name() or user.username``)."""

    def __init__(self, signed_in: bool, name: str):
        self.is_authenticated, self.username = signed_in, name

    def get_full_name(self) -> str:
        return ""


class _MenuRequest:
    def get_full_path(self) -> str:
        return _MENU_PATH


@lru_cache(maxsize=1024)
def _menu(signed_in, name, role, counts, language, with_request) -> str:
    from django.template import engines

    values = {
        "user": _MenuUser(signed_in, name),
        "user_role": role,
        "menu_counts": dict(counts),
        "LANG": language,
    }
    if with_request:
        values |= {"request": _MenuRequest(), "csrf_input": Markup(_MENU_CSRF)}  # noqa: S704
    return engines["jinja2"].get_template("portal/_nav.jinja").template.render(values)


def _render(name: str, values: dict) -> str:
    from django.template import engines
    from django.template.backends.utils import csrf_input

    request = values.get("request")
    if request is not None:
        # Once per partial: the backend's own is lazy and masks a new token at every use (each
        # card's forms).
        values["csrf_input"] = csrf_input(request)
    html = engines["jinja2"].get_template(name).template.render(values)
    return mark_safe(html)  # noqa: S308 - Jinja2 escaped it (autoescape)


@register.filter
def phone(value) -> str:
    """A stored number (E.164, ``+46701234567``) as people write it: ``070-123 45 67`` for Swedish
    numbers, international form for others; text that is not a number is shown as it is."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(str(value), "SE")
    except phonenumbers.NumberParseException:
        return str(value)
    if not phonenumbers.is_possible_number(number):
        return str(value)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 46
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


@register.filter
def employer_option(employer) -> str:
    """An employer as the consent form's picker names it (``portal.consent_forms``)."""
    from portal.consent_forms import employer_option as option

    return option(employer)


@register.simple_tag
def match_filter(form, anchor: str) -> str:
    """``{% match_filter form "candidates" %}``: the matches' filter form
    (``portal.matching_forms.match_filter_html``)."""
    from portal.matching_forms import match_filter_html

    return match_filter_html(form, anchor)


@register.simple_tag
def participant_state(participant):
    """``{% participant_state p as state %}``: the one state ``matching.participants.selectors`` decides."""
    return decide_state(participant)
