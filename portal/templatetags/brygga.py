import phonenumbers
from django import template
from django.utils.safestring import mark_safe

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


@register.simple_tag(takes_context=True)
def main_menu(context) -> str:
    """The main menu of every page (``portal/jinja2/portal/_nav.jinja``), given only the names it
    reads: a page's own context may use any name (``url``, ``languages``)."""
    return _render("portal/_nav.jinja", {n: context[n] for n in MENU_NAMES if n in context})


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
def participant_state(participant):
    """``{% participant_state p as state %}``: the one state ``matching.participants.selectors`` decides."""
    return decide_state(participant)
