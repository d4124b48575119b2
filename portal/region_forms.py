"""Forms of the region and unit pages (administrators and regional administrators)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import County, Municipality, Region


class RegionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    county = forms.ModelChoiceField(
        label=_("County"), queryset=County.objects.all(), required=False
    )


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all())
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Municipalities served"),
        queryset=Municipality.objects.all(),
        required=False,
        help_text=_("Hold Ctrl (Cmd on a Mac) to choose several."),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"].queryset = regions
