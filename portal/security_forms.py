"""Forms for the administrator's data-protection pages (erasure)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AnonymiseForm(forms.Form):
    """The erasure request: always a reason; for a participant who has not exited, an explicit
    confirmation too (the rule itself is ``matching.participants.retention.participant_anonymise``)."""

    reason = forms.CharField(
        label=_("Reason for anonymising"),
        max_length=300,
        required=False,
        help_text=_("E.g. the participant's erasure request (art. 17). Kept in the audit log."),
    )
    confirm_active = forms.BooleanField(
        label=_("I confirm that this participant, who has not exited, is to be anonymised"),
        required=False,
    )

    def __init__(self, *args, active: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not active:
            del self.fields["confirm_active"]
