"""Forms for the guide's decisions on matches, phase changes and the unit's matching weights."""

from functools import lru_cache

from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from employers.choices import ProfileKind
from matching.choices import Phase
from matching.models import DecisionReason
from matching.services.weights import FIELDS as WEIGHT_FIELDS


class DeclineForm(forms.Form):
    task_profile = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        label=_("Why not"), choices=[("", "—"), *DecisionReason.choices], required=True
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(label=_("New phase"))
    reason = forms.CharField(label=_("Why"), max_length=300)

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = [("", "—")] + [
            (value, label) for value, label in Phase.choices if value in allowed
        ]


WEIGHT_LABELS = {
    "skills": _("Skills"),
    "validations": _("Validations"),
    "geography": _("Geography"),
    "adaptations_hours": _("Adaptations and hours"),
    "preferences": _("Preferences"),
    "load": _("Employer load"),
}


class WeightsForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in WEIGHT_FIELDS:
            self.fields[name] = forms.FloatField(
                label=WEIGHT_LABELS[name], min_value=0, max_value=100, localize=True
            )


STATE_CHOICES = [
    ("included", _("Only those that fit")),
    ("excluded", _("Only excluded")),
    ("all", _("All, excluded too")),
]


class MatchFilterForm(forms.Form):
    """Search and filter a ranked match list (a participant's profiles, or a profile's
    participants); the list keeps its rank order and is paged on the server."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind of slot"), required=False)
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    state = forms.ChoiceField(label=_("Show"), choices=STATE_CHOICES, required=False)

    def __init__(self, *args, municipalities=(), with_kind=True, **kwargs):
        kwargs.setdefault("auto_id", "match-%s")
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [("", _("All")), *municipalities]
        if with_kind:
            self.fields["kind"].choices = [("", _("All")), *ProfileKind.choices]
            self.fields["q"].help_text = _("Title, employer or occupation")
        else:
            del self.fields["kind"]
            self.fields["q"].help_text = _("Code, home locality or desired occupation")
        self._shape = (tuple(tuple(choice) for choice in municipalities), with_kind)


def match_filter_html(form: MatchFilterForm, anchor: str) -> str:
    """The filter form's markup (``portal/partials/match_filter.jinja``). Before anyone filters,
    the form is the same for every participant or profile of the unit, so it is rendered once per
    municipality choices, kind of list, anchor and language and kept (its selects' options cost a
    participant page ~1 ms); a form that was sent is rendered with its values and errors."""
    if form.is_bound:
        return _filter_html(form, anchor)
    return _unbound_filter_html(*form._shape, anchor, get_language())


@lru_cache(maxsize=256)
def _unbound_filter_html(municipalities, with_kind, anchor, _language) -> str:
    form = MatchFilterForm(municipalities=municipalities, with_kind=with_kind)
    return _filter_html(form, anchor)


def _filter_html(form: MatchFilterForm, anchor: str) -> str:
    from django.template import engines

    template = engines["jinja2"].get_template("portal/partials/match_filter.jinja")
    return mark_safe(template.template.render(form=form, anchor=anchor))  # noqa: S308 - escaped by Jinja2
