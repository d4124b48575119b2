from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.choice_cache import cached_choices
from core.choices import SwedishLevel
from core.models import Adaptation, Industry, Municipality
from core.tabular import check_upload
from employers.choices import EmployerStatus, InteractionKind, ProfileKind
from employers.models import ContactPerson, Employer, TaskProfile
from matching.choices import CommuteMeans, ConsentMethod, ConsentScope, Gender, Phase
from matching.models import Participant
from matching.participants.consent_wording import CURRENT_WORDING_VERSION, WORDINGS
from placements.rules import date_errors
from portal.method_forms import ParticipantCodesField
from portal.widgets import ListedSelect


class HoursRangeMixin:
    """Minimum hours above maximum is a field error on ``hours_min`` (not a form-wide one)."""

    def clean(self):
        data = super().clean()
        if (
            data.get("hours_min") is not None
            and data.get("hours_max") is not None
            and data["hours_min"] > data["hours_max"]
        ):
            self.add_error("hours_min", _("Minimum hours cannot exceed maximum hours."))
        return data


class DateInput(forms.DateInput):
    input_type = "date"


class EmployerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=ListedSelect,
    )
    industry = forms.ModelChoiceField(
        label=_("Industry"),
        queryset=Industry.objects.filter(level=1),
        required=False,
        widget=ListedSelect,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", "—"), *EmployerStatus.choices],
        required=False,
        widget=ListedSelect,
    )

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = unit.municipalities.all() if unit else Municipality.objects.all()
        self.fields["municipality"].queryset = municipalities  # what validation accepts
        # What the selects show, from the shared cache (the coordinators' most used page).
        shown = (
            ("municipality", "unit-municipalities", unit.pk if unit else "all", municipalities),
            ("industry", "industry-sections", "", self.fields["industry"].queryset),
        )
        for name, cached, scope, rows in shown:
            field = self.fields[name]
            field.choices = [("", field.empty_label)] + cached_choices(
                cached, scope, lambda rows=rows: [(row.pk, str(row)) for row in rows]
            )


class InteractionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=InteractionKind.choices)
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput)
    contact = forms.ModelChoiceField(
        label=_("Contact person"), queryset=ContactPerson.objects.none(), required=False
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    next_step = forms.CharField(label=_("Next step"), required=False, max_length=300)
    next_step_due = forms.DateField(label=_("Next step due"), widget=DateInput, required=False)
    participants = ParticipantCodesField(queryset=Participant.objects.none())

    def __init__(self, *args, employer=None, contacts=None, **kwargs):
        """``contacts``: the employer's contact persons when the page has fetched them already;
        the select shows them without asking again (validation still asks the database)."""
        super().__init__(*args, **kwargs)
        if employer is not None:
            self.fields["contact"].queryset = employer.contacts.all()
            if contacts is not None:
                self.fields["contact"].choices = [("", self.fields["contact"].empty_label)] + [
                    (c.pk, str(c)) for c in contacts
                ]
            self.fields["participants"].set_queryset(
                Participant.objects.filter(unit_id=employer.unit_id, active=True),
                search_url=reverse("portal:participant_code_search"),
            )


class ProfileRequestForm(HoursRangeMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Tasks"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    # Asked explicitly: no kind is preselected (issue 9).
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *ProfileKind.choices])
    hours_min = forms.IntegerField(
        label=_("Hours per week, min"), min_value=0, max_value=60, initial=10
    )
    hours_max = forms.IntegerField(
        label=_("Hours per week, max"), min_value=0, max_value=60, initial=30
    )
    slots_total = forms.IntegerField(label=_("Slots"), min_value=1, max_value=50, initial=1)
    change_of = forms.ModelChoiceField(
        label=_("Change to an existing profile"),
        queryset=TaskProfile.objects.none(),
        required=False,
    )
    request_note = forms.CharField(
        label=_("Message to your coordinator"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, employer=None, **kwargs):
        super().__init__(*args, **kwargs)
        if employer is not None:
            self.fields["change_of"].queryset = employer.task_profiles.exclude(
                status__in=["draft", "closed"]
            )


class ImportForm(forms.Form):
    allow_json = False
    file = forms.FileField(label=_("CSV or XLSX file"))
    dry_run = forms.BooleanField(
        label=_("Dry run (check only, import nothing)"), required=False, initial=True
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Size, type and unpacked size before anything parses the file (``core.tabular``).
        try:
            check_upload(upload, allow_json=self.allow_json)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload


class EmployerImportForm(ImportForm):
    """The employer import also takes job ads as JobTech's JobSearch API returns them (JSON)."""

    allow_json = True
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("Job ads as JSON from JobTech's JobSearch API are accepted too (.json)."),
    )


class MergeForm(forms.Form):
    keep = forms.IntegerField(widget=forms.HiddenInput)
    remove = forms.IntegerField(widget=forms.HiddenInput)


class ParticipantFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    phase = forms.ChoiceField(label=_("Phase"), choices=[("", "—"), *Phase.choices], required=False)
    mine = forms.BooleanField(label=_("Only mine"), required=False, initial=True)


class ProposeForm(forms.Form):
    task_profile = forms.IntegerField(widget=forms.HiddenInput)
    planned_start = forms.DateField(label=_("Planned start"), widget=DateInput)
    planned_end = forms.DateField(label=_("Planned end"), widget=DateInput, required=False)
    hours_per_week = forms.IntegerField(label=_("Hours per week"), min_value=1, max_value=60)
    goals_short = forms.CharField(
        label=_("Short-term goals"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def clean(self):
        # The same date table the proposal service applies (placements.rules.DATE_RULES).
        data = super().clean()
        for field, message in date_errors("propose", None, data).items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


# Both limits are stored as entered; the engine uses the shorter reach (matching.participants.commute).
COMMUTE_MINUTES_HELP = _(
    "One way, by the ways of travelling ticked above (at most 90 minutes count). Empty: the "
    "usual time for those ways of travelling."
)
COMMUTE_KM_HELP = _(
    "Straight-line distance from home. If both minutes and km are given, the shorter reach applies."
)


def commute_limit_fields() -> tuple[forms.IntegerField, forms.IntegerField]:
    """The two commute limits, each stored as entered, the same on the register and edit forms."""
    return (
        forms.IntegerField(
            label=_("Longest commute, minutes one way"),
            min_value=0,
            max_value=180,
            required=False,
            help_text=COMMUTE_MINUTES_HELP,
        ),
        forms.IntegerField(
            label=_("Longest commute, km"),
            min_value=0,
            max_value=300,
            required=False,
            help_text=COMMUTE_KM_HELP,
        ),
    )


class ParticipantForm(HoursRangeMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    personnummer = forms.CharField(
        label=_("Personal identity or coordination number"), max_length=20, required=False
    )
    gender = forms.ChoiceField(
        label=_("Gender (statistics only)"), choices=Gender.choices, initial=Gender.UNKNOWN
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none()
    )
    home_locality = forms.CharField(label=_("Home locality"), max_length=100, required=False)
    commute_means = forms.MultipleChoiceField(
        label=_("Ways of travelling"),
        choices=CommuteMeans.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    has_driving_licence = forms.BooleanField(label=_("Driving licence"), required=False)
    has_car = forms.BooleanField(label=_("Has a car"), required=False)
    commute_max_minutes, commute_max_km = commute_limit_fields()
    hours_min = forms.IntegerField(
        label=_("Hours per week, min"), min_value=0, max_value=60, initial=10
    )
    hours_max = forms.IntegerField(
        label=_("Hours per week, max"), min_value=0, max_value=60, initial=30
    )
    swedish_level = forms.TypedChoiceField(
        label=_("Swedish level"),
        choices=SwedishLevel.choices,
        coerce=int,
        initial=SwedishLevel.SFI_C,
    )
    adaptation_needs = forms.ModelMultipleChoiceField(
        label=_("Adaptation needs"),
        queryset=Adaptation.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    skills_text = forms.CharField(
        label=_("Skills (one per line)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = (
            unit.municipalities.all() if unit else Municipality.objects.none()
        )


class ConsentForm(forms.Form):
    employer = forms.ModelChoiceField(label=_("Employer"), queryset=Employer.objects.none())
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    scopes = forms.MultipleChoiceField(
        label=_("Information covered"),
        choices=ConsentScope.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    given_on = forms.DateField(label=_("Given on"), widget=DateInput)
    method = forms.ChoiceField(label=_("How given"), choices=ConsentMethod.choices)
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput, required=False)
    # The text the participant signed or heard (issue 12: every consent keeps its wording version).
    wording_version = forms.ChoiceField(
        label=_("Wording version"),
        choices=[(v, v) for v in sorted(WORDINGS, reverse=True)],
        initial=CURRENT_WORDING_VERSION,
        required=False,
        help_text=_("A verbal consent is recorded with you as witness."),
    )

    def clean_wording_version(self):
        return self.cleaned_data.get("wording_version") or CURRENT_WORDING_VERSION

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = (
            Employer.objects.visible_to(user) if user else Employer.objects.none()
        )
