"""The employer portal: their own organisation only, participants only as far as consent goes."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Q, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.choices import Role
from core.compiled import CompiledRows
from employers.models import EmployerMembership, TaskProfile
from employers.services.profile_requests import task_profile_request
from placements.models import FollowUp, Placement
from placements.services.followups import followup_confirm_by_employer
from placements.visibility import (
    employer_followup_view,
    employer_may_see_plan,
    employer_view,
    employer_view_prefetch,
    with_employer_scopes,
)
from portal.access import role_required
from portal.forms import ProfileRequestForm
from portal.views.common import run_service

# The portal's reads, compiled once (``core.compiled``; per role where scoped by the user).
_MEMBERSHIP = CompiledRows(
    lambda member: EmployerMembership.objects.filter(user_id=member).select_related(
        "employer__owner"
    ),
    member=None,
)
_ONGOING = CompiledRows(
    lambda user: (
        Placement.objects.visible_to(user)
        .exclude(status="ended")
        .select_related("task_profile", "participant")
    ),
    scoped=True,
)
_OPEN_PROFILES = CompiledRows(
    lambda user: TaskProfile.objects.visible_to(user).filter(status="open").select_related("site"),
    scoped=True,
)
# Waiting = asked for and not yet marked handled by the coordinator.
_REQUESTS = CompiledRows(
    lambda user: TaskProfile.objects.visible_to(user).filter(status="draft").waiting_requests(),
    scoped=True,
)
# Planned follow-ups from two weeks back, and done ones the guide asked the supervisor to confirm.
_FOLLOWUPS = CompiledRows(
    lambda user, since: (
        FollowUp.objects.visible_to(user)
        .filter(
            Q(status="planned", planned_on__gte=since)
            | Q(status="done", confirmation_requested_at__isnull=False, confirmed_at=None)
        )
        .order_by("planned_on")[:20]
    ),
    scoped=True,
    since=dt.date,
)


def _employer(request):
    membership = _MEMBERSHIP.one(member=request.user.pk)
    if membership is None:
        raise Http404
    return membership.employer


def _readable(placements: list) -> list:
    """Placements with what the employer may read of each participant (three queries)."""
    prefetch_related_objects(placements, *employer_view_prefetch())
    return with_employer_scopes(placements)


@role_required(Role.EMPLOYER)
def employer_home(request):
    employer = _employer(request)
    placements = _readable(_ONGOING.objects(user=request.user))
    rows = [
        {"placement": p, "person": employer_view(p), "plan": employer_may_see_plan(p)}
        for p in placements
    ]
    followups = _FOLLOWUPS.objects(
        user=request.user, since=timezone.localdate() - dt.timedelta(days=14)
    )
    # A follow-up's placement is almost always one of the ongoing ones above: read only the
    # others (an ended placement whose last follow-up awaits confirmation), not all again.
    by_pk = {p.pk: p for p in placements}
    missing = {f.placement_id for f in followups} - by_pk.keys()
    if missing:
        by_pk |= {
            p.pk: p
            for p in _readable(
                list(
                    Placement.objects.visible_to(request.user)
                    .filter(pk__in=missing)
                    .select_related("task_profile", "participant")
                )
            )
        }
    for followup in followups:
        followup.placement = by_pk[followup.placement_id]
    context = {
        "employer": employer,
        "profiles": _OPEN_PROFILES.objects(user=request.user),
        "requests": _REQUESTS.objects(user=request.user),
        "placements": rows,
        "followups": [_followup_row(f) for f in followups],
        "coordinator": employer.owner,
    }
    return render(request, "portal/employer/home.html", context)


def _followup_row(followup) -> dict:
    """A follow-up with what it says, as far as the employer may read it, next to its button."""
    person = employer_view(followup.placement)
    return {
        "f": followup,
        "code": person["code"],
        "name": person.get("name"),
        "content": employer_followup_view(followup, plan=employer_may_see_plan(followup.placement)),
    }


@require_POST
@role_required(Role.EMPLOYER)
def employer_confirm_followup(request, pk):
    followup = get_object_or_404(FollowUp.objects.visible_to(request.user), pk=pk)
    if run_service(request, None, followup_confirm_by_employer, followup=followup, by=request.user):
        messages.success(request, _("Thank you, the follow-up is confirmed."))
    return redirect("portal:employer_home")


@role_required(Role.EMPLOYER)
def employer_request_profile(request):
    employer = _employer(request)
    form = ProfileRequestForm(request.POST or None, employer=employer)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        profile = run_service(
            request, form, task_profile_request, employer_user=request.user, **data
        )
        if profile is not None:
            messages.success(request, _("Your request has been sent to your coordinator."))
            return redirect("portal:employer_home")
    return render(request, "portal/employer/request.html", {"form": form, "employer": employer})
