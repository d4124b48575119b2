"""The participant's record in the guide's pages: edit the profile, skills, needs. Every write
goes through ``matching.participants.services.participants`` (the same services as the API)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.choices import Role
from core.roles import role_of
from matching.models import Participant, ParticipantSkill
from matching.participants.commute import commute_limit_text
from matching.participants.services.participants import (
    can_edit,
    participant_set_adaptation_needs,
    participant_skill_add,
    participant_skill_remove,
    participant_skill_update,
    participant_update,
)
from matching.participants.visibility import may_see_sensitive
from portal.access import role_required
from portal.participant_forms import (
    LanguageFormSet,
    NeedFormSet,
    ParticipantEditForm,
    SkillAddForm,
    SkillChangeForm,
)
from portal.views.common import run_service

EDITORS = (Role.GUIDE, Role.ADMIN)


def _editable(request, pk) -> Participant | None:
    """The participant if the user may change them (assigned guide or admin), else None."""
    participant = get_object_or_404(
        Participant.objects.visible_to(request.user).select_related("unit"), pk=pk
    )
    return participant if can_edit(request.user, participant) else None


def _forbidden(request):
    return render(request, "403.html", status=403)


@role_required(*EDITORS)
def participant_edit(request, pk):
    participant = _editable(request, pk)
    if participant is None:
        return _forbidden(request)
    full = may_see_sensitive(request.user, participant)
    initial = {
        field: getattr(participant, field)
        for field in (
            "first_name",
            "last_name",
            "personnummer",
            "gender",
            "birth_year",
            "newly_arrived",
            "long_term_unemployed",
            "reduced_work_capacity",
            "returning_from_sick_leave",
            "enrolled_on",
            "home_locality",
            "postal_code",
            "home_address",
            "commute_means",
            "has_driving_licence",
            "has_car",
            "commute_max_km",
            "commute_max_minutes",
            "hours_min",
            "hours_max",
            "available_days",
            "swedish_level",
            "goals",
            "support_needs",
            "paused_reason",
        )
    }
    initial.update(
        municipality=participant.municipality_id,
        guide=participant.guide_id,
        desired_occupations=list(participant.desired_occupations.all()),
        desired_industries=list(participant.desired_industries.all()),
        licences=[x.pk for x in participant.licences.all()],
        active="1" if participant.active else "0",
    )
    form = ParticipantEditForm(
        request.POST or None, initial=initial, participant=participant, full=full
    )
    languages = LanguageFormSet(
        request.POST or None,
        prefix="lang",
        initial=[{"language": x.language, "level": x.level} for x in participant.languages.all()],
    )
    if request.method == "POST" and form.is_valid() and languages.is_valid():
        data = dict(form.cleaned_data)
        data["languages"] = [
            {"language": f.cleaned_data["language"], "level": f.cleaned_data["level"]}
            for f in languages
            if f.cleaned_data.get("language")
        ]
        if run_service(
            request, form, participant_update, participant=participant, by=request.user, **data
        ):
            messages.success(request, _("The participant's profile was saved."))
            return redirect("portal:participant_detail", pk=participant.pk)
    return render(
        request,
        "portal/guide/participant_edit.html",
        {
            "p": participant,
            "form": form,
            "languages": languages,
            "occupation_labels": form.fields["add_occupation"].datalist(),
            "commute_limit": commute_limit_text(participant),
        },
    )


@role_required(*EDITORS)
def participant_skills(request, pk):
    participant = _editable(request, pk)
    if participant is None:
        return _forbidden(request)
    form = SkillAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        row = run_service(
            request,
            form,
            participant_skill_add,
            participant=participant,
            by=request.user,
            skill=data["skill_obj"],
            text=data["text"],
            level=data["level"],
            source=data["source"],
        )
        if row is not None:
            messages.success(request, _("“%(s)s” was added.") % {"s": row})
            return redirect("portal:participant_skills", pk=participant.pk)
    rows = participant.skills.select_related("skill")
    return render(
        request,
        "portal/guide/participant_skills.html",
        {
            "p": participant,
            "form": form,
            "rows": [
                (
                    row,
                    SkillChangeForm(
                        initial={"level": row.level, "source": row.source}, prefix=f"s{row.pk}"
                    ),
                )
                for row in rows
            ],
            "admin": role_of(request.user) == Role.ADMIN,
            "skill_labels": _skill_labels(),
        },
    )


def _skill_labels():
    from core.models import Skill

    return Skill.objects.order_by("label").values_list("label", flat=True)


@require_POST
@role_required(*EDITORS)
def participant_skill_change(request, pk, skill_pk):
    participant = _editable(request, pk)
    if participant is None:
        return _forbidden(request)
    row = get_object_or_404(ParticipantSkill, pk=skill_pk, participant=participant)
    if request.POST.get("remove"):
        run_service(request, None, participant_skill_remove, row=row, by=request.user)
        return redirect("portal:participant_skills", pk=participant.pk)
    form = SkillChangeForm(request.POST, prefix=f"s{row.pk}")
    if form.is_valid():
        if run_service(
            request, None, participant_skill_update, row=row, by=request.user, **form.cleaned_data
        ):
            messages.success(request, _("“%(s)s” was changed.") % {"s": row})
    else:
        messages.error(request, _("Choose a level and a source."))
    return redirect("portal:participant_skills", pk=participant.pk)


@role_required(*EDITORS)
def participant_needs(request, pk):
    """Adaptation needs with their descriptions: only the assigned guide and administrators
    (the only ones who may see descriptions) reach this page."""
    participant = _editable(request, pk)
    if participant is None or not may_see_sensitive(request.user, participant):
        return _forbidden(request)
    current = participant.adaptation_needs.select_related("adaptation")
    formset = NeedFormSet(
        request.POST or None,
        prefix="need",
        initial=[{"adaptation": n.adaptation, "description": n.description} for n in current],
    )
    if request.method == "POST" and formset.is_valid():
        needs = [
            {
                "adaptation": f.cleaned_data["adaptation"],
                "description": f.cleaned_data["description"],
            }
            for f in formset
            if f.cleaned_data.get("adaptation")
        ]
        done = run_service(
            request,
            None,
            _set_needs,
            participant=participant,
            by=request.user,
            needs=needs,
        )
        if done:
            messages.success(request, _("The adaptation needs were saved."))
            return redirect("portal:participant_detail", pk=participant.pk)
    return render(
        request, "portal/guide/participant_needs.html", {"p": participant, "formset": formset}
    )


def _set_needs(*, participant, by, needs) -> bool:
    # Through participant_update so matching refreshes, exactly as the API's update does.
    participant_update(participant=participant, by=by, adaptation_needs=needs)
    return True


__all__ = [
    "participant_edit",
    "participant_needs",
    "participant_skill_change",
    "participant_skills",
    "participant_set_adaptation_needs",
]
