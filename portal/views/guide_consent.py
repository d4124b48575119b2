"""The guide's side of the digital consent: invite a participant, follow the invitation, send or
revoke the personal link, print the paper form, and see consents participants withdrew themselves.

Pages call the same services as the API (``matching.participants.services.consent_links``)."""

from __future__ import annotations

import time

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.choices import Role
from employers.models import Employer
from matching.models import Consent, ConsentInvitation, Participant, PersonalLink
from matching.participants.consent_wording import CURRENT_WORDING_VERSION, wording
from matching.participants.services import consent_links as links
from matching.participants.services.audit import audit_participant_read
from matching.participants.services.participants import can_edit
from portal.access import STAFF, role_required
from portal.consent_forms import DeliveryForm, RecipientFormSet
from portal.views.common import run_service
from portal.views.participant_public import qr_svg

PRINT_KEY = "consent_print"
PRINT_SECONDS = 60 * 60


def _participant(request, pk) -> Participant:
    return get_object_or_404(
        Participant.objects.visible_to(request.user).select_related("guide"), pk=pk
    )


def _base(request) -> str:
    return request.build_absolute_uri("/")


def _remember_print(request, kind: str, pk: int, **secrets) -> None:
    """Raw tokens are never stored in the database tables; the guide's own session keeps them
    for PRINT_SECONDS, just long enough to print the letter."""
    store = _fresh(request)
    store[f"{kind}:{pk}"] = {**secrets, "at": time.time()}
    request.session[PRINT_KEY] = store


def _fresh(request) -> dict:
    store = {
        key: value
        for key, value in request.session.get(PRINT_KEY, {}).items()
        if time.time() - value.get("at", 0) < PRINT_SECONDS
    }
    if store != request.session.get(PRINT_KEY, {}):
        request.session[PRINT_KEY] = store
    return store


def _printable(request, kind: str, pk: int) -> dict | None:
    return _fresh(request).get(f"{kind}:{pk}")


@role_required(*STAFF)
def consent_overview(request, pk):
    """A participant's consents, invitations and personal link, with the guide's actions."""
    participant = _participant(request, pk)
    audit_participant_read(
        participant=participant, user=request.user, request=request, what="consent overview"
    )
    return render(
        request,
        "portal/guide/consent_overview.html",
        {
            "p": participant,
            "consents": Consent.objects.filter(participant=participant).select_related(
                "employer", "witness"
            ),
            "invitations": ConsentInvitation.objects.filter(participant=participant)
            .select_related("created_by")
            .prefetch_related("recipients__employer"),
            "link": PersonalLink.objects.filter(participant=participant).first(),
            "can_edit": can_edit(request.user, participant),
            "delivery": DeliveryForm(),
        },
    )


@role_required(Role.GUIDE, Role.ADMIN)
def invitation_create(request, pk):
    participant = _participant(request, pk)
    if not can_edit(request.user, participant):
        return render(request, "403.html", status=403)
    employers = Employer.objects.visible_to(request.user).filter(unit_id=participant.unit_id)
    formset = RecipientFormSet(
        request.POST or None, prefix="r", form_kwargs={"employers": employers}
    )
    delivery = DeliveryForm(request.POST or None, prefix="d")
    if request.method == "POST" and formset.is_valid() and delivery.is_valid():
        rows = [f.cleaned_data for f in formset.forms if not f.is_blank()]
        # Rule violations (e.g. "Recipient 2: give the purpose") land on the delivery form.
        issued = run_service(
            request,
            delivery,
            links.consent_invitation_create,
            participant=participant,
            by=request.user,
            recipients=rows,
            channel=delivery.cleaned_data["channel"],
            email=delivery.cleaned_data["email"],
            base_url=_base(request),
        )
        if issued is not None:
            _remember_print(
                request, "invitation", issued.invitation.pk, token=issued.token, code=issued.code
            )
            messages.success(
                request,
                _("The consent request was e-mailed.")
                if issued.invitation.sent_to
                else _("Print the letter with the code and QR code for the participant."),
            )
            return redirect("portal:consent_invitation", pk=issued.invitation.pk)
    return render(
        request,
        "portal/guide/consent_invitation_form.html",
        {
            "p": participant,
            "formset": formset,
            "delivery": delivery,
            "employers": employers.select_related("municipality").order_by("name"),
        },
    )


@never_cache
@role_required(*STAFF)
def invitation_detail(request, pk):
    invitation = get_object_or_404(
        ConsentInvitation.objects.filter(
            participant__in=Participant.objects.visible_to(request.user)
        ).select_related("participant", "created_by"),
        pk=pk,
    )
    secrets = _printable(request, "invitation", invitation.pk)
    context = {
        "inv": invitation,
        "p": invitation.participant,
        "recipients": invitation.recipients.select_related("employer", "consent"),
        "can_edit": can_edit(request.user, invitation.participant),
        "wording": wording(invitation.wording_version),
    }
    if secrets and invitation.state == "pending":
        url = links.invitation_url(_base(request), secrets["token"])
        context.update(
            letter_url=url,
            code=links.format_code(secrets["code"]),
            code_url=links.code_url(_base(request)),
            qr=qr_svg(url),
        )
    return render(request, "portal/guide/consent_invitation.html", context)


@require_POST
@role_required(Role.GUIDE, Role.ADMIN)
def invitation_revoke(request, pk):
    invitation = get_object_or_404(
        ConsentInvitation.objects.filter(
            participant__in=Participant.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    if run_service(
        request, None, links.consent_invitation_revoke, invitation=invitation, by=request.user
    ):
        messages.success(request, _("The consent request was revoked; the link no longer works."))
    return redirect("portal:consent_invitation", pk=invitation.pk)


@require_POST
@role_required(Role.GUIDE, Role.ADMIN)
def personal_link_send(request, pk):
    participant = _participant(request, pk)
    form = DeliveryForm(request.POST)
    if not form.is_valid():
        for msgs in form.errors.values():
            for m in msgs:
                messages.error(request, m)
        return redirect("portal:consent_overview", pk=participant.pk)
    issued = run_service(
        request,
        None,
        links.personal_link_issue,
        participant=participant,
        by=request.user,
        channel=form.cleaned_data["channel"],
        email=form.cleaned_data["email"],
        base_url=_base(request),
    )
    if issued is None:
        return redirect("portal:consent_overview", pk=participant.pk)
    _remember_print(request, "link", issued.link.pk, token=issued.token)
    if issued.link.sent_to:
        messages.success(
            request, _("A new personal link was e-mailed; the old one no longer works.")
        )
        return redirect("portal:consent_overview", pk=participant.pk)
    return redirect("portal:personal_link_print", pk=issued.link.pk)


@never_cache
@role_required(Role.GUIDE, Role.ADMIN)
def personal_link_print(request, pk):
    link = get_object_or_404(
        PersonalLink.objects.filter(
            participant__in=Participant.objects.visible_to(request.user)
        ).select_related("participant"),
        pk=pk,
    )
    secrets = _printable(request, "link", link.pk)
    if not secrets or not link.is_active or not can_edit(request.user, link.participant):
        messages.error(request, _("The link can be printed only right after it is made."))
        return redirect("portal:consent_overview", pk=link.participant_id)
    url = links.personal_url(_base(request), secrets["token"])
    return render(
        request,
        "portal/guide/personal_link_print.html",
        {"link": link, "p": link.participant, "url": url, "qr": qr_svg(url)},
    )


@require_POST
@role_required(Role.GUIDE, Role.ADMIN)
def personal_link_revoke_view(request, pk):
    participant = _participant(request, pk)
    if run_service(
        request, None, links.personal_link_revoke, participant=participant, by=request.user
    ):
        messages.success(request, _("The personal link was revoked; it no longer works."))
    return redirect("portal:consent_overview", pk=participant.pk)


@role_required(*STAFF)
def consent_paper_form(request, pk):
    """The printable form with the same wording, for a participant who signs on paper; filled in
    with the recipients of an invitation when ``?invitation=`` is given."""
    participant = _participant(request, pk)
    invitation = None
    if request.GET.get("invitation", "").isdigit():
        invitation = ConsentInvitation.objects.filter(
            participant=participant, pk=int(request.GET["invitation"])
        ).first()
    version = invitation.wording_version if invitation else CURRENT_WORDING_VERSION
    audit_participant_read(
        participant=participant, user=request.user, request=request, what="consent paper form"
    )
    return render(
        request,
        "portal/guide/consent_paper_form.html",
        {
            "p": participant,
            "recipients": invitation.recipients.select_related("employer") if invitation else [],
            "blank_rows": range(0 if invitation else 4),
            "wording": wording(version),
            "version": version,
            "full": can_edit(request.user, participant),
        },
    )


@role_required(Role.GUIDE, Role.ADMIN)
def withdrawals(request):
    """Consents the guide's participants withdrew themselves, until the guide marks them seen."""
    return render(
        request,
        "portal/guide/consent_withdrawals.html",
        {"withdrawals": links.withdrawals_to_see(request.user)},
    )


@require_POST
@role_required(Role.GUIDE, Role.ADMIN)
def withdrawal_seen(request, pk):
    consent = get_object_or_404(
        Consent.objects.filter(participant__in=Participant.objects.visible_to(request.user)), pk=pk
    )
    run_service(request, None, links.withdrawal_mark_seen, consent=consent, by=request.user)
    return redirect("portal:consent_withdrawals")
