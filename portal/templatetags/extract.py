"""``{{ value|extract_text }}``: a register-extract value as a person reads it (see
``matching.participants.extract.document.value_text``)."""

from django import template

from matching.participants.extract.document import value_text

register = template.Library()


@register.filter
def extract_text(value) -> str:
    return value_text(value)
