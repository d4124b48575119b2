"""Project pages: the unit's projects (managers create them), a participant's projects and starts
(guides and managers enrol and record), and the persons behind "started work or studies"."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.choices import Role
from core.roles import role_of
from matching.models import Participant
from placements.choices import ProjectTargetGroup, StartKind
from placements.projects import services as svc
from placements.reporting import statistics as st
from portal.access import role_required
from portal.project_forms import EnrolmentForm, ProjectForm, StartForm
from portal.views.common import run_service

STAFF = (Role.GUIDE, Role.COORDINATOR, Role.MANAGER, Role.ADMIN)


@role_required(*STAFF)
def project_list(request):
    """The unit's projects; managers (and administrators) create them here."""
    may_create = role_of(request.user) in svc.PROJECT_MANAGERS and bool(request.user.unit_id)
    form = ProjectForm(request.POST or None)
    if request.method == "POST":
        if not may_create:
            raise PermissionDenied
        if form.is_valid() and run_service(
            request, form, svc.project_create, by=request.user, **form.cleaned_data
        ):
            messages.success(request, _("The project was created."))
            return redirect("portal:projects")
    labels = dict(ProjectTargetGroup.choices)
    projects = [
        (p, [labels.get(g, g) for g in p.target_groups]) for p in svc.projects_for(request.user)
    ]
    return render(
        request,
        "portal/projects/list.html",
        {"projects": projects, "form": form, "may_create": may_create},
        status=400 if form.errors else 200,
    )


@role_required(*STAFF)
def participant_projects(request, pk):
    """A participant's projects and starts; the unit's guides and managers enrol and record."""
    participant = get_object_or_404(Participant.objects.visible_to(request.user), pk=pk)
    editable = role_of(request.user) in svc.ENROLLERS
    projects = list(svc.projects_for(request.user).filter(unit_id=participant.unit_id))
    posted = request.POST.get("form") if request.method == "POST" else None
    # Two forms on one page: distinct ids, so each label points at its own input.
    enrol_form = EnrolmentForm(
        request.POST if posted == "enrol" else None, projects=projects, auto_id="enrol_%s"
    )
    start_form = StartForm(request.POST if posted == "start" else None, auto_id="start_%s")
    if posted:
        if not editable:
            raise PermissionDenied
        if posted == "enrol" and enrol_form.is_valid():
            data = dict(enrol_form.cleaned_data)
            project = get_object_or_404(svc.projects_for(request.user), pk=data.pop("project"))
            if run_service(
                request,
                enrol_form,
                svc.project_enrol,
                by=request.user,
                participant=participant,
                project=project,
                **data,
            ):
                messages.success(request, _("Enrolled in %(p)s.") % {"p": project.name})
                return redirect("portal:participant_projects", pk=participant.pk)
        recorded = (
            posted == "start"
            and start_form.is_valid()
            and run_service(
                request,
                start_form,
                svc.participant_start_record,
                by=request.user,
                participant=participant,
                **start_form.cleaned_data,
            )
        )
        if recorded:
            messages.success(request, _("The start was recorded."))
            return redirect("portal:participant_projects", pk=participant.pk)
    failed = enrol_form.errors or start_form.errors
    return render(
        request,
        "portal/projects/participant.html",
        {
            "participant": participant,
            "enrolments": svc.enrolments_of(participant),
            "starts": svc.starts_of(participant),
            "enrol_form": enrol_form,
            "start_form": start_form,
            "editable": editable,
            "has_projects": bool(projects),
        },
        status=400 if failed else 200,
    )


@role_required(*STAFF)
def statistics_started(request):
    """The persons behind "started work or studies during the project" for the same filters."""
    if role_of(request.user) not in (Role.GUIDE, Role.MANAGER, Role.ADMIN):
        raise PermissionDenied
    scope, errors = st.parse_filters(request.user, request.GET)
    if scope is not None and scope.project_id is None:
        errors = {"project": [_("Choose a project.")]}
    persons = []
    if not errors:
        gender_names = dict(zip(st.GENDERS, st.gender_labels(), strict=True))
        kinds = dict(StartKind.choices) | {"employment": _("Employment")}
        persons = [
            (s, gender_names.get(s.gender, s.gender), kinds.get(s.kind, s.kind))
            for s in st.started_persons(scope)
        ]
    project = None
    if scope is not None and scope.project_id:
        project = svc.projects_for(request.user).filter(pk=scope.project_id).first()
    return render(
        request,
        "portal/projects/started.html",
        {
            "persons": persons,
            "errors": errors,
            "scope": scope,
            "project": project,
            "query": request.GET.urlencode(),
        },
        status=400 if errors else 200,
    )
