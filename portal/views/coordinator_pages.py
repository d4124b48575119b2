"""The coordinator's pages for writing: employers, sites, contacts, task profiles, requests,
duplicates and the import helpers. Every write calls the same service as the API."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.http import require_POST

from core import taxonomy
from core.choices import Role
from core.exceptions import DomainError
from core.models import Industry, Occupation, Skill
from core.tabular import Export, Sheet, export_response
from employers.choices import EmployerStatus, ProfileKind, ProfileStatus, Sector, SizeClass
from employers.importing.reading import ALIASES, COLUMNS
from employers.models import (
    ContactPerson,
    Employer,
    EmployerMembership,
    Interaction,
    Site,
    TaskProfile,
)
from employers.services.contacts import contact_create, contact_update
from employers.services.duplicates import (
    employer_merge,
    employer_merge_preview,
    find_possible_duplicates,
    not_duplicate_mark,
)
from employers.services.employers import employer_create, employer_update
from employers.services.identifiers import normalise_orgnr
from employers.services.profile_requests import task_profile_request_handle
from employers.services.profiles import task_profile_create, task_profile_update
from employers.services.sites import site_create, site_update
from matching.services.suggestions import rank_participants_for
from placements.models import Placement
from portal.access import STAFF, role_required
from portal.coordinator_forms import (
    ContactForm,
    EmployerForm,
    EmployerStatusForm,
    SiteForm,
    TaskProfileFullForm,
    adaptation_groups,
)
from portal.licence_fields import licence_name
from portal.views.common import run_service
from portal.views.match_lists import filtered_matches

WRITERS = (Role.COORDINATOR, Role.ADMIN)


def _employer(request, pk) -> Employer:
    return get_object_or_404(Employer.objects.visible_to(request.user), pk=pk)


# --- employers ----------------------------------------------------------------------------------


def _employer_form_page(request, form, *, employer=None, duplicates=None, existing=None):
    return render(
        request,
        "portal/coordinator/employer_form.html",
        {"form": form, "employer": employer, "duplicates": duplicates, "existing": existing},
    )


def _orgnr_owner(request, form) -> Employer | None:
    """When the orgnr is taken, the existing employer (if the user may see it) to link to."""
    if "orgnr" not in form.errors:
        return None
    try:
        orgnr = normalise_orgnr(form.data.get("orgnr", ""))
    except Exception:  # noqa: BLE001 - an invalid orgnr has no owner
        return None
    return Employer.objects.visible_to(request.user).filter(orgnr=orgnr).first() if orgnr else None


@role_required(*WRITERS)
def employer_create_view(request):
    form = EmployerForm(request.POST or None, unit=request.user.unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The duplicate warning comes before saving; the coordinator saves anyway on purpose.
        if request.POST.get("confirmed") != "1":
            dupes = find_possible_duplicates(
                name=data["name"],
                municipality_id=data["municipality"].pk,
                unit_id=request.user.unit_id,
            )
            if dupes:
                return _employer_form_page(request, form, duplicates=dupes)
        employer = run_service(request, form, employer_create, by=request.user, **data)
        if employer is not None:
            messages.success(request, _("The employer was created."))
            return redirect("portal:employer_detail", pk=employer.pk)
    return _employer_form_page(request, form, existing=_orgnr_owner(request, form))


@role_required(*WRITERS)
def employer_edit_view(request, pk):
    employer = _employer(request, pk)
    initial = {
        f: getattr(employer, f)
        for f in ("name", "orgnr", "sector", "size_class", "website", "notes")
    }
    initial |= {"municipality": employer.municipality_id, "industry": employer.industry_id}
    form = EmployerForm(request.POST or None, unit=request.user.unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        if run_service(
            request,
            form,
            employer_update,
            employer=employer,
            by=request.user,
            **form.cleaned_data,
        ):
            messages.success(request, _("The employer was saved."))
            return redirect("portal:employer_detail", pk=employer.pk)
        employer.refresh_from_db()
    return _employer_form_page(
        request, form, employer=employer, existing=_orgnr_owner(request, form)
    )


@role_required(*WRITERS)
def employer_status_view(request, pk):
    employer = _employer(request, pk)
    form = EmployerStatusForm(
        request.POST or None,
        initial={"status": employer.status, "status_reason": employer.status_reason},
    )
    if request.method == "POST" and form.is_valid():
        if run_service(
            request,
            form,
            employer_update,
            employer=employer,
            by=request.user,
            **form.cleaned_data,
        ):
            messages.success(request, _("The relation was changed."))
            return redirect("portal:employer_detail", pk=employer.pk)
        employer.refresh_from_db()
    return render(
        request, "portal/coordinator/employer_status.html", {"form": form, "employer": employer}
    )


# --- sites and contacts -------------------------------------------------------------------------


def _site_page(request, form, employer, site=None):
    return render(
        request,
        "portal/coordinator/site_form.html",
        {
            "form": form,
            "employer": employer,
            "site": site,
            "groups": adaptation_groups(form),
        },
    )


@role_required(*WRITERS)
def site_create_view(request, pk):
    employer = _employer(request, pk)
    form = SiteForm(
        request.POST or None,
        unit=request.user.unit,
        initial={"municipality": employer.municipality_id},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            form,
            site_create,
            employer=employer,
            by=request.user,
            **form.cleaned_data,
        )
    ):
        messages.success(request, _("The site was saved."))
        return redirect("portal:employer_detail", pk=employer.pk)
    return _site_page(request, form, employer)


@role_required(*WRITERS)
def site_edit_view(request, pk):
    site = get_object_or_404(
        Site.objects.visible_to(request.user).select_related("employer"), pk=pk
    )
    initial = {
        f: getattr(site, f)
        for f in ("name", "address", "postal_code", "locality", "accessibility_notes")
    }
    initial["municipality"] = site.municipality_id
    initial["offered_adaptations"] = [a.pk for a in site.offered_adaptations.all()]
    if site.coordinate_precision == "manual":
        initial |= {"latitude": site.latitude, "longitude": site.longitude}
    form = SiteForm(request.POST or None, unit=request.user.unit, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(request, form, site_update, site=site, by=request.user, **form.cleaned_data)
    ):
        messages.success(request, _("The site was saved."))
        return redirect("portal:employer_detail", pk=site.employer_id)
    return _site_page(request, form, site.employer, site)


@role_required(*WRITERS)
def contact_create_view(request, pk):
    employer = _employer(request, pk)
    form = ContactForm(request.POST or None, employer=employer)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            form,
            contact_create,
            employer=employer,
            by=request.user,
            **form.cleaned_data,
        )
    ):
        messages.success(request, _("The contact person was saved."))
        return redirect("portal:employer_detail", pk=employer.pk)
    return render(
        request, "portal/coordinator/contact_form.html", {"form": form, "employer": employer}
    )


@role_required(*WRITERS)
def contact_edit_view(request, pk):
    contact = get_object_or_404(
        ContactPerson.objects.visible_to(request.user).select_related("employer"), pk=pk
    )
    initial = {
        f: getattr(contact, f)
        for f in (
            "name",
            "title",
            "role",
            "preferred_channel",
            "phone",
            "email",
            "is_supervisor",
            "supervisor_trained_on",
        )
    }
    initial["site"] = contact.site_id
    form = ContactForm(request.POST or None, employer=contact.employer, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            form,
            contact_update,
            contact=contact,
            by=request.user,
            **form.cleaned_data,
        )
    ):
        messages.success(request, _("The contact person was saved."))
        return redirect("portal:employer_detail", pk=contact.employer_id)
    return render(
        request,
        "portal/coordinator/contact_form.html",
        {"form": form, "employer": contact.employer, "contact": contact},
    )


# --- task profiles ------------------------------------------------------------------------------


def _profile_page(request, form, employer, profile=None):
    return render(
        request,
        "portal/coordinator/profile_form.html",
        {
            "form": form,
            "employer": employer,
            "profile": profile,
            "groups": adaptation_groups(form),
        },
    )


@role_required(*WRITERS)
def profile_create_view(request, pk):
    employer = _employer(request, pk)
    initial = {
        "hours_min": 10,
        "hours_max": 40,
        "slots_total": 1,
        "supervisor_available": True,
        "kind": "practice",
        "physical_demands": "moderate",
    }
    sites = list(employer.sites.values_list("pk", flat=True)[:2])
    if len(sites) == 1:
        initial["site"] = sites[0]
    form = TaskProfileFullForm(request.POST or None, employer=employer, initial=initial)
    if request.method == "POST" and form.is_valid():
        profile = run_service(
            request,
            form,
            task_profile_create,
            employer=employer,
            by=request.user,
            **form.service_kwargs(),
        )
        if profile is not None:
            messages.success(request, _("The task profile was created as a draft."))
            return redirect("portal:profile_detail", pk=profile.pk)
    return _profile_page(request, form, employer)


@role_required(*WRITERS)
def profile_edit_full_view(request, pk):
    profile = get_object_or_404(
        TaskProfile.objects.visible_to(request.user).select_related("employer", "occupation"),
        pk=pk,
    )
    form = TaskProfileFullForm(
        request.POST or None,
        employer=profile.employer,
        initial=TaskProfileFullForm.initial_for(profile),
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            form,
            task_profile_update,
            profile=profile,
            by=request.user,
            **form.service_kwargs(),
        )
    ):
        messages.success(request, _("The profile was saved."))
        return redirect("portal:profile_detail", pk=profile.pk)
    return _profile_page(request, form, profile.employer, profile)


def _status_history(profile: TaskProfile) -> list[dict]:
    from auditlog.models import LogEntry

    rows = []
    for e in LogEntry.objects.get_for_object(profile).select_related("actor").order_by("timestamp"):
        changes = e.changes_dict or {}
        if e.action == LogEntry.Action.CREATE:
            rows.append({"at": e.timestamp, "by": e.actor, "to": ProfileStatus.DRAFT.label})
        elif "status" in changes:
            new = changes["status"][1]
            label = ProfileStatus(new).label if new in ProfileStatus.values else new
            rows.append({"at": e.timestamp, "by": e.actor, "to": label})
    return rows


@role_required(*STAFF)
def profile_detail_view(request, pk):
    profile = get_object_or_404(
        TaskProfile.objects.visible_to(request.user).select_related(
            "employer", "site", "occupation", "requested_by", "change_of"
        ),
        pk=pk,
    )
    listing = filtered_matches(
        request,
        profile=profile,
        municipalities=request.user.unit.municipalities.order_by("name").values_list("code", "name")
        if request.user.unit_id
        else (),
        page_size=20,
    )
    ranked, not_matched = listing["matches"], listing["not_matched"]
    if ranked is None:
        try:
            ranked = rank_participants_for(profile, limit=20)
        except DomainError as exc:
            ranked, not_matched = [], exc.message
    from matching.models import Participant

    people = (
        Participant.objects.visible_to(request.user)
        .select_related("guide")
        .in_bulk([m["participant"] for m in ranked])
    )
    candidates = []
    for m in ranked:
        participant = people.get(m["participant"])
        if participant is None:
            continue
        m["who"] = participant
        m["percent"] = round(m["score"] * 100)
        candidates.append(m)
    from matching.participants.services.audit import audit_participants_read

    audit_participants_read(
        ids=[m["participant"] for m in candidates],
        user=request.user,
        request=request,
        what="page profile candidates",
    )
    placements = (
        Placement.objects.visible_to(request.user)
        .filter(task_profile=profile)
        .select_related("participant")
        .order_by("-pk")
    )
    context = {
        "profile": profile,
        "skills": profile.skills.select_related("skill"),
        "ocn": profile.ocn_requirements.select_related("module__programme"),
        "kga": profile.kga_requirements.select_related("competence"),
        "licences": [licence_name(x) for x in profile.required_licences.all()],
        "adaptations": profile.offered_adaptations.order_by("category", "label"),
        "placements": [p for p in placements if p.status != "proposed"],
        "proposals": [p for p in placements if p.status == "proposed"],
        "history": _status_history(profile),
        "candidates": candidates,
        "not_matched": not_matched,
        "include_excluded": listing.get("include_excluded", False),
        "match_page": listing["pager"],
        "match_filter": listing["filter_form"],
        "can_write": request.user.role in WRITERS,
        "next_statuses": _next_statuses(profile),
    }
    return render(request, "portal/coordinator/profile_detail.html", context)


def _next_statuses(profile):
    from employers.choices import PROFILE_TRANSITIONS

    return [(s, ProfileStatus(s).label) for s in sorted(PROFILE_TRANSITIONS[profile.status])]


@require_POST
@role_required(*WRITERS)
def profile_request_handled(request, pk):
    profile = get_object_or_404(TaskProfile.objects.visible_to(request.user), pk=pk)
    if run_service(request, None, task_profile_request_handle, profile=profile, by=request.user):
        messages.success(request, _("The request is marked as handled."))
    return redirect("portal:employer_detail", pk=profile.employer_id)


# --- searchable pickers -------------------------------------------------------------------------

VOCABULARIES = {
    "skills": (Skill, "label"),
    "occupations": (Occupation, "label"),
}


@role_required(*STAFF)
def vocabulary_search(request, kind):
    """``<option>`` elements for a datalist: the first 30 labels containing what was typed."""
    if kind not in VOCABULARIES:
        raise Http404
    model, field = VOCABULARIES[kind]
    typed = next((v for k, v in request.GET.items() if v), "").strip()
    # Labels and synonyms, folded: "lokalvårdare" finds "Städare" (SQLite's LIKE folds only ASCII).
    labels = taxonomy.search_labels(model, typed) if len(typed) >= 2 else []
    return render(request, "portal/partials/options.html", {"labels": labels})


@role_required(*STAFF)
def participant_code_search(request):
    """``<option>`` elements for the participant-code datalist of the contact log (issue 22: the
    employer page no longer lists every participant of the unit): the first 30 active
    participants one may see whose code contains the last code typed. Each option keeps the
    codes typed before it, so choosing one adds a code."""
    from matching.models import Participant
    from portal.method_forms import CODE_SPLIT

    typed = next((v for k, v in request.GET.items() if v), "")
    parts = [c for c in CODE_SPLIT.split(typed) if c]
    last = parts[-1] if parts and not typed.rstrip().endswith(",") else ""
    before = parts[:-1] if last else parts
    codes = []
    if len(last) >= 2:
        codes = list(
            Participant.objects.visible_to(request.user)
            .filter(active=True, code__icontains=last)
            .order_by("code")
            .values_list("code", flat=True)[:30]
        )
    labels = [", ".join([*before, code]) for code in codes]
    return render(request, "portal/partials/options.html", {"labels": labels})


# --- duplicates ---------------------------------------------------------------------------------


def _rows_of(model) -> Coalesce:
    """How many rows of ``model`` the employer has, as a subquery (one query for the pair)."""
    rows = (
        model.objects.filter(employer=OuterRef("pk"))
        .order_by()
        .values("employer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def _summary(employer: Employer) -> dict:
    return {
        "e": employer,
        "sites": list(employer.sites.all()),
        "contacts": employer.n_contacts,
        "profiles": employer.n_profiles,
        "interactions": employer.n_interactions,
        "logins": employer.n_logins,
    }


def _pair(request, a, b) -> tuple[Employer, Employer]:
    """Two employers one may see, with their municipality, sites and counts (two queries)."""
    if a == b:
        raise Http404
    pair = (
        Employer.objects.visible_to(request.user)
        .filter(pk__in=[a, b])
        .select_related("municipality")
        .prefetch_related("sites")
        .annotate(
            n_contacts=_rows_of(ContactPerson),
            n_profiles=_rows_of(TaskProfile),
            n_interactions=_rows_of(Interaction),
            n_logins=_rows_of(EmployerMembership),
        )
        .in_bulk()
    )
    if len(pair) != 2:
        raise Http404
    return pair[a], pair[b]


@role_required(*STAFF)
def duplicate_review(request, a, b):
    """Two possible duplicates side by side; the coordinator chooses which one survives."""
    first, second = _pair(request, a, b)
    if request.method == "POST":
        if request.user.role not in WRITERS:
            raise PermissionDenied
        if request.POST.get("action") == "not_duplicate":
            if run_service(request, None, not_duplicate_mark, a=first, b=second, by=request.user):
                messages.success(
                    request, _("Marked as not duplicates; the pair will not be proposed again.")
                )
                return redirect("portal:duplicates")
        else:
            keep = request.POST.get("keep")
            if keep in (str(first.pk), str(second.pk)):
                remove = second.pk if keep == str(first.pk) else first.pk
                return redirect("portal:duplicate_confirm", keep=int(keep), remove=remove)
            messages.error(request, _("Choose the employer to keep."))
    return render(
        request,
        "portal/coordinator/duplicate_review.html",
        {"pair": [_summary(first), _summary(second)], "can_write": request.user.role in WRITERS},
    )


@role_required(*WRITERS)
def duplicate_confirm(request, keep, remove):
    """Second screen: what will move, then the merge itself."""
    keeper, removed = _employer(request, keep), _employer(request, remove)
    if keeper.pk == removed.pk:
        raise Http404
    if request.method == "POST" and run_service(
        request, None, employer_merge, keep=keeper, remove=removed, by=request.user
    ):
        messages.success(
            request,
            _("“%(a)s” was merged into “%(b)s”.") % {"a": removed.name, "b": keeper.name},
        )
        return redirect("portal:employer_detail", pk=keeper.pk)
    return render(
        request,
        "portal/coordinator/duplicate_confirm.html",
        {
            "keep": keeper,
            "remove": removed,
            "moved": employer_merge_preview(remove=removed),
        },
    )


# --- import helpers -----------------------------------------------------------------------------


def _template_rows() -> list[list[str]]:
    example = {
        "name": "Exempel AB",
        "orgnr": "556016-0680",
        "municipality": "Kalmar",
        "industry": "",
        "sector": "Privat",
        "size_class": "10–49 anställda",
        "status": "Möjlig",
        "notes": "",
        "site_name": "Huvudkontor",
        "address": "Storgatan 1",
        "postal_code": "39231",
        "locality": "Kalmar",
        "contact_name": "Lena Berg",
        "contact_title": "Butikschef",
        "contact_phone": "0480-123 45",
        "contact_email": "lena@example.se",
        "contact_is_supervisor": "ja",
        "profile_title": "Lagerpraktik",
        "occupation": "Lagerarbetare/Terminalarbetare",
        "profile_kind": "Praktik/arbetsträning",
        "profile_description": "Plock och packning i centrallagret.",
        "hours_percent": "50-75",
        "slots": "2",
        "period_start": "2027-01-11",
        "period_end": "2027-03-31",
        "skills_required": "Truckvana; Orderplockning",
        "skills_nice": "Packning",
        "licences": "Truckkort B",
    }
    return [COLUMNS, [example.get(c, "") for c in COLUMNS]]


@role_required(*WRITERS)
def import_template(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    # Our own reader takes the first row as the header: no title row in a template.
    export = Export(
        "brygga-arbetsgivare",
        _("Employers"),
        [],
        [Sheet("Arbetsgivare", _template_rows())],
        title_row=False,
    )
    return export_response(export, fmt)


def _choice_values(choices) -> list[dict]:
    rows = []
    for value, label in choices.choices:
        with override("sv"):
            sv = str(label)
        with override("en"):
            en = str(label)
        rows.append({"code": value, "sv": sv, "en": en})
    return rows


@role_required(*WRITERS)
def import_columns(request):
    """Every accepted column with what it takes, Swedish labels and English codes alike."""
    columns = [
        ("name", _("Employer name."), True, None),
        ("orgnr", _("Organisation number, NNNNNN-NNNN."), False, None),
        ("municipality", _("Municipality name or code (e.g. Kalmar or 0880)."), True, None),
        ("industry", _("SNI code (e.g. 47.111) or its label."), False, None),
        ("sector", _("Sector."), False, _choice_values(Sector)),
        ("size_class", _("Size."), False, _choice_values(SizeClass)),
        ("status", _("Relation."), False, _choice_values(EmployerStatus)),
        ("notes", _("Notes."), False, None),
        (
            "site_name",
            _("Site name (a site is made when a name or address is given)."),
            False,
            None,
        ),
        ("address", _("Street address of the site."), False, None),
        ("postal_code", _("Postal code."), False, None),
        ("locality", _("Locality (places the site on the map)."), False, None),
        (
            "contact_name",
            _("Contact person (a contact is made when a name is given)."),
            False,
            None,
        ),
        ("contact_title", _("Title."), False, None),
        ("contact_phone", _("Phone; saved in international form."), False, None),
        ("contact_email", _("E-mail."), False, None),
        ("contact_is_supervisor", _("Supervisor: ja/nej, yes/no, 1/0, x."), False, None),
        ("latitude", _("Latitude of the site (e.g. 56.66); with longitude."), False, None),
        ("longitude", _("Longitude of the site (e.g. 16.36); with latitude."), False, None),
        (
            "profile_title",
            _("Task profile title (a profile, as a draft, is made when a title is given)."),
            False,
            None,
        ),
        (
            "occupation",
            _("Occupation: its label or a synonym, or the SSYK code (e.g. 4322)."),
            False,
            None,
        ),
        ("profile_kind", _("Kind of profile."), False, _choice_values(ProfileKind)),
        ("profile_description", _("Tasks."), False, None),
        ("hours_min", _("Hours a week, at least (one alone sets both)."), False, None),
        ("hours_max", _("Hours a week, at most."), False, None),
        (
            "hours_percent",
            _("Or hours as percent of full time: 100 % = 40 h a week; 50-75 is a range."),
            False,
            None,
        ),
        ("slots", _("Number of slots."), False, None),
        ("period_start", _("From, YYYY-MM-DD."), False, None),
        ("period_end", _("Until, YYYY-MM-DD."), False, None),
        ("skills_required", _("Required skills, separated by ;."), False, None),
        ("skills_nice", _("Nice-to-have skills, separated by ;."), False, None),
        (
            "skills_must",
            _("Must-have skills, separated by ;: a participant without one is not matched."),
            False,
            None,
        ),
        (
            "licences",
            _(
                "Required licences and legitimations, separated by ;: a driving-licence class "
                "(B, CE), a name (Truckkort B, Tandläkarlegitimation) or a code."
            ),
            False,
            None,
        ),
    ]
    assert [c[0] for c in columns] == COLUMNS
    also = {}
    for alias, column in ALIASES.items():
        also.setdefault(column, []).append(alias)
    columns = [(*c, also.get(c[0], [])) for c in columns]
    return render(
        request,
        "portal/coordinator/import_columns.html",
        {"columns": columns, "industry_example": Industry.objects.order_by("code").first()},
    )
