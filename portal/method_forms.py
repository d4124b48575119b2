"""Form pieces for the method pages (issue 15): the participant picker of the contact log, the
progression answer forms and the SUS fields form."""

from __future__ import annotations

import re

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _


class DatalistInput(forms.TextInput):
    """A text input with a ``<datalist>`` of suggestions: searchable in every browser, no script."""

    def __init__(self, *args, options=(), list_id="participant-options", **kwargs):
        super().__init__(*args, **kwargs)
        self.options = list(options)
        self.list_id = list_id

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {}), "list": self.list_id, "autocomplete": "off"}
        html = super().render(name, value, attrs, renderer)
        items = format_html_join(
            "", '<option value="{}">{}</option>', ((v, label) for v, label in self.options)
        )
        return format_html('{}<datalist id="{}">{}</datalist>', html, self.list_id, items)


CODE_SPLIT = re.compile(r"[\s,;]+")


class ParticipantCodesField(forms.CharField):
    """Participants named by their codes, separated by commas or spaces. ``queryset`` limits whom
    one may name (the unit's participants); an unknown code is a field error."""

    def __init__(self, *args, queryset=None, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Participants concerned"))
        kwargs.setdefault(
            "help_text", _("Participant codes, separated by commas (start typing to search).")
        )
        super().__init__(*args, **kwargs)
        self.queryset = queryset

    def set_queryset(self, queryset, *, search_url: str | None = None) -> None:
        """With ``search_url`` the suggestions load as one types (htmx), so the page does not
        list every participant of the unit; without it they are listed in the page."""
        self.queryset = queryset
        if search_url:
            self.widget = DatalistInput(
                attrs={
                    "hx-get": search_url,
                    "hx-trigger": "input changed delay:250ms",
                    "hx-target": "#participant-options",
                }
            )
            return
        self.widget = DatalistInput(
            options=[(p.code, p.code) for p in queryset.only("code").order_by("code")[:2000]]
        )

    def clean(self, value):
        value = super().clean(value)
        codes = [c.upper() for c in CODE_SPLIT.split(value or "") if c]
        if not codes:
            return []
        found = {p.code: p for p in self.queryset.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise forms.ValidationError(
                _("Unknown participant code: %(codes)s") % {"codes": ", ".join(missing)}
            )
        return list({c: found[c] for c in codes}.values())


class SusFieldsForm(forms.Form):
    """The participant's SUS fields; saved through ``participant_update``."""

    def __init__(self, *args, **kwargs):
        from matching.choices import EducationLevel, SusEmployment, SusExitReason, SusIncome

        super().__init__(*args, **kwargs)
        blank = [("", "—")]
        for name, label, choices in (
            ("education_level", _("Education level"), EducationLevel.choices),
            ("sus_employment_before", _("Employment before"), SusEmployment.choices),
            ("sus_income_before", _("Main income before"), SusIncome.choices),
            ("sus_employment_after", _("Employment after"), SusEmployment.choices),
            ("sus_income_after", _("Main income after"), SusIncome.choices),
            ("sus_exit_reason", _("Reason for leaving"), SusExitReason.choices),
        ):
            self.fields[name] = forms.ChoiceField(
                label=label, choices=blank + list(choices), required=False
            )
