"""Forms for projects, enrolments and starts (the services decide; these only read input)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from placements.choices import ProjectTargetGroup, StartKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    funder = forms.CharField(label=_("Funder"), max_length=200, required=False)
    starts_on = forms.DateField(label=_("Project start"), widget=DATE)
    ends_on = forms.DateField(label=_("Project end"), widget=DATE)
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=ProjectTargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class EnrolmentForm(forms.Form):
    project = forms.ChoiceField(label=_("Project"))
    started_on = forms.DateField(label=_("Enrolled in the project"), widget=DATE)
    ended_on = forms.DateField(label=_("Left the project"), widget=DATE, required=False)

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [(p.pk, p.name) for p in projects]


class StartForm(forms.Form):
    kind = forms.ChoiceField(label=_("Started in"), choices=StartKind.choices)
    started_on = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
