"""``{% coordinate_note employer %}``: on a shared employer's page, the other units' recent contacts
("Kalmar: call 3 Nov, next step 10 Nov") and a link to the relation summary."""

from django import template

from employers.selectors import relation_summary

register = template.Library()


@register.inclusion_tag("portal/regions/_employer_note.html", takes_context=True)
def coordinate_note(context, employer):
    user = context["request"].user
    summary = relation_summary(employer)
    return {"employer": employer, "others": summary.others(getattr(user, "unit_id", None))}
