"""Forms of "Whom to approach next" and of the historical-ads import."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core import tabular


class HistoricalAdsForm(forms.Form):
    file = forms.FileField(
        label=_("File of historical job ads"),
        help_text=_("JobTech's historical ads: JSON lines (.jsonl) or a JSON list of ads (.json)."),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run (check only, import nothing)"), required=False, initial=True
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".json", ".jsonl")):
            raise forms.ValidationError(_("Upload a .json or .jsonl file."))
        if upload.size > tabular.max_bytes():
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.")
                % {"mb": tabular.max_bytes() // (1024 * 1024)}
            )
        return upload


class LogCallForm(forms.Form):
    notes = forms.CharField(label=_("Note"), required=False, max_length=2000)


class AddToRegisterForm(forms.Form):
    orgnr = forms.CharField(max_length=20, widget=forms.HiddenInput)
