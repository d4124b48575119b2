"""Forms for the participant's record and validations in the guide's pages. They only shape input;
every rule lives in the services they feed (``matching.services``)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import taxonomy
from core.choices import Role, SwedishLevel
from core.models import (
    Adaptation,
    Industry,
    KgaCompetence,
    KgaScale,
    Municipality,
    Occupation,
    OcnModule,
    Skill,
    User,
)
from matching.choices import CommuteMeans, Gender, LanguageLevel, SkillSource, Weekday
from portal.forms import DateInput, HoursRangeMixin, commute_limit_fields
from portal.licence_fields import LicenceChoiceField


class LabelledChoiceField(forms.CharField):
    """A searchable picker: a text input with a <datalist> of labels, turned back into the object.
    The page renders the datalist from ``choices_for_datalist``."""

    def __init__(self, *, queryset, label_field="label", **kwargs):
        self.queryset, self.label_field = queryset, label_field
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        text = text.strip()
        if self.label_field == "label" and taxonomy.has_synonyms(self.queryset.model):
            text = taxonomy.label_for(self.queryset.model, text) or text  # "lokalvårdare"
        found = self.queryset.filter(**{f"{self.label_field}__iexact": text}).first()
        if found is None:
            raise forms.ValidationError(_("Choose one of the suggestions."))
        return found

    def datalist(self):
        return self.queryset.values_list(self.label_field, flat=True)


class ParticipantEditForm(HoursRangeMixin, forms.Form):
    """Every profile field the API has. Identity fields only for those who see them."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    personnummer = forms.CharField(
        label=_("Personal identity or coordination number"), max_length=20, required=False
    )
    gender = forms.ChoiceField(label=_("Gender (statistics only)"), choices=Gender.choices)
    birth_year = forms.IntegerField(
        label=_("Birth year"), min_value=1900, max_value=2100, required=False
    )
    newly_arrived = forms.BooleanField(label=_("Newly arrived"), required=False)
    long_term_unemployed = forms.BooleanField(label=_("Long-term unemployed"), required=False)
    reduced_work_capacity = forms.BooleanField(
        label=_("Disability reducing work capacity"), required=False
    )
    returning_from_sick_leave = forms.BooleanField(
        label=_("Returning from sick leave"), required=False
    )
    guide = forms.ModelChoiceField(label=_("Job guide"), queryset=User.objects.none())
    enrolled_on = forms.DateField(label=_("Enrolled"), widget=DateInput)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none()
    )
    home_locality = forms.CharField(label=_("Home locality"), max_length=100, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=6, required=False)
    home_address = forms.CharField(label=_("Home address"), max_length=200, required=False)
    commute_means = forms.MultipleChoiceField(
        label=_("Ways of travelling"),
        choices=CommuteMeans.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    has_driving_licence = forms.BooleanField(label=_("Driving licence"), required=False)
    has_car = forms.BooleanField(label=_("Has a car"), required=False)
    licences = LicenceChoiceField(
        label=_("Licences and legitimations"),
        help_text=_(
            "Driving licence means class B or a class that includes it (C, CE, D …): ticking it "
            "adds class B."
        ),
    )
    commute_max_minutes, commute_max_km = commute_limit_fields()
    hours_min = forms.IntegerField(label=_("Hours per week, min"), min_value=0, max_value=60)
    hours_max = forms.IntegerField(label=_("Hours per week, max"), min_value=0, max_value=60)
    available_days = forms.MultipleChoiceField(
        label=_("Available days"),
        choices=Weekday.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    swedish_level = forms.TypedChoiceField(
        label=_("Swedish level"), choices=SwedishLevel.choices, coerce=int
    )
    goals = forms.CharField(
        label=_("Goals"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    desired_occupations = forms.ModelMultipleChoiceField(
        label=_("Desired occupations"),
        queryset=Occupation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Untick to remove; add one below."),
    )
    add_occupation = LabelledChoiceField(
        label=_("Add a desired occupation"),
        queryset=Occupation.objects.all(),
        required=False,
        widget=forms.TextInput(attrs={"list": "occupation-options", "autocomplete": "off"}),
    )
    desired_industries = forms.ModelMultipleChoiceField(
        label=_("Desired industries"),
        queryset=Industry.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    support_needs = forms.CharField(
        label=_("Support needs"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    active = forms.TypedChoiceField(
        label=_("Matching"),
        choices=[("1", _("Active in matching")), ("0", _("Paused"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    paused_reason = forms.CharField(
        label=_("Why matching is paused"), max_length=300, required=False
    )

    def __init__(self, *args, participant=None, full=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = participant.unit.municipalities.all()
        self.fields["guide"].queryset = User.objects.filter(
            unit=participant.unit, groups__name=Role.GUIDE, is_active=True
        ).order_by("first_name", "last_name")
        self.fields["guide"].label_from_instance = lambda u: u.get_full_name() or u.username
        chosen = participant.desired_occupations.all()
        self.fields["desired_occupations"].queryset = Occupation.objects.filter(
            pk__in=chosen.values("pk")
        )
        if not full:  # identity and health data only for the assigned guide and admins
            for name in ("home_address", "support_needs", "personnummer"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        occupations = list(data.get("desired_occupations") or [])
        extra = data.pop("add_occupation", None)
        if extra is not None and extra not in occupations:
            occupations.append(extra)
        data["desired_occupations"] = occupations
        return data


class LanguageForm(forms.Form):
    language = forms.CharField(label=_("Language"), max_length=60, required=False)
    level = forms.ChoiceField(
        label=_("Level"), choices=[("", "–"), *LanguageLevel.choices], required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("language") and not data.get("level"):
            self.add_error("level", _("Choose a level."))
        return data


LanguageFormSet = forms.formset_factory(LanguageForm, extra=2)


class SkillAddForm(forms.Form):
    skill = forms.CharField(
        label=_("Skill"),
        max_length=300,
        widget=forms.TextInput(attrs={"list": "skill-options", "autocomplete": "off"}),
        help_text=_("Start typing: suggestions from the taxonomy; spelling is forgiven."),
    )
    level = forms.TypedChoiceField(
        label=_("Level"), choices=[(i, str(i)) for i in range(1, 5)], coerce=int, initial=2
    )
    source = forms.ChoiceField(
        label=_("Source"),
        choices=[c for c in SkillSource.choices if c[0] != SkillSource.VALIDATED],
        initial=SkillSource.SELF_REPORTED,
    )

    def clean(self):
        data = super().clean()
        text = (data.get("skill") or "").strip()
        found = Skill.objects.filter(label__iexact=text).first()
        data["skill_obj"], data["text"] = found, "" if found else text
        return data


class SkillChangeForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("Level"), choices=[(i, str(i)) for i in range(1, 5)], coerce=int
    )
    source = forms.ChoiceField(label=_("Source"), choices=SkillSource.choices)


class NeedForm(forms.Form):
    adaptation = forms.ModelChoiceField(
        label=_("Adaptation"), queryset=Adaptation.objects.filter(active=True), required=False
    )
    description = forms.CharField(
        label=_("Description (only you and administrators see it)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


NeedFormSet = forms.formset_factory(NeedForm, extra=2)


class OcnCaseForm(forms.Form):
    module = forms.ModelChoiceField(
        label=_("OCN module"), queryset=OcnModule.objects.select_related("programme")
    )


class OcnStepForm(forms.Form):
    """Fields of whichever step is next; the view removes the ones that do not apply."""

    date = forms.DateField(label=_("Date"), widget=DateInput, initial=timezone.localdate)
    evidence = forms.CharField(
        label=_("Evidence the assessment rests on"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    level = forms.TypedChoiceField(label=_("Assessed level"), coerce=int, required=False)
    external_verifier = forms.CharField(
        label=_("External verifier"), max_length=200, required=False
    )
    certificate_number = forms.CharField(
        label=_("Certificate number"), max_length=40, required=False
    )

    STEP_FIELDS = {
        "assessed": ("date", "evidence", "level"),
        "internally_assured": ("date",),
        "externally_verified": ("date", "external_verifier"),
        "certified": ("date", "certificate_number", "level"),
    }

    def __init__(self, *args, step: str, module_level: int, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in self.STEP_FIELDS.get(step, ()):
                del self.fields[name]
        if "level" in self.fields:
            # Up to the module's level: a module is never certified above it.
            self.fields["level"].choices = [(i, str(i)) for i in range(1, module_level + 1)]
            self.fields["level"].initial = module_level
            self.fields["level"].required = step == "certified"


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why it goes back"), max_length=500)


class KgaForm(forms.Form):
    """One level per competence (blank = not assessed this time), the assessor and the date."""

    assessed_on = forms.DateField(label=_("Date"), widget=DateInput, initial=timezone.localdate)
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scale = KgaScale.current()
        levels = [("", "–")] + [(i, str(i)) for i in range(scale.min_level, scale.max_level + 1)]
        self.competences = list(KgaCompetence.objects.filter(active=True))
        for c in self.competences:
            self.fields[f"c{c.pk}"] = forms.TypedChoiceField(
                label=c.name, choices=levels, coerce=int, required=False, empty_value=None
            )

    def scores(self) -> list[dict]:
        return [
            {"competence": c, "level": self.cleaned_data[f"c{c.pk}"]}
            for c in self.competences
            if self.cleaned_data.get(f"c{c.pk}") is not None
        ]


class QualityAssurerForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Staff member"), queryset=User.objects.none())

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(unit=unit, is_active=True).order_by(
            "first_name", "last_name"
        )
