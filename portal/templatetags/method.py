"""Template tags for the method pages: the participant's progression series and the guide's due
measurements, so shared pages include a partial without their views changing."""

from django import template

register = template.Library()


@register.simple_tag
def progression_series(participant):
    from portal.views.method import _series

    return _series(participant)


@register.simple_tag
def progression_due_list(user):
    from matching.participants.services.progression import due_measurements

    return due_measurements(user)
