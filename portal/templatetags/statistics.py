from django import template

from placements.reporting.statistics import cell_text

register = template.Library()


@register.simple_tag
def stat_cell(cell, share):
    """A figure exactly as in the exports (``<5`` when suppressed for sharing)."""
    return cell_text(cell, bool(share))


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)
