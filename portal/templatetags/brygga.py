from django import template

from matching.choices import CommuteMeans, ConsentScope
from matching.selectors import participant_state as decide_state

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


@register.simple_tag
def participant_state(participant):
    """``{% participant_state p as state %}``: the one state ``matching.selectors`` decides."""
    return decide_state(participant)
