"""The participant's own pages, reached without an account: answering a consent invitation (by a
one-time link or a short printed code), the receipt, and the personal page for seeing and
withdrawing consents.

A link or code is exchanged for a short page session at once and the browser is redirected, so the
secret is not left in the address bar, the history or a Referer header. Every unknown, expired,
used or revoked link gives the same neutral page with the same status, so nothing tells whether a
participant exists. Failed look-ups are limited per client address and per link (429); using a
valid link is never limited (``core.throttle``). Every page view is written to the
audit log (the writes are logged by django-auditlog).
"""

from __future__ import annotations

import logging

import segno
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core import throttle
from matching.models import ConsentInvitation
from matching.participants.consent_wording import wording
from matching.participants.services import consent_links as links
from matching.participants.services.audit import audit_participant_read, client_address
from portal.views.common import run_service

logger = logging.getLogger("brygga.consent_links")

INVITATION_KEY = "consent_invitation"
RECEIPT_KEY = "consent_receipt"
OWN_KEY = "own_consent_link"
SESSION_SECONDS = 60 * 60
NOT_VALID = "portal/public/not_valid.html"


def qr_svg(url: str) -> str:
    """An SVG QR code (segno renders offline; no inline style attributes)."""
    svg = segno.make(url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title=_("QR code"), svgclass="segno", omitsize=True
    )
    return mark_safe(svg)  # noqa: S308 - segno escapes the title; the rest is generated


def public(view):
    """A participant's page: never cached. Limits are applied where a look-up fails (see
    ``refused``): a valid link or page session is never counted or refused."""
    return never_cache(view)


def refused(request, reason: str, *, link: str | None = None, template: str = NOT_VALID):
    """The answer to a link, code or page session that opens nothing: the failure is counted
    against the client address and the link (``core.throttle``); over either limit a 429, else the
    same neutral page for every reason (the reason goes to the log only)."""
    address = client_address(request)
    if throttle.guess_failed(address=address, link=link):
        logger.warning("consent link guessing limit hit by %s (%s)", address, reason)
        return too_many(request)
    logger.info("consent link not valid (%s) from %s", reason, address)
    return render(request, template, status=404)


def too_many(request):
    return render(request, "portal/public/too_many.html", status=429)


def _start(request, key: str, pk: int) -> None:
    request.session.cycle_key()
    request.session[key] = pk
    request.session.set_expiry(SESSION_SECONDS)


def _audit(participant, request, what: str) -> None:
    audit_participant_read(participant=participant, user=None, request=request, what=what)


@public
@require_http_methods(["GET"])
def consent_open(request, token):
    invitation = links.invitation_by_token(token)
    if invitation is None:
        return refused(request, "invitation token", link=token)
    _audit(invitation.participant, request, "consent invitation opened by link")
    _start(request, INVITATION_KEY, invitation.pk)
    return redirect("portal:consent_answer")


@public
@require_http_methods(["GET", "POST"])
def consent_code(request):
    error = None
    if request.method == "POST":
        code = links.normalise_code(request.POST.get("code", ""))
        # An 8-letter code can be guessed, unlike a link's 256-bit token: an address or a code
        # over its limit is not even looked up.
        if throttle.guessing_blocked(address=client_address(request), link=code):
            return too_many(request)
        invitation = links.invitation_by_code(code)
        if invitation is None:
            return refused(request, "invitation code", link=code)
        _audit(invitation.participant, request, "consent invitation opened by code")
        _start(request, INVITATION_KEY, invitation.pk)
        return redirect("portal:consent_answer")
    if throttle.guessing_blocked(address=client_address(request)):
        return too_many(request)
    return render(request, "portal/public/code.html", {"error": error})


def _session_invitation(request) -> ConsentInvitation | None:
    pk = request.session.get(INVITATION_KEY)
    invitation = (
        ConsentInvitation.objects.select_related("participant", "created_by").filter(pk=pk).first()
        if pk
        else None
    )
    if invitation is None or invitation.state != "pending":
        return None
    return invitation


@public
@require_http_methods(["GET", "POST"])
def consent_answer(request):
    invitation = _session_invitation(request)
    if invitation is None:
        return refused(request, "invitation session")
    recipients = list(invitation.recipients.select_related("employer"))
    chosen: dict[int, bool] = {}
    errors: list[str] = []
    if request.method == "POST":
        for r in recipients:
            value = request.POST.get(f"r{r.pk}")
            if value in ("yes", "no"):
                chosen[r.pk] = value == "yes"
                r.chosen = value
        answer = run_service(
            request,
            None,
            links.consent_invitation_answer,
            invitation=invitation,
            decisions=chosen,
            base_url=request.build_absolute_uri("/"),
        )
        if answer is not None:
            request.session.pop(INVITATION_KEY, None)
            request.session[RECEIPT_KEY] = {
                "invitation": invitation.pk,
                "personal": answer.personal.token,
            }
            return redirect("portal:consent_receipt")
        errors = [str(m) for m in messages.get_messages(request)]
    else:
        _audit(invitation.participant, request, "consent invitation page")
    return render(
        request,
        "portal/public/answer.html",
        {
            "invitation": invitation,
            "recipients": recipients,
            "errors": errors,
            "wording": wording(invitation.wording_version),
        },
    )


@public
@require_http_methods(["GET"])
def consent_receipt(request):
    data = request.session.get(RECEIPT_KEY) or {}
    invitation = (
        ConsentInvitation.objects.select_related("participant")
        .filter(pk=data.get("invitation"))
        .first()
    )
    if invitation is None:
        return refused(request, "receipt session")
    _audit(invitation.participant, request, "consent receipt")
    own_url = links.personal_url(request.build_absolute_uri("/"), data["personal"])
    return render(
        request,
        "portal/public/receipt.html",
        {
            "invitation": invitation,
            "recipients": invitation.recipients.select_related("employer", "consent"),
            "wording": wording(invitation.wording_version),
            "own_url": own_url,
            "qr": qr_svg(own_url),
        },
    )


@public
@require_http_methods(["GET"])
def own_open(request, token):
    link = links.personal_link_by_token(token)
    if link is None:
        return refused(request, "personal token", link=token)
    _audit(link.participant, request, "own consent page opened by link")
    _start(request, OWN_KEY, link.pk)
    return redirect("portal:own_page")


@public
@require_http_methods(["GET", "POST"])
def own_page(request):
    link = links.active_personal_link(request.session.get(OWN_KEY))
    if link is None:
        return refused(request, "own page session")
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("withdraw") if v.isdigit()]
        done = run_service(
            request, None, links.consents_withdraw_by_participant, link=link, consent_ids=ids
        )
        if done:
            messages.success(
                request,
                _("Done. They can no longer see your information. Your job guide has been told."),
            )
        return redirect("portal:own_page")
    _audit(link.participant, request, "own consent page")
    consents = list(links.own_consents(link.participant))
    today = timezone.localdate()

    def running(c) -> bool:
        return c.withdrawn_on is None and (c.valid_until is None or c.valid_until >= today)

    return render(
        request,
        "portal/public/own.html",
        {
            "participant": link.participant,
            "active": [c for c in consents if running(c)],
            "ended": [c for c in consents if not running(c)],
        },
    )
