"""The guide's workspace: participants, their matches with explanations, proposals, follow-ups."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Min, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.choice_cache import cached_choices
from core.choices import Role
from core.compiled import CompiledRows
from core.exceptions import DomainError
from core.models import Municipality
from core.roles import is_admin, region_id_of
from employers.models import TaskProfile
from matching.choices import Weekday
from matching.models import (
    Consent,
    DecisionReason,
    OcnCase,
    Participant,
)
from matching.participants.commute import commute_limit_text
from matching.participants.identity import mask
from matching.participants.selectors import participant_card, wishes_and_licences
from matching.participants.services.audit import audit_participant_read, audit_participants_read
from matching.participants.services.consents import consent_record, consent_withdraw
from matching.participants.services.participants import can_edit, participant_create
from matching.participants.visibility import may_see_sensitive
from matching.services.suggestions import rank_profiles_for
from placements.models import FollowUp
from placements.services.placements import placement_propose
from portal.access import STAFF, role_required
from portal.forms import (
    ConsentForm,
    ParticipantFilterForm,
    ParticipantForm,
    ProposeForm,
)
from portal.views.common import paginate, run_service
from portal.views.match_lists import filtered_matches


@role_required(*STAFF)
def participant_list(request):
    initial = {"mine": request.user.role == Role.GUIDE}
    form = ParticipantFilterForm(request.GET or None, initial=initial)
    qs = Participant.objects.visible_to(request.user)
    mine = initial["mine"] if not request.GET else form.is_valid() and form.cleaned_data["mine"]
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(
                Q(code__icontains=data["q"])
                | Q(first_name__icontains=data["q"])
                | Q(last_name__icontains=data["q"])
            )
        if data["phase"]:
            qs = qs.filter(phase=data["phase"])
    if mine:
        qs = qs.filter(guide=request.user)
    today = timezone.localdate()
    qs = (
        qs.annotate(
            next_followup=Min(
                "placements__followups__planned_on",
                filter=Q(
                    placements__followups__status="planned",
                    placements__status__in=["agreed", "ongoing"],
                ),
            ),
        )
        .order_by("next_followup", "code")
        .select_related("guide")
    )
    page = paginate(request, qs)
    # A list (and a search) reads participants too: each one shown is logged (issue 13).
    audit_participants_read(
        ids=[p.pk for p in page], user=request.user, request=request, what="page participant list"
    )
    return render(
        request,
        "portal/guide/participant_list.html",
        {"form": form, "page": page, "today": today},
    )


# The participant, and the profiles of the page's matches, compiled once (``core.compiled``).
_PARTICIPANT = CompiledRows(
    lambda user, pk: (
        Participant.objects.visible_to(user).filter(pk=pk).select_related("guide", "municipality")
    ),
    scoped=True,
    pk=None,
)
_MATCHED_PROFILES = CompiledRows(
    lambda ids: TaskProfile.objects.filter(pk__in=ids).select_related("employer", "site"), ids=[]
)


@role_required(*STAFF)
def participant_detail(request, pk):
    participant = _PARTICIPANT.one(user=request.user, pk=pk)
    if participant is None:
        raise Http404
    audit_participant_read(participant=participant, user=request.user, request=request, what="page")
    full = may_see_sensitive(request.user, participant)
    form = ProposeForm(request.POST or None)
    if request.method == "POST":
        if not can_edit(request.user, participant):
            return render(request, "403.html", status=403)
        if form.is_valid():
            data = dict(form.cleaned_data)
            profile = get_object_or_404(
                TaskProfile.objects.visible_to(request.user).select_related("employer"),
                pk=data.pop("task_profile"),
            )
            placement = run_service(
                request,
                form,
                placement_propose,
                participant=participant,
                task_profile=profile,
                by=request.user,
                **data,
            )
            if placement is not None:
                messages.success(request, _("Proposed to %(e)s.") % {"e": profile.employer.name})
                return redirect("portal:participant_detail", pk=participant.pk)
    listing = filtered_matches(
        request,
        participant=participant,
        municipalities=cached_choices(
            "profile-municipalities",
            f"{request.user.unit_id}:{region_id_of(request.user)}",
            lambda: (
                Municipality.objects.filter(
                    sites__task_profiles__in=TaskProfile.objects.visible_to(request.user)
                )
                .distinct()
                .order_by("name")
                .values_list("code", "name")
            ),
        ),
    )
    matches = listing["matches"]
    if matches is None:
        try:
            matches = rank_profiles_for(participant, limit=10)
        except DomainError:
            matches = []
    profiles = {
        p.pk: p for p in _MATCHED_PROFILES.objects(ids=[m["task_profile"] for m in matches])
    }
    for m in matches:
        m["profile"] = profiles.get(m["task_profile"])
        m["percent"] = round(m["score"] * 100)
    context = {
        "p": participant,
        "full": full,
        "personnummer": participant.personnummer if full else mask(participant.personnummer),
        **participant_card(participant),
        **wishes_and_licences(participant),
        "available_days": ", ".join(
            str(Weekday(d).label) for d in participant.available_days if d in Weekday.values
        ),
        "matches": matches,
        "commute_limit": commute_limit_text(participant),
        "decline_reasons": DecisionReason.choices,
        "include_excluded": listing.get("include_excluded", False),
        "match_page": listing["pager"],
        "match_filter": listing["filter_form"],
        "form": form,
        "can_edit": can_edit(request.user, participant),
        # the register extract (art. 15) is the administrators' to give
        "may_extract": is_admin(request.user),
        "today": timezone.localdate(),
        "default_start": timezone.localdate() + dt.timedelta(days=7),
        "default_end": timezone.localdate() + dt.timedelta(weeks=12),
    }
    return render(request, "portal/guide/participant_detail.html", context)


@role_required(*STAFF)
def participant_history(request, pk):
    """The participant's phase changes and decisions on suggestions: loaded when the guide opens
    them on the participant's page (issue 22: what a page rarely shows loads on demand)."""
    participant = get_object_or_404(Participant.objects.visible_to(request.user), pk=pk)
    audit_participant_read(
        participant=participant, user=request.user, request=request, what="history"
    )
    return render(
        request,
        "portal/guide/_participant_history.html",
        {
            "phase_changes": participant.phase_changes.select_related("by"),
            "decisions": participant.match_decisions.select_related(
                "task_profile__employer", "decided_by"
            ).order_by("-decided_at"),
        },
    )


@role_required(*STAFF)
def participant_method(request, pk):
    """The progression section of the participant's page, loaded when it scrolls into view."""
    participant = get_object_or_404(Participant.objects.visible_to(request.user), pk=pk)
    audit_participant_read(
        participant=participant, user=request.user, request=request, what="progression"
    )
    return render(request, "portal/method/_participant_method.html", {"p": participant})


FOLLOWUP_COLUMNS = (
    "planned_on",
    "with_whom",
    "confirmed_at",
    "placement__participant__code",
    "placement__task_profile__employer__name",
)


@role_required(*STAFF)
def followups(request):
    today = timezone.localdate()
    qs = (
        FollowUp.objects.visible_to(request.user)
        .pending()
        .select_related("placement__participant", "placement__task_profile__employer")
        # What the rows show (the participant's row holds identity and health fields).
        .only(*FOLLOWUP_COLUMNS)
    )
    if request.user.role == Role.GUIDE:
        qs = qs.filter(placement__guide=request.user)
    overdue = qs.filter(planned_on__lt=today).order_by("planned_on")
    upcoming = qs.filter(
        planned_on__gte=today, planned_on__lte=today + dt.timedelta(days=30)
    ).order_by("planned_on")
    days: dict = {}
    for f in upcoming:
        days.setdefault(f.planned_on, []).append(f)
    return render(
        request,
        "portal/guide/followups.html",
        {"overdue": overdue, "days": sorted(days.items()), "today": today},
    )


@role_required(*STAFF)
def ocn_certificate(request, pk):
    case = get_object_or_404(
        OcnCase.objects.filter(
            participant__in=Participant.objects.visible_to(request.user), status="certified"
        ).select_related("participant", "module__programme"),
        pk=pk,
    )
    audit_participant_read(
        participant=case.participant, user=request.user, request=request, what="ocn certificate"
    )
    return render(
        request,
        "matching/ocn_certificate.html",
        {"case": case, "competences": case.module.skills.all()},
    )


@role_required(Role.GUIDE, Role.ADMIN)
def participant_create_view(request):
    form = ParticipantForm(request.POST or None, unit=request.user.unit)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        needs = [{"adaptation": a} for a in data.pop("adaptation_needs")]
        skills = [
            {"text": line.strip()} for line in data.pop("skills_text").splitlines() if line.strip()
        ]
        participant = run_service(
            request,
            form,
            participant_create,
            by=request.user,
            adaptation_needs=needs,
            skills=skills,
            **data,
        )
        if participant is not None:
            messages.success(request, _("%(code)s was registered.") % {"code": participant.code})
            return redirect("portal:participant_detail", pk=participant.pk)
    return render(request, "portal/guide/participant_form.html", {"form": form})


@role_required(Role.GUIDE, Role.ADMIN)
def consent_create_view(request, pk):
    participant = get_object_or_404(Participant.objects.visible_to(request.user), pk=pk)
    if not can_edit(request.user, participant):
        return render(request, "403.html", status=403)
    form = ConsentForm(
        request.POST or None,
        user=request.user,
        initial={"given_on": timezone.localdate(), "scopes": ["identity", "skills", "placement"]},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            form,
            consent_record,
            participant=participant,
            by=request.user,
            **form.cleaned_data,
        )
    ):
        messages.success(request, _("The consent was recorded."))
        return redirect("portal:participant_detail", pk=participant.pk)
    return render(request, "portal/guide/consent_form.html", {"form": form, "p": participant})


@require_POST
@role_required(Role.GUIDE, Role.ADMIN)
def consent_withdraw_view(request, pk):
    consent = get_object_or_404(
        Consent.objects.filter(participant__in=Participant.objects.visible_to(request.user)), pk=pk
    )
    if run_service(request, None, consent_withdraw, consent=consent, by=request.user):
        messages.success(request, _("The consent was withdrawn; it no longer applies."))
    return redirect("portal:participant_detail", pk=consent.participant_id)
