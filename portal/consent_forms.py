"""Forms for the guide's consent pages (invitations and personal links)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from employers.models import Employer
from matching.choices import ConsentScope, DeliveryChannel, RecipientKind

DateInput = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def employer_option(employer: Employer) -> str:
    """How an employer reads in the picker: its name and organisation number (or municipality),
    which tells two employers of one name apart without an internal id."""
    return f"{employer.name} ({employer.orgnr or employer.municipality.name})"


class RecipientForm(forms.Form):
    """One proposed recipient. The employer is picked from a searchable list (``<datalist>``) of
    the unit's employers, each as ``employer_option`` writes it."""

    kind = forms.ChoiceField(
        label=_("Kind of recipient"),
        choices=[("", "—"), *RecipientKind.choices],
        required=False,
    )
    employer = forms.CharField(
        label=_("Employer"),
        required=False,
        widget=forms.TextInput(attrs={"list": "consent-employers", "autocomplete": "off"}),
        help_text=_("Type to search; for an employer only."),
    )
    agency = forms.CharField(
        label=_("Name of the recipient"),
        max_length=200,
        required=False,
        help_text=_(
            "For other recipients, e.g. Socialtjänsten Kalmar; for another unit, its name."
        ),
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=300, required=False)
    scopes = forms.MultipleChoiceField(
        label=_("Information they would see"),
        choices=ConsentScope.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput, required=False)

    def __init__(self, *args, employers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.employers = employers if employers is not None else Employer.objects.none()

    def clean_employer(self):
        text = self.cleaned_data["employer"].strip()
        if not text:
            return None
        folded = " ".join(text.casefold().split())
        employer = next(
            (
                e
                for e in self.employers.select_related("municipality")
                if " ".join(employer_option(e).casefold().split()) == folded
            ),
            None,
        )
        if employer is None:
            employer = self.employers.filter(name__iexact=text).first()
        if employer is None:
            raise forms.ValidationError(_("Choose an employer from the list."))
        return employer

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("kind")


RecipientFormSet = forms.formset_factory(RecipientForm, extra=4, max_num=8)


class DeliveryForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How the participant gets the link"),
        choices=DeliveryChannel.choices,
        widget=forms.RadioSelect,
        initial=DeliveryChannel.EMAIL,
    )
    email = forms.EmailField(
        label=_("The participant's e-mail address"),
        required=False,
        help_text=_("Used only to send this link."),
    )
