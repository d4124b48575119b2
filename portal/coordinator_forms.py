"""Forms of the coordinator's pages. They only shape input; every rule is in ``employers.services``."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core import taxonomy
from core.choice_cache import cached_choices
from core.choices import AdaptationCategory, SwedishLevel
from core.models import (
    Adaptation,
    Industry,
    KgaCompetence,
    KgaScale,
    Locality,
    Municipality,
    Occupation,
    OcnModule,
)
from employers.choices import (
    ContactChannel,
    ContactRole,
    EmployerStatus,
    PhysicalDemand,
    ProfileKind,
)
from employers.models import TaskProfile
from portal.forms import DateInput, HoursRangeMixin
from portal.licence_fields import LicenceChoiceField, licence_groups

# A skill's requirement in the form: must have (excludes), required (weighted) or nice to have.
SKILL_MUST, SKILL_REQUIRED, SKILL_NICE = "must", "1", "0"

SKILL_ROWS = 8


class EmployerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    orgnr = forms.CharField(
        label=_("Organisation number"),
        max_length=20,
        required=False,
        help_text=_("NNNNNN-NNNN; checked before saving."),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none()
    )
    industry = forms.ModelChoiceField(
        label=_("Industry"), queryset=Industry.objects.order_by("code"), required=False
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=[])
    size_class = forms.ChoiceField(label=_("Size"), choices=[], required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, unit=None, **kwargs):
        from employers.choices import Sector, SizeClass

        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = (
            unit.municipalities.all() if unit is not None else Municipality.objects.all()
        )
        self.fields["sector"].choices = Sector.choices
        self.fields["size_class"].choices = [("", "—"), *SizeClass.choices]


class EmployerStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Relation"), choices=EmployerStatus.choices)
    status_reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("Required when the relation is paused or ended."),
    )


class SiteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    address = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=6, required=False)
    locality = forms.CharField(
        label=_("Locality"),
        max_length=100,
        required=False,
        help_text=_("Type to search; the locality places the site on the map."),
        widget=forms.TextInput(attrs={"list": "localities", "autocomplete": "off"}),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none()
    )
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        help_text=_("Only to place the site by hand; leave empty to use the locality."),
    )
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180
    )
    accessibility_notes = forms.CharField(
        label=_("Accessibility notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    offered_adaptations = forms.ModelMultipleChoiceField(
        label=_("Adaptations offered at the site"),
        queryset=Adaptation.objects.filter(active=True),
        required=False,
    )

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        munis = unit.municipalities.all() if unit is not None else Municipality.objects.all()
        self.fields["municipality"].queryset = munis
        self.localities = (
            Locality.objects.filter(municipality__in=munis)
            .order_by("name")
            .values_list("name", flat=True)
            .distinct()
        )

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("latitude", _("Give both latitude and longitude, or neither."))
        return data


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=ContactRole.choices)
    preferred_channel = forms.ChoiceField(
        label=_("Preferred channel"), choices=ContactChannel.choices
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        help_text=_("Saved in international form, e.g. +46 480 123 45."),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    site = forms.ModelChoiceField(label=_("Site"), queryset=None, required=False)
    is_supervisor = forms.BooleanField(label=_("Supervisor (handledare)"), required=False)
    supervisor_trained_on = forms.DateField(
        label=_("Supervisor training date"), widget=DateInput, required=False
    )

    def __init__(self, *args, employer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = employer.sites.all()


def adaptation_groups(form, field_name: str = "offered_adaptations"):
    """Checkbox groups by adaptation category, each shown in a fieldset with a legend."""
    field = form[field_name]
    chosen = {str(v) for v in (field.value() or [])}
    by_category: dict[str, list] = {}
    for a in form.fields[field_name].queryset.order_by("category", "label"):
        by_category.setdefault(a.category, []).append((a, str(a.pk) in chosen))
    return [
        {"legend": AdaptationCategory(cat).label, "items": items, "slug": cat}
        for cat, items in by_category.items()
    ]


class TaskProfileFullForm(HoursRangeMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    site = forms.ModelChoiceField(label=_("Site"), queryset=None)
    occupation = forms.CharField(
        label=_("Occupation (SSYK)"),
        max_length=300,
        required=False,
        help_text=_("Type to search the occupation list."),
        widget=forms.TextInput(
            attrs={
                "list": "occupation-options",
                "autocomplete": "off",
                "hx-get": reverse_lazy("portal:vocabulary_search", args=["occupations"]),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#occupation-options",
            }
        ),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ProfileKind.choices)
    description = forms.CharField(
        label=_("Tasks"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    hours_min = forms.IntegerField(label=_("Hours per week, min"), min_value=0, max_value=60)
    hours_max = forms.IntegerField(label=_("Hours per week, max"), min_value=0, max_value=60)
    schedule_notes = forms.CharField(label=_("Schedule"), max_length=300, required=False)
    start_time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}), required=False
    )
    end_time = forms.TimeField(
        label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}), required=False
    )
    period_start = forms.DateField(label=_("From"), widget=DateInput, required=False)
    period_end = forms.DateField(label=_("Until"), widget=DateInput, required=False)
    slots_total = forms.IntegerField(label=_("Slots"), min_value=0, max_value=500)
    swedish_level = forms.TypedChoiceField(
        label=_("Required Swedish level"), choices=SwedishLevel.choices, coerce=int
    )
    physical_demands = forms.ChoiceField(
        label=_("Physical demands"), choices=PhysicalDemand.choices
    )
    supervisor_available = forms.BooleanField(label=_("Supervisor available"), required=False)
    wage_subsidy_eligible = forms.BooleanField(label=_("Wage subsidy possible"), required=False)
    offered_adaptations = forms.ModelMultipleChoiceField(
        label=_("Adaptations offered"),
        queryset=Adaptation.objects.filter(active=True),
        required=False,
    )
    ocn_modules = forms.ModelMultipleChoiceField(
        label=_("OCN modules required"),
        queryset=OcnModule.objects.select_related("programme").order_by("programme__name", "code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    required_licences = LicenceChoiceField(label=_("Licences and legitimations required"))

    def licence_groups(self):
        return licence_groups(self["required_licences"])

    def __init__(self, *args, employer=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Room for every skill the profile has plus two more, so saving never drops one.
        existing = sum(1 for key in self.initial if key.startswith("skill_") and key[6:].isdigit())
        self.skill_count = max(SKILL_ROWS, existing + 2)
        self.fields["site"].queryset = employer.sites.all()
        # The OCN catalogue's checkboxes come from the shared cache (dropped when a module or
        # programme changes, portal/apps.py); the field keeps its queryset to validate a POST.
        modules = self.fields["ocn_modules"]
        modules.widget.choices = cached_choices(
            "ocn-module-choices",
            "all",
            lambda: [(m.pk, modules.label_from_instance(m)) for m in modules.queryset],
        )
        scale = KgaScale.current()
        levels = [("", _("Not required"))] + [
            (str(i), str(i)) for i in range(scale.min_level, scale.max_level + 1)
        ]
        self.kga_competences = list(KgaCompetence.objects.filter(active=True).order_by("order"))
        for c in self.kga_competences:
            self.fields[f"kga_{c.pk}"] = forms.ChoiceField(
                label=c.name, choices=levels, required=False
            )
        for i in range(self.skill_count):
            self.fields[f"skill_{i}"] = forms.CharField(
                label=_("Skill %(n)s") % {"n": i + 1},
                max_length=300,
                required=False,
                widget=forms.TextInput(
                    attrs={
                        "list": "skill-options",
                        "autocomplete": "off",
                        "hx-get": reverse_lazy("portal:vocabulary_search", args=["skills"]),
                        "hx-trigger": "input changed delay:250ms",
                        "hx-target": "#skill-options",
                    }
                ),
            )
            self.fields[f"skill_{i}_weight"] = forms.TypedChoiceField(
                label=_("Weight (1–5)"),
                choices=[(n, n) for n in range(1, 6)],
                coerce=int,
                initial=3,
            )
            self.fields[f"skill_{i}_required"] = forms.ChoiceField(
                label=_("Required or nice to have"),
                choices=[
                    (SKILL_MUST, _("Must have (excludes who lacks it)")),
                    (SKILL_REQUIRED, _("Required (weighted)")),
                    (SKILL_NICE, _("Nice to have")),
                ],
                initial=SKILL_NICE,
            )

    @classmethod
    def initial_for(cls, profile: TaskProfile) -> dict:
        data = {
            f: getattr(profile, f)
            for f in (
                "title",
                "kind",
                "description",
                "hours_min",
                "hours_max",
                "schedule_notes",
                "start_time",
                "end_time",
                "period_start",
                "period_end",
                "slots_total",
                "swedish_level",
                "physical_demands",
                "supervisor_available",
                "wage_subsidy_eligible",
            )
        }
        data["site"] = profile.site_id
        data["occupation"] = profile.occupation.label if profile.occupation_id else ""
        data["offered_adaptations"] = [a.pk for a in profile.offered_adaptations.all()]
        data["ocn_modules"] = [r.module_id for r in profile.ocn_requirements.all()]
        for r in profile.kga_requirements.all():
            data[f"kga_{r.competence_id}"] = str(r.min_level)
        for i, s in enumerate(profile.skills.select_related("skill")):
            data[f"skill_{i}"] = s.skill.label if s.skill_id else s.free_text
            data[f"skill_{i}_weight"] = s.weight
            data[f"skill_{i}_required"] = (
                SKILL_MUST if s.must else SKILL_REQUIRED if s.required else SKILL_NICE
            )
        data["required_licences"] = [x.pk for x in profile.required_licences.all()]
        return data

    def clean_occupation(self):
        text = (self.cleaned_data.get("occupation") or "").strip()
        if not text:
            return None
        label = taxonomy.label_for(Occupation, text) or text  # a synonym names its occupation
        occupation = Occupation.objects.filter(label__iexact=label).order_by("pk").first()
        if occupation is None:
            raise forms.ValidationError(_("Choose an occupation from the list."))
        return occupation

    def service_kwargs(self) -> dict:
        """The cleaned form as the keyword arguments of ``task_profile_create/update``."""
        data = self.cleaned_data
        kwargs = {
            f: data[f]
            for f in (
                "title",
                "site",
                "occupation",
                "kind",
                "description",
                "hours_min",
                "hours_max",
                "schedule_notes",
                "start_time",
                "end_time",
                "period_start",
                "period_end",
                "slots_total",
                "swedish_level",
                "physical_demands",
                "supervisor_available",
                "wage_subsidy_eligible",
            )
        }
        kwargs["offered_adaptations"] = list(data["offered_adaptations"])
        kwargs["ocn_modules"] = list(data["ocn_modules"])
        kwargs["required_licences"] = list(data["required_licences"])
        kwargs["kga_requirements"] = [
            {"competence": c, "min_level": int(data[f"kga_{c.pk}"])}
            for c in self.kga_competences
            if data.get(f"kga_{c.pk}")
        ]
        kwargs["skills"] = [
            {
                "text": data[f"skill_{i}"].strip(),
                "weight": data[f"skill_{i}_weight"],
                "required": data[f"skill_{i}_required"] in (SKILL_MUST, SKILL_REQUIRED),
                "must": data[f"skill_{i}_required"] == SKILL_MUST,
            }
            for i in range(self.skill_count)
            if (data.get(f"skill_{i}") or "").strip()
        ]
        return kwargs

    def skill_rows(self):
        return [
            (self[f"skill_{i}"], self[f"skill_{i}_weight"], self[f"skill_{i}_required"])
            for i in range(self.skill_count)
        ]

    def kga_rows(self):
        return [self[f"kga_{c.pk}"] for c in self.kga_competences]


class ChooseSurvivorForm(forms.Form):
    keep = forms.IntegerField(widget=forms.HiddenInput)
