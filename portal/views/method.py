"""Method pages (issue 15): Supported Employment fidelity, the SUS list and participant
progression. Figures come from ``placements.reporting.fidelity``, ``placements.reporting.sus`` and
``matching.progression``; writes go through their services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.choices import Role
from core.models import Unit, User
from core.roles import role_of
from core.tabular import export_response
from matching.choices import ConsentScope, MeasurementKind, Rater
from matching.models import Participant, ProgressionMeasurement
from matching.participants.services import progression, progression_link
from matching.participants.services.audit import audit_participant_read, client_address
from matching.participants.services.participants import SUS_FIELDS, can_edit, participant_update
from placements.reporting import fidelity as fd
from placements.reporting import progression as ps
from placements.reporting import statistics as st
from placements.reporting import sus
from placements.reporting.api.method import fidelity_export_response, progression_export_response
from placements.reporting.exports import share_requested
from portal.access import STAFF, role_required
from portal.method_charts import indicator_chart, score_sparkline
from portal.method_forms import SusFieldsForm
from portal.views.common import run_service
from portal.views.participant_public import OWN_KEY, public, refused


def _fidelity_context(request, scope, errors) -> dict:
    role = role_of(request.user)
    guides = User.objects.none()
    if role in (Role.MANAGER, Role.ADMIN):
        guides = User.objects.filter(groups__name=Role.GUIDE, is_active=True)
        if role != Role.ADMIN:
            guides = guides.filter(unit_id=request.user.unit_id)
    return {
        "scope": scope,
        "errors": errors,
        "values": request.GET,
        # What the person typed, even when it is not a quarter (then ``scope`` is None).
        "quarter_value": request.GET.get("quarter") or (scope.quarter if scope else ""),
        "guides": guides.order_by("first_name", "last_name"),
        "units": Unit.objects.all() if role == Role.ADMIN else Unit.objects.none(),
        "review_items": fd.REVIEW_ITEMS,
        "items": fd.ITEMS,
    }


@role_required(*fd.FIDELITY_ROLES)
def fidelity(request):
    scope, errors = fd.parse_fidelity_filters(request.user, request.GET)
    context = _fidelity_context(request, scope, errors)
    if scope is not None:
        history = fd.trend(scope)
        report = history[-1]
        context.update(
            report=report,
            parts=[report.unit, *([] if scope.guide_id else report.guides)],
            trend=[
                (
                    fd.ITEM_LABELS[k],
                    row := [(h.scope.quarter, h.unit.items[k].score) for h in history],
                    score_sparkline(str(fd.ITEM_LABELS[k]), row),
                )
                for k in fd.ITEMS
            ],
            quarters=[h.scope.quarter for h in history],
            query=request.GET.urlencode(),
        )
    return render(request, "portal/method/fidelity.html", context, status=400 if errors else 200)


@role_required(*fd.FIDELITY_ROLES)
def fidelity_export(request, kind):
    if kind not in ("csv", "xlsx"):
        raise Http404
    scope, errors = fd.parse_fidelity_filters(request.user, request.GET)
    if errors:
        context = _fidelity_context(request, scope, errors)
        return render(request, "portal/method/fidelity.html", context, status=400)
    return fidelity_export_response(scope, kind, share_requested(request.GET))


# --- SUS ----------------------------------------------------------------------------------------


def _month(raw: str):
    try:
        year, month = raw.split("-")
        return dt.date(int(year), int(month), 1)
    except ValueError:
        return None


@role_required(*sus.SUS_ROLES)
def sus_list(request):
    """The month's SUS list (viewing is audit-logged like a download)."""
    raw = (
        request.GET.get("month")
        or f"{st.add_months(timezone.localdate().replace(day=1), -1):%Y-%m}"
    )
    month = _month(raw)
    if month is None:
        return render(
            request,
            "portal/method/sus.html",
            {"error": _("Enter a month as YYYY-MM."), "month": raw},
            status=400,
        )
    rows = sus.sus_view(by=request.user, month=month, remote_addr=client_address(request))
    return render(
        request,
        "portal/method/sus.html",
        {
            "rows": rows,
            "columns": sus.columns(),
            "month": f"{month:%Y-%m}",
            "incomplete": sum(1 for r in rows if r.missing()),
        },
    )


@role_required(*sus.SUS_ROLES)
def sus_download(request, kind):
    month = _month(request.GET.get("month", ""))
    if kind not in ("csv", "xlsx"):
        raise Http404
    if month is None:
        return render(
            request,
            "portal/method/sus.html",
            {"error": _("Enter a month as YYYY-MM."), "month": request.GET.get("month", "")},
            status=400,
        )
    export = sus.sus_export(
        by=request.user, month=month, kind=kind, remote_addr=client_address(request)
    )
    return export_response(export, kind)


@role_required(*STAFF)
def participant_sus(request, pk):
    """The participant's SUS fields: the assigned guide and admins change them (the service
    decides); other staff of the unit read them."""
    participant = get_object_or_404(Participant.objects.visible_to(request.user), pk=pk)
    editable = can_edit(request.user, participant)
    initial = {f: getattr(participant, f) for f in SUS_FIELDS}
    form = SusFieldsForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid() and run_service(
            request,
            form,
            participant_update,
            participant=participant,
            by=request.user,
            **form.cleaned_data,
        ):
            messages.success(request, _("The SUS details were saved."))
            return redirect("portal:participant_detail", pk=participant.pk)
    consents = [c for c in participant.consents.all() if ConsentScope.SUS in c.scopes]
    return render(
        request,
        "portal/method/participant_sus.html",
        {
            "participant": participant,
            "form": form,
            "editable": editable,
            "sus_consents": consents,
        },
        status=400 if form.errors else 200,
    )


# --- progression: guide pages -------------------------------------------------------------------


def _with_measurements(participant) -> list[ProgressionMeasurement]:
    """The participant's measurements, oldest first, with their answers, fetched once (two
    queries) and kept on the participant, where ``progression.due_for`` reads them too."""
    prefetch_related_objects(
        [participant],
        Prefetch(
            "progression_measurements",
            queryset=ProgressionMeasurement.objects.prefetch_related("answers").order_by(
                "taken_on", "pk"
            ),
        ),
    )
    return list(participant.progression_measurements.all())


def _series(participant, measurements=None) -> list[dict]:
    """Per indicator: its label, the points over time and the chart (``measurements``: the
    participant's, oldest first, with their answers, if the caller has them)."""
    if measurements is None:
        measurements = list(
            participant.progression_measurements.prefetch_related("answers").order_by(
                "taken_on", "pk"
            )
        )
    out = []
    for ind in progression.indicators():
        points = []
        for m in measurements:
            own = next(
                (
                    a.value
                    for a in m.answers.all()
                    if a.indicator_id == ind.pk and a.rater == Rater.PARTICIPANT
                ),
                None,
            )
            guide = next(
                (
                    a.value
                    for a in m.answers.all()
                    if a.indicator_id == ind.pk and a.rater == Rater.GUIDE
                ),
                None,
            )
            if own is not None or guide is not None:
                points.append((m.taken_on, own, guide))
        out.append(
            {
                "indicator": ind,
                "points": points,
                "chart": indicator_chart(ind.label, points) if points else "",
            }
        )
    return out


@role_required(*STAFF)
def participant_progression(request, pk):
    participant = get_object_or_404(Participant.objects.visible_to(request.user), pk=pk)
    editable = can_edit(request.user, participant)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        measurement = run_service(
            request,
            None,
            progression.measurement_open,
            participant=participant,
            by=request.user,
            kind=request.POST.get("kind") or None,
        )
        if measurement is not None:
            return redirect("portal:progression_measurement", pk=measurement.pk)
    measurements = _with_measurements(participant)
    return render(
        request,
        "portal/method/participant_progression.html",
        {
            "participant": participant,
            "series": _series(participant, measurements),
            "measurements": measurements[::-1],
            "due": progression.due_for(participant),
            "editable": editable,
            "kinds": MeasurementKind.choices,
        },
    )


def _values_from(post) -> dict:
    return {
        key.removeprefix("indicator_"): value
        for key, value in post.items()
        if key.startswith("indicator_") and value != ""
    }


@role_required(*STAFF)
def progression_measurement(request, pk):
    """One measurement: the participant's answers beside the guide's rating. The guide enters a
    printed form (only while the participant has not answered) or their own rating."""
    measurement = get_object_or_404(
        ProgressionMeasurement.objects.filter(
            participant__in=Participant.objects.visible_to(request.user)
        ).select_related("participant"),
        pk=pk,
    )
    participant = measurement.participant
    editable = can_edit(request.user, participant)
    errors: dict = {}
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        which = request.POST.get("rater")
        service = (
            progression.participant_answers_record
            if which == Rater.PARTICIPANT
            else progression.guide_rating_record
        )
        try:
            service(measurement=measurement, values=_values_from(request.POST), by=request.user)
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("The ratings were saved."))
            return redirect("portal:progression_measurement", pk=measurement.pk)
    rows = progression.side_by_side(measurement)
    answered = any(own is not None for _i, own, _g in rows)
    return render(
        request,
        "portal/method/measurement.html",
        {
            "measurement": measurement,
            "participant": participant,
            "rows": rows,
            "answered": answered,
            "editable": editable,
            "errors": errors,
            "scale": range(1, 11),
            "posted": request.POST if errors else {},
        },
        status=400 if errors else 200,
    )


@role_required(Role.GUIDE, Role.MANAGER, Role.ADMIN)
def progression_due(request):
    """Measurements due (within a week) for the guide's participants, overdue first."""
    return render(
        request,
        "portal/method/due.html",
        {"due": progression.due_measurements(request.user)},
    )


@role_required(*ps.PROGRESSION_ROLES)
def progression_statistics(request):
    scope, errors = st.parse_filters(request.user, request.GET)
    context = _stats_filter_context(request, scope, errors)
    if scope is not None:
        context["report"] = ps.build_progression_report(scope)
        context["query"] = request.GET.urlencode()
    return render(
        request, "portal/method/progression_statistics.html", context, status=400 if errors else 200
    )


@role_required(*ps.PROGRESSION_ROLES)
def progression_statistics_export(request, kind):
    if kind not in ("csv", "xlsx"):
        raise Http404
    scope, errors = st.parse_filters(request.user, request.GET)
    if errors:
        context = _stats_filter_context(request, scope, errors)
        return render(request, "portal/method/progression_statistics.html", context, status=400)
    return progression_export_response(scope, kind, share_requested(request.GET))


def _stats_filter_context(request, scope, errors):
    from portal.views.manager import _filter_context

    return _filter_context(request, scope, errors)


# --- progression: the participant's own answering page (no account; personal link) ---------------

SESSION_KEY = "progression_link"
ANSWER_INVALID = "portal/method/answer_invalid.html"
ANSWERS_KEY = "progression_answers"


@public
@require_http_methods(["GET"])
def progression_open(request, token):
    """Open the answering page with the participant's personal link; the token is not kept in
    later addresses (as on the own consent page)."""
    link = progression_link.link_for_token(token)
    if link is None or not link.participant.active:
        return refused(request, "progression token", link=token, template=ANSWER_INVALID)
    audit_participant_read(
        participant=link.participant, user=None, request=request, what="progression opened by link"
    )
    request.session.cycle_key()
    request.session[SESSION_KEY] = link.pk
    request.session[ANSWERS_KEY] = {}
    return redirect("portal:progression_answer")


def _session_participant(request):
    """From this page's own session, or from the own consent page opened with the same link."""
    return progression_link.participant_for_session(
        request.session.get(SESSION_KEY) or request.session.get(OWN_KEY)
    )


@public
@require_http_methods(["GET", "POST"])
def progression_answer(request):
    """One statement per screen; the answers are kept in the session and saved at the end."""
    participant = _session_participant(request)
    if participant is None:
        return refused(request, "progression session", template=ANSWER_INVALID)
    items = list(progression.indicators())
    answers = request.session.get(ANSWERS_KEY, {})
    try:
        step = int(request.POST.get("step") or request.GET.get("steg") or 1)
    except ValueError:
        step = 1
    step = min(max(step, 1), len(items) + 1)
    error = ""
    if request.method == "POST":
        if step <= len(items):
            value = request.POST.get("value", "")
            if value.isdigit() and 1 <= int(value) <= 10:
                answers[str(items[step - 1].pk)] = int(value)
                request.session[ANSWERS_KEY] = answers
                return redirect(f"{reverse('portal:progression_answer')}?steg={step + 1}")
            error = _("Choose a number from 1 to 10.")
        else:
            try:
                measurement = progression.measurement_open(participant=participant, by=None)
                progression.participant_answers_record(
                    measurement=measurement, values=answers, by=None
                )
            except ValidationError:
                error = _("Some statements are not answered yet.")
                step = next(
                    (i for i, ind in enumerate(items, start=1) if str(ind.pk) not in answers), 1
                )
            else:
                request.session.pop(ANSWERS_KEY, None)
                request.session.pop(SESSION_KEY, None)
                return render(
                    request,
                    "portal/method/answer_done.html",
                    {"own_page": bool(request.session.get(OWN_KEY))},
                )
    context = {"step": step, "total": len(items), "error": error, "scale": range(1, 11)}
    if step <= len(items):
        indicator = items[step - 1]
        context.update(indicator=indicator, current=answers.get(str(indicator.pk)))
    else:
        context["summary"] = [(ind, answers.get(str(ind.pk))) for ind in items]
    return render(request, "portal/method/answer.html", context, status=400 if error else 200)
