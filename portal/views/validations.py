"""OCN cases and KGA assessments in the pages, and the administrator's list of internal quality
assurers. Same services as the API (``matching.participants.services.validations``)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.choices import Role
from matching.choices import OCN_ORDER, OcnStatus
from matching.models import KgaAssessment, KgaScore, OcnCase, Participant, QualityAssurer
from matching.participants.selectors import is_quality_assurer, ocn_cases_awaiting_internal_qa
from matching.participants.services.audit import audit_participant_read
from matching.participants.services.participants import can_edit
from matching.participants.services.validations import (
    kga_assessment_record,
    may_advance,
    ocn_case_advance,
    ocn_case_register,
    ocn_case_reject,
    quality_assurer_grant,
    quality_assurer_revoke,
)
from portal.access import STAFF, role_required
from portal.participant_forms import (
    KgaForm,
    OcnCaseForm,
    OcnStepForm,
    QualityAssurerForm,
    RejectForm,
)
from portal.views.common import run_service


def _participant(request, pk) -> Participant:
    return get_object_or_404(Participant.objects.visible_to(request.user), pk=pk)


@role_required(*STAFF)
def participant_validations(request, pk):
    """The OCN/KGA record: cases with their steps, KGA history per competence; forms for the
    participant's guide."""
    participant = _participant(request, pk)
    editor = can_edit(request.user, participant)
    form = OcnCaseForm(request.POST or None)
    if request.method == "POST":
        if not editor:
            return render(request, "403.html", status=403)
        if form.is_valid():
            case = run_service(
                request,
                form,
                ocn_case_register,
                participant=participant,
                module=form.cleaned_data["module"],
                by=request.user,
            )
            if case is not None:
                messages.success(request, _("The OCN case was opened."))
                return redirect("portal:ocn_case", pk=case.pk)
    cases = OcnCase.objects.filter(participant=participant).select_related(
        "module__programme", "assessor", "internal_qa_by"
    )
    history: dict = {}
    for score in (
        KgaScore.objects.filter(assessment__participant=participant)
        .select_related("competence", "assessment__assessor")
        .order_by("competence__order", "competence__name", "-assessment__assessed_on")
    ):
        history.setdefault(score.competence, []).append(score)
    return render(
        request,
        "portal/guide/validations.html",
        {
            "p": participant,
            "cases": cases,
            "kga_history": list(history.items()),
            "form": form,
            "can_edit": editor,
        },
    )


@role_required(*STAFF)
def ocn_case(request, pk):
    """One case: its steps (who, when), and the next step for whoever may take it."""
    case = get_object_or_404(
        OcnCase.objects.filter(
            participant__in=Participant.objects.visible_to(request.user)
        ).select_related("participant", "module__programme", "assessor", "internal_qa_by"),
        pk=pk,
    )
    audit_participant_read(
        participant=case.participant, user=request.user, request=request, what="ocn case"
    )
    index = OCN_ORDER.index(OcnStatus(case.status))
    step = OCN_ORDER[index + 1] if index + 1 < len(OCN_ORDER) else None
    allowed = step is not None and may_advance(request.user, case, step)
    action = request.POST.get("action") if request.method == "POST" else None
    form = (
        OcnStepForm(
            request.POST if action == "advance" else None,
            step=step,
            module_level=case.module.level,
        )
        if allowed
        else None
    )
    reject_allowed = case.status not in (OcnStatus.REGISTERED, OcnStatus.CERTIFIED) and (
        can_edit(request.user, case.participant)
        or (
            case.status == OcnStatus.ASSESSED
            and may_advance(request.user, case, OcnStatus.INTERNALLY_ASSURED)
        )
    )
    reject = RejectForm(request.POST if action == "reject" else None)
    if action == "advance":
        if form is None:
            return render(request, "403.html", status=403)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
            done = run_service(
                request, form, ocn_case_advance, case=case, to_status=step, by=request.user, **data
            )
            if done is not None:
                messages.success(request, _("Saved: %(s)s.") % {"s": OcnStatus(step).label})
                return redirect("portal:ocn_case", pk=case.pk)
    elif action == "reject":
        if not reject_allowed:
            return render(request, "403.html", status=403)
        if reject.is_valid() and run_service(
            request, reject, ocn_case_reject, case=case, by=request.user, **reject.cleaned_data
        ):
            messages.success(request, _("The case went back one step."))
            return redirect("portal:ocn_case", pk=case.pk)
    elif request.method == "POST":
        return render(request, "403.html", status=403)
    return render(
        request,
        "portal/guide/ocn_case.html",
        {
            "case": case,
            "p": case.participant,
            "events": case.events.select_related("by"),
            "step": step,
            "step_label": OcnStatus(step).label if step else None,
            "form": form,
            "reject": reject if reject_allowed else None,
            "is_assessor": step == OcnStatus.INTERNALLY_ASSURED
            and case.assessor_id == request.user.pk,
        },
    )


@role_required(Role.GUIDE, Role.ADMIN)
def kga_create(request, pk):
    participant = _participant(request, pk)
    if not can_edit(request.user, participant):
        return render(request, "403.html", status=403)
    form = KgaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assessment = run_service(
            request,
            form,
            kga_assessment_record,
            participant=participant,
            by=request.user,
            scores=form.scores(),
            assessed_on=form.cleaned_data["assessed_on"],
            comment=form.cleaned_data["comment"],
        )
        if assessment is not None:
            messages.success(request, _("The KGA assessment was recorded."))
            return redirect("portal:participant_validations", pk=participant.pk)
    competence_fields = [form[f"c{c.pk}"] for c in form.competences]
    return render(
        request,
        "portal/guide/kga_form.html",
        {"p": participant, "form": form, "competence_fields": competence_fields},
    )


@role_required(*STAFF)
def qa_worklist(request):
    """The internal quality assurer's worklist: assessed OCN cases of their units, waiting for
    internal quality assurance, each linked to the case page where the step is taken."""
    cases = ocn_cases_awaiting_internal_qa(request.user).select_related(
        "participant", "module__programme", "assessor"
    )
    named = is_quality_assurer(request.user)
    return render(
        request,
        "portal/guide/qa_worklist.html",
        {"cases": cases, "named": named, "today": timezone.localdate()},
    )


@role_required(Role.ADMIN)
def quality_assurers(request):
    """Administrators name the unit's internal quality assurers (intern kvalitetssäkrare)."""
    form = QualityAssurerForm(request.POST or None, unit=request.user.unit)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            form,
            quality_assurer_grant,
            unit=request.user.unit,
            user=form.cleaned_data["user"],
            by=request.user,
        )
    ):
        messages.success(
            request,
            _("%(u)s may now quality-assure OCN cases.")
            % {"u": form.cleaned_data["user"].get_full_name()},
        )
        return redirect("portal:quality_assurers")
    rows = QualityAssurer.objects.filter(unit=request.user.unit).select_related(
        "user", "granted_by"
    )
    return render(request, "portal/guide/quality_assurers.html", {"form": form, "rows": rows})


@require_POST
@role_required(Role.ADMIN)
def quality_assurer_remove(request, pk):
    row = get_object_or_404(QualityAssurer, pk=pk, unit=request.user.unit)
    run_service(request, None, quality_assurer_revoke, row=row, by=request.user)
    messages.success(request, _("The permission was removed."))
    return redirect("portal:quality_assurers")


__all__ = ["KgaAssessment"]
