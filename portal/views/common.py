from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.api.exceptions import django_validation_error_dict
from core.choices import Role
from core.exceptions import DomainError
from core.roles import role_of
from employers.models import Employer, TaskProfile
from matching.choices import Phase
from matching.models import Participant, RecomputeJob
from matching.services.recompute import recompute_job_start
from placements.models import FollowUp, Placement
from portal.access import STAFF, role_required


def run_service(request, form, service, /, **kwargs):
    """Call a service; its rule violations become form errors (or a message), never a 500."""
    try:
        return service(**kwargs)
    except ValidationError as exc:
        errors = django_validation_error_dict(exc)
    except DomainError as exc:
        errors = exc.as_dict()
    for field, msgs in errors.items():
        for msg in msgs:
            # An error on a hidden input (e.g. the profile of a proposal) would be invisible.
            if form is not None and field in form.fields and not form[field].is_hidden:
                form.add_error(field, msg)
            elif form is not None:
                form.add_error(None, msg)
            else:
                messages.error(request, msg)
    return None


def paginate(request, queryset, per_page=25):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    role = role_of(request.user)
    target = {
        Role.EMPLOYER: "portal:employer_home",
        Role.COORDINATOR: "portal:employer_list",
        Role.GUIDE: "portal:participant_list",
        Role.MANAGER: "portal:overview",
        Role.ADMIN: "portal:overview",
        Role.REGIONAL_ADMIN: "portal:regions",
    }.get(role)
    if target is None:
        return render(request, "portal/no_role.html", status=403)
    return redirect(target)


@role_required(*STAFF)
def overview(request):
    """Headline numbers for a period, from the statistics definitions (so they add up as
    labelled), with labels instead of codes. Unit-wide for every staff role, as before."""
    from dataclasses import replace

    from placements.models import Project
    from placements.reporting import statistics as st

    scope, errors = st.parse_filters(request.user, request.GET)
    unit_participants = Participant.objects.visible_to(request.user)
    active_now = unit_participants.filter(active=True)
    phase_counts = dict(
        active_now.values("phase").annotate(n=Count("pk")).values_list("phase", "n")
    )
    default_start, default_end = st.default_period()
    context = {
        "errors": errors,
        "scope": scope,
        "start_value": request.GET.get("start") or default_start.isoformat(),
        "end_value": request.GET.get("end") or default_end.isoformat(),
        "values": request.GET,
        "active_now": active_now.count(),
        "by_phase": [
            (label, phase_counts.get(value, 0))
            for value, label in Phase.choices
            if value != Phase.EXITED
        ],
        "employers": Employer.objects.visible_to(request.user).count(),
        "open_profiles": TaskProfile.objects.visible_to(request.user).filter(status="open").count(),
        "placements": Placement.objects.visible_to(request.user).exclude(status="ended").count(),
        "overdue": FollowUp.objects.visible_to(request.user).overdue(_today()).count(),
        "jobs": RecomputeJob.objects.filter(unit_id=request.user.unit_id)[:5],
        "projects": Project.objects.visible_to(request.user).filter(unit_id=request.user.unit_id),
    }
    if scope is not None:
        # The overview is unit-wide for every staff role; the statistics page narrows by role.
        report = st.build_report(
            replace(scope, guide_id=None, sections=("participants", "outcomes"))
        )
        context["summary"] = report.table("participants")
        context["outcomes"] = report.table("outcomes_by_gender")
    return render(request, "portal/overview.html", context, status=400 if errors else 200)


def _today():
    from django.utils import timezone

    return timezone.localdate()


@require_POST
@role_required(Role.COORDINATOR, Role.GUIDE, Role.ADMIN)
def recompute_start(request):
    job = run_service(request, None, recompute_job_start, unit=request.user.unit, by=request.user)
    if job is None:
        return redirect("portal:home")
    messages.success(request, _("The recompute has started."))
    return redirect("portal:job_progress", pk=job.pk)


@role_required(*STAFF)
def job_progress(request, pk):
    job = get_object_or_404(RecomputeJob, pk=pk, unit_id=request.user.unit_id)
    template = "portal/partials/job_progress.html" if request.htmx else "portal/job_progress.html"
    return render(request, template, {"job": job})


def import_job_page(request, job, *, start, url_name: str, template: str, partial: str):
    """The page of one import job (employers or participant history): live progress (htmx), the
    dry run's report, and "Importera nu", which runs the same stored file through ``start`` once the
    dry run is clean — no second upload."""
    if (
        request.method == "POST"
        and job.status == job.Status.DONE
        and job.dry_run
        and job.report.get("ok")
    ):
        real = run_service(
            request,
            None,
            start,
            by=request.user,
            filename=job.filename,
            content=bytes(job.content),
            dry_run=False,
        )
        if real is not None:
            return redirect(url_name, pk=real.pk)
    done, total = job.progress()
    context = {
        "job": job,
        "report": job.report,
        "done": done,
        "total": total,
        "percent": int(100 * done / total) if total else 0,
    }
    return render(request, partial if request.htmx else template, context)
