"""The coordinator's workspace: employers, the contact log, profiles, duplicates and import."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.choices import Role
from core.compiled import CONTAINS, CompiledRows
from employers.models import ContactPerson, Employer, ImportJob, Interaction, TaskProfile
from employers.selectors import (
    SEARCH_FILTERS,
    employer_search,
    other_units_contacts,
    with_waiting_requests,
)
from employers.services.contact_log import interaction_create, interaction_update
from employers.services.duplicates import (
    duplicate_pairs,
    employer_merges,
    possible_duplicates_of,
)
from employers.services.identifiers import orgnr_search_term
from employers.services.imports import import_job_start
from employers.services.profiles import task_profile_transition
from placements.models import Placement
from portal.access import STAFF, role_required
from portal.forms import EmployerFilterForm, EmployerImportForm, InteractionForm
from portal.views.common import import_job_page, paginate, run_service

WRITERS = (Role.COORDINATOR, Role.ADMIN)


@role_required(*STAFF)
def employer_list(request):
    form = EmployerFilterForm(request.GET or None, unit=request.user.unit)
    q, filters = "", {}
    if form.is_valid():
        data = form.cleaned_data
        q = data["q"]
        for field in SEARCH_FILTERS:
            if data[field]:
                filters[field] = getattr(data[field], "pk", data[field])
    sort = request.GET.get("sort", "name")
    if sort.lstrip("-") not in SORTS:
        sort = "name"
    field = SORTS[sort.lstrip("-")]
    found = _employer_search(f"-{field}" if sort.startswith("-") else field, tuple(filters)).rows(
        user=request.user, q=q, term=orgnr_search_term(q.strip()), **filters
    )
    page = paginate(request, [pk for (pk,) in found])
    shown = {e.pk: e for e in _EMPLOYER_ROWS.objects(ids=page.object_list)}
    # An employer merged or removed between the two reads is left out, not an error.
    page.object_list = [shown[pk] for pk in page.object_list if pk in shown]
    return render(
        request,
        "portal/coordinator/employer_list.html",
        {
            "form": form,
            "page": page,
            "sort": sort,
            "columns": [
                (key, label, f"-{key}" if sort == key else key, sort.lstrip("-") == key)
                for key, label in SORT_LABELS
            ],
            "can_write": request.user.role in WRITERS,
        },
    )


@functools.cache
def _employer_search(order: str, filters: tuple[str, ...]) -> CompiledRows:
    """The search's ids (``employers.selectors.employer_search``), compiled once per order and
    set of filters given (the coordinators' most used page: building and compiling it cost more
    than running it). All the ids are read and the page cut from them, so the count is theirs."""
    return CompiledRows(
        lambda user, **search: employer_search(user, order=order, **search).values_list("pk"),
        scoped=True,
        q=CONTAINS,
        term=CONTAINS,
        **dict.fromkeys(filters),
    )


# A page of the search's rows, with what the rows show.
_EMPLOYER_ROWS = CompiledRows(
    lambda ids: with_waiting_requests(
        Employer.objects.filter(pk__in=ids).select_related("municipality", "industry", "owner")
    ).order_by(),
    ids=[],
)


SORTS = {
    "name": "name",
    "orgnr": "orgnr",
    "municipality": "municipality__name",
    "status": "status",
    "updated": "updated_at",
}
# Every order with no filter or one filter is declared here, so the workers' warm-up compiles it
# (``config.warmup``); a combination of filters is compiled on its first use.
for _field in SORTS.values():
    for _filters in [(), *((name,) for name in SEARCH_FILTERS)]:
        _employer_search(_field, _filters)
        _employer_search(f"-{_field}", _filters)

SORT_LABELS = [
    ("name", gettext_lazy("Name")),
    ("orgnr", gettext_lazy("Org. no.")),
    ("municipality", gettext_lazy("Municipality")),
    ("status", gettext_lazy("Status")),
    ("updated", gettext_lazy("Updated")),
]


# What the employer page's tables show (portal/jinja2/portal/coordinator/_employer.jinja): the
# rows are read with these columns only (the participant's row holds identity and health fields).
INTERACTION_COLUMNS = (
    "employer_id",
    "unit_id",
    "by__first_name",
    "by__last_name",
    "kind",
    "occurred_on",
    "notes",
    "next_step",
    "next_step_due",
    "next_step_done",
)
PROFILE_COLUMNS = (
    "employer_id",
    "unit_id",
    "title",
    "kind",
    "status",
    "slots_taken",
    "slots_total",
    "hours_min",
    "hours_max",
    "requested_by_id",
    "request_handled_at",
)
PLACEMENT_COLUMNS = (
    "participant__code",
    "task_profile__title",
    "status",
    "phase",
    "planned_start",
)


# The employer page's reads, compiled once per role (``core.compiled``): compiling them cost the
# page more than the database spent answering them.
_EMPLOYER = CompiledRows(
    lambda user, pk: (
        Employer.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("owner", "municipality", "industry", "unit")
    ),
    scoped=True,
    pk=None,
)
_CONTACTS = CompiledRows(
    lambda employer: ContactPerson.objects.filter(employer_id=employer), employer=None
)
_INTERACTIONS = CompiledRows(
    lambda user, employer: (
        Interaction.objects.visible_to(user)
        .filter(employer_id=employer)
        .select_related("by")
        .only(*INTERACTION_COLUMNS)[:50]
    ),
    scoped=True,
    employer=None,
)
_PROFILES = CompiledRows(
    lambda user, employer: (
        TaskProfile.objects.visible_to(user).filter(employer_id=employer).only(*PROFILE_COLUMNS)
    ),
    scoped=True,
    employer=None,
)
_OPEN_REQUESTS = CompiledRows(
    lambda employer: (
        TaskProfile.objects.filter(employer_id=employer)
        .waiting_requests()
        .select_related("requested_by")
    ),
    employer=None,
)
_PLACEMENTS = CompiledRows(
    lambda user, employer: (
        Placement.objects.visible_to(user)
        .filter(task_profile__employer_id=employer)
        .select_related("participant", "task_profile")
        .only(*PLACEMENT_COLUMNS)
    ),
    scoped=True,
    employer=None,
)


@role_required(*STAFF)
def employer_detail(request, pk):
    employer = _EMPLOYER.one(user=request.user, pk=pk)
    if employer is None:
        raise Http404
    contacts = _CONTACTS.objects(employer=employer.pk)
    for contact in contacts:  # as ``employer.contacts`` knows it (a contact's name shows it)
        contact.employer = employer
    form = InteractionForm(
        request.POST or None,
        employer=employer,
        contacts=contacts,
        initial={"occurred_on": timezone.localdate(), "kind": "call"},
    )
    if request.method == "POST":
        if request.user.role not in WRITERS:
            return render(request, "403.html", status=403)
        if form.is_valid() and run_service(
            request,
            form,
            interaction_create,
            employer=employer,
            by=request.user,
            **form.cleaned_data,
        ):
            messages.success(request, _("The contact was logged."))
            return redirect("portal:employer_detail", pk=employer.pk)
    context = {
        "employer": employer,
        "sites": employer.sites.prefetch_related("offered_adaptations"),
        "contacts": contacts,
        "interactions": _INTERACTIONS.objects(user=request.user, employer=employer.pk),
        "profiles": _PROFILES.objects(user=request.user, employer=employer.pk),
        "open_requests": _OPEN_REQUESTS.objects(employer=employer.pk),
        "merges": employer_merges(employer),
        "placements": _PLACEMENTS.objects(user=request.user, employer=employer.pk),
        "duplicates": possible_duplicates_of(employer),
        # The other units' recent contacts ("coordinate before calling").
        "others": other_units_contacts(employer, request.user.unit_id),
        "form": form,
        "can_write": request.user.role in WRITERS,
    }
    return render(request, "portal/coordinator/employer_detail.html", context)


@require_POST
@role_required(*WRITERS)
def profile_transition(request, pk):
    profile = get_object_or_404(TaskProfile.objects.visible_to(request.user), pk=pk)
    if run_service(
        request,
        None,
        task_profile_transition,
        profile=profile,
        to_status=request.POST.get("status", ""),
        by=request.user,
    ):
        messages.success(request, _("The status was changed."))
    if request.POST.get("next") == "detail":
        return redirect("portal:profile_detail", pk=profile.pk)
    return redirect("portal:employer_detail", pk=profile.employer_id)


@role_required(*STAFF)
def next_steps(request):
    qs = (
        Interaction.objects.visible_to(request.user)
        .filter(by=request.user)
        .open_next_steps()
        .overdue_first()
        .select_related("employer")
    )
    requests = (
        TaskProfile.objects.visible_to(request.user)
        .waiting_requests()
        .select_related("employer", "requested_by")
        .order_by("created_at")
    )
    return render(
        request,
        "portal/coordinator/next_steps.html",
        {
            "page": paginate(request, qs),
            "today": timezone.localdate(),
            "requests": requests,
            "can_write": request.user.role in WRITERS,
        },
    )


@require_POST
@role_required(*WRITERS)
def next_step_done(request, pk):
    interaction = get_object_or_404(Interaction.objects.visible_to(request.user), pk=pk)
    run_service(
        request,
        None,
        interaction_update,
        interaction=interaction,
        by=request.user,
        next_step_done=True,
    )
    return redirect("portal:next_steps")


@require_GET
@role_required(*STAFF)
def duplicates(request):
    """The list of possible duplicate pairs; each is compared, chosen and confirmed on its own
    pages (``coordinator_pages.duplicate_review``), never merged in one click from here."""
    visible = Employer.objects.visible_to(request.user)
    pairs = [
        (a, b, round(score))
        for a, b, score in duplicate_pairs(
            visible.exclude(status="ended").only(
                "pk", "name", "municipality_id", "unit_id", "orgnr"
            )
        )
    ]
    return render(request, "portal/coordinator/duplicates.html", {"pairs": pairs})


@role_required(*WRITERS)
def import_employers(request):
    """Upload a file; the import runs in the background and its page shows progress and the report."""
    form = EmployerImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = run_service(
            request,
            form,
            import_job_start,
            by=request.user,
            filename=upload.name,
            content=upload.read(),
            dry_run=form.cleaned_data["dry_run"],
        )
        if job is not None:
            return redirect("portal:import_job", pk=job.pk)
    jobs = ImportJob.objects.filter(unit_id=request.user.unit_id, kind=ImportJob.Kind.EMPLOYERS)[
        :10
    ]
    return render(request, "portal/coordinator/import.html", {"form": form, "jobs": jobs})


@role_required(*WRITERS)
def import_job(request, pk):
    job = get_object_or_404(
        ImportJob.objects.filter(unit_id=request.user.unit_id, kind=ImportJob.Kind.EMPLOYERS), pk=pk
    )
    if request.method == "POST" and request.POST.get("valid_rows_only"):
        # The explicit choice after a dry run that refused rows: import the others, same file.
        report = job.report
        if (
            job.status == job.Status.DONE
            and job.dry_run
            and not report.get("file_errors")
            and report.get("valid_rows")
        ):
            real = run_service(
                request,
                None,
                import_job_start,
                by=request.user,
                filename=job.filename,
                content=bytes(job.content),
                dry_run=False,
                valid_rows_only=True,
            )
            if real is not None:
                return redirect("portal:import_job", pk=real.pk)
    return import_job_page(
        request,
        job,
        start=import_job_start,
        url_name="portal:import_job",
        template="portal/coordinator/import_job.html",
        partial="portal/partials/import_job.html",
    )
