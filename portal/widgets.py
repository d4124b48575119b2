"""Form widgets of the pages' busiest forms (issue 22)."""

from __future__ import annotations

from functools import lru_cache

from django import forms
from markupsafe import Markup, escape


@lru_cache(maxsize=256)
def _options(choices: tuple[tuple[str, str], ...]) -> tuple:
    """Each option's markup, unselected and selected, as Django's ``select_option.html`` writes it
    (the labels come translated: each language's list is its own entry)."""
    rendered = []
    for value, label in choices:
        start = f'\n  <option value="{escape(value)}"'
        end = f">{escape(label)}</option>"
        rendered.append((value, start + end, start + " selected" + end))
    return tuple(rendered)


class ListedSelect(forms.Select):
    """A select whose options are written once per list of choices (labels in one language), not through a
    template per option: the municipality filter of the employer search has ~280 options, and
    Django's widget renders a template and builds a context for each (~3 ms a page).

    The markup is Django's own (``tests/portal/test_widgets.py`` compares them), with the same rule
    for which option is selected: the first whose value matches. Grouped choices (optgroups) are
    left to Django's widget."""

    template_name = "portal/widgets/select.html"

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        grouped = "options_html" not in context["widget"]
        return self._render(
            forms.Select.template_name if grouped else self.template_name, context, renderer
        )

    def get_context(self, name, value, attrs):
        choices = [("" if v is None else str(v), label) for v, label in self.choices]
        if any(isinstance(label, (list, tuple)) for _, label in choices):
            return super().get_context(name, value, attrs)
        context = forms.Widget.get_context(self, name, value, attrs)
        selected = set(context["widget"]["value"])
        parts = []
        for option_value, plain, chosen in _options(tuple((v, str(label)) for v, label in choices)):
            if selected and option_value in selected:
                parts.append(chosen)
                selected = set()  # one selected option, as Django's (not a multiple select)
            else:
                parts.append(plain)
        context["widget"]["options_html"] = Markup("".join(parts))  # noqa: S704 - escaped above
        return context
