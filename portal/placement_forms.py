"""Forms for a placement's steps and its follow-ups. Each form only collects what its service needs;
the rules (what is allowed, dates, reasons) stay in ``placements.services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from placements import rules
from placements.choices import ExitOutcome, FollowUpWith, SubsidyType, WithdrawReason
from portal.forms import DateInput

RATING_SCALE = [
    (1, _("1 – does not work")),
    (2, _("2 – great difficulties")),
    (3, _("3 – works with support")),
    (4, _("4 – works well")),
    (5, _("5 – works very well")),
]
RATING_HELP = _(
    "How it goes, from 1 (does not work) to 5 (works very well). Leave a rating empty if it was "
    "not talked about; give at least one rating or a note."
)


def _rating(label):
    # Radio buttons with nothing chosen: an untouched form sends no rating (never a silent “1”).
    return forms.TypedChoiceField(
        label=label,
        choices=RATING_SCALE,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )


def _text(label, *, required=True, rows=2, max_length=None):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class StepForm(forms.Form):
    """A form for one step. Its dates are checked against ``placements.rules.DATE_RULES
    [date_action]``, the table the service applies, so a wrong date is an error on its field
    before the service runs (never a copy of the rule). ``subject`` is what the step acts on."""

    date_action = ""

    def __init__(self, *args, subject=None, **kwargs):
        self.subject = subject
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.date_action and self.subject is not None:
            for field, message in rules.date_errors(self.date_action, self.subject, data).items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, message)
        return data


class AgreeForm(StepForm):
    """No fields: agreeing takes one of the profile's slots."""


class WithdrawForm(StepForm):
    reason = forms.ChoiceField(
        label=_("Why is the proposal withdrawn?"),
        choices=WithdrawReason.choices,
        widget=forms.RadioSelect,
    )
    note = _text(_("Note"), required=False, max_length=300)


class StartForm(StepForm):
    date_action = "start"

    started_on = forms.DateField(label=_("Start date"), widget=DateInput)


class EvaluateForm(StepForm):
    date_action = "evaluate"

    evaluated_on = forms.DateField(label=_("Evaluation date"), widget=DateInput)
    progress = _text(_("Progress against the goals"), rows=3)
    rating = forms.TypedChoiceField(
        label=_("Overall"),
        choices=RATING_SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=RATING_HELP,
    )
    next_steps = _text(_("Next steps"), required=False)


class ExtendForm(StepForm):
    date_action = "extend"

    new_end = forms.DateField(label=_("New end date"), widget=DateInput)
    reason = _text(_("Reason for the extension"))


class EmploymentForm(StepForm):
    hours_per_week = forms.IntegerField(label=_("Hours per week"), min_value=1, max_value=60)
    subsidy_type = forms.ChoiceField(label=_("Subsidy"), choices=SubsidyType.choices)
    reason = _text(_("Note"), required=False)


class HireForm(StepForm):
    date_action = "hire"

    hired_on = forms.DateField(label=_("Hired on"), widget=DateInput)


class EndForm(StepForm):
    date_action = "end"

    ended_on = forms.DateField(label=_("End date"), widget=DateInput)
    reason = _text(_("Why does it end?"), max_length=300)


class ExitForm(StepForm):
    date_action = "exit"

    exited_on = forms.DateField(label=_("Exit date"), widget=DateInput)
    outcome = forms.ChoiceField(
        label=_("Outcome at exit"), choices=ExitOutcome.choices, widget=forms.RadioSelect
    )
    note = _text(_("Note"), required=False)


class FollowUpRecordForm(StepForm):
    date_action = "followup_record"

    done_on = forms.DateField(label=_("Done on"), widget=DateInput)
    with_whom = forms.ChoiceField(label=_("With"), choices=FollowUpWith.choices)
    rating_tasks = _rating(_("Tasks"))
    rating_social = _rating(_("Social"))
    rating_attendance = _rating(_("Attendance"))
    notes = _text(_("Notes"), required=False, rows=3)
    next_actions = _text(_("Next actions"), required=False)


class FollowUpRescheduleForm(StepForm):
    date_action = "followup_plan"

    planned_on = forms.DateField(label=_("New date"), widget=DateInput)
    reason = _text(_("Why is it moved?"), max_length=300)


class FollowUpCreateForm(StepForm):
    date_action = "followup_plan"

    planned_on = forms.DateField(label=_("Date"), widget=DateInput)
    with_whom = forms.ChoiceField(label=_("With"), choices=FollowUpWith.choices)
