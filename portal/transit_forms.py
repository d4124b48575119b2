from django import forms
from django.utils.translation import gettext_lazy as _

from matching.transit.feeds import MAX_FEED_BYTES


class TransitFeedForm(forms.Form):
    file = forms.FileField(
        label=_("Timetable (GTFS zip)"),
        help_text=_("The county's feed from the national open transport data portal (CC0)."),
    )
    unit = forms.ModelChoiceField(
        label=_("For"),
        queryset=None,
        required=False,
        empty_label=_("Every unit (shared)"),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run (check only, store nothing)"), required=False, initial=True
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        from core.models import Unit

        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FEED_BYTES:
            raise forms.ValidationError(_("The file is larger than 500 MB."))
        head = upload.read(4)
        upload.seek(0)
        if head[:2] != b"PK":
            raise forms.ValidationError(_("A GTFS feed is a zip file."))
        return upload
