"""The participant's digital consent: one-time invitations and the personal link.

The guide invites a participant to give or refuse consent to a list of recipients; the participant
answers on a public page (no account) reached by a one-time link or a short printed code; answering
creates the consents and gives the participant a personal link to their own page, where they can
withdraw any consent at once. Withdrawal goes through the same ``Consent`` rows that
``matching.participants.services.consents.may_share`` reads, so it takes effect everywhere on the next request.

Secrets: tokens are 256-bit random and shown once; short codes are 8 characters from a 31-letter
alphabet (~40 bits, so guessing is stopped by the rate limit in the pages). Only keyed hashes
(``salted_hmac`` with SECRET_KEY) are stored, so a copy of the database opens nothing. Rotating
SECRET_KEY therefore invalidates outstanding links; the guide sends new ones.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from core.exceptions import DomainError
from core.models import User
from matching.choices import (
    ConsentMethod,
    ConsentScope,
    DeliveryChannel,
    InvitationDecision,
    InvitationState,
    RecipientKind,
)
from matching.models import (
    Consent,
    ConsentInvitation,
    InvitedRecipient,
    Participant,
    PersonalLink,
)
from matching.participants.consent_wording import CURRENT_WORDING_VERSION
from matching.participants.services.consents import (
    consent_create,
    other_units_named,
    recipient_unit_named,
    withdraw_by_participant,
)
from matching.participants.services.participants import ensure_can_edit

logger = logging.getLogger("brygga.consent_links")

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read from paper


class LinkNotValid(DomainError):
    """Unknown, expired, used or revoked: deliberately one error, so nothing is revealed."""

    default_message = "The link is not valid."
    code = "link_not_valid"


@dataclass
class IssuedInvitation:
    invitation: ConsentInvitation
    token: str
    code: str


@dataclass
class IssuedLink:
    link: PersonalLink
    token: str


@dataclass
class Answer:
    invitation: ConsentInvitation
    granted: list[Consent] = field(default_factory=list)
    refused: list[InvitedRecipient] = field(default_factory=list)
    personal: IssuedLink | None = None


def _hash(value: str, purpose: str) -> str:
    return salted_hmac(f"brygga.consent.{purpose}", value, algorithm="sha256").hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def normalise_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def invitation_url(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + reverse("portal:consent_open", args=[token])


def personal_url(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + reverse("portal:own_open", args=[token])


def code_url(base_url: str) -> str:
    return base_url.rstrip("/") + reverse("portal:consent_code")


def _send(subject: str, body: str, to: str) -> None:
    """E-mail after commit, so a rolled-back change never sends anything."""
    if to:
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=True)
        )


# --- invitations ---------------------------------------------------------------------------------


def _clean_recipients(participant: Participant, recipients: list[dict]) -> list[InvitedRecipient]:
    rows, errors = [], []
    for number, data in enumerate(recipients, start=1):
        kind = data.get("kind") or ""
        employer = data.get("employer")
        agency = (data.get("agency") or "").strip()
        scopes = list(data.get("scopes") or [])
        purpose = (data.get("purpose") or "").strip()
        problems = []
        if kind not in RecipientKind.values:
            problems.append(_("choose the kind of recipient"))
        elif kind == RecipientKind.EMPLOYER:
            if employer is None:
                problems.append(_("choose the employer"))
            elif employer.region_id != participant.unit.region_id:
                problems.append(_("the employer is not one of the unit's"))
            agency = ""
        elif kind == RecipientKind.OTHER_UNIT:
            # Another unit is named, never "any unit": the consent covers that unit only.
            employer = None
            unit = recipient_unit_named(participant, agency)
            if unit is None:
                problems.append(
                    _("name the unit (one of %(units)s)")
                    % {"units": ", ".join(other_units_named(participant)) or "—"}
                )
            else:
                agency = unit.name
        else:
            employer = None
            agency = agency or str(RecipientKind(kind).label)
        if not scopes or any(s not in ConsentScope.values for s in scopes):
            problems.append(_("choose which information the recipient would see"))
        if not purpose:
            problems.append(_("give the purpose"))
        if problems:
            errors.append(
                _("Recipient %(n)s: %(problems)s.") % {"n": number, "problems": ", ".join(problems)}
            )
            continue
        rows.append(
            InvitedRecipient(
                kind=kind,
                employer=employer,
                agency=agency,
                purpose=purpose[:300],
                scopes=sorted(set(scopes)),
                valid_until=data.get("valid_until"),
            )
        )
    if not recipients:
        errors.append(_("Propose at least one recipient."))
    if errors:
        raise ValidationError({"recipients": errors})
    return rows


@transaction.atomic
def consent_invitation_create(
    *,
    participant: Participant,
    by: User,
    recipients: list[dict],
    channel: str,
    email: str = "",
    base_url: str = "",
) -> IssuedInvitation:
    """The participant's own guide proposes recipients; the participant answers through a one-time
    link (e-mailed) or a short code and QR code on a printed letter."""
    ensure_can_edit(by, participant)
    rows = _clean_recipients(participant, recipients)
    email = (email or "").strip()
    if channel not in DeliveryChannel.values:
        raise ValidationError({"channel": _("Choose how the link is sent.")})
    if channel == DeliveryChannel.EMAIL and not email:
        raise ValidationError({"email": _("Give the participant's e-mail address.")})
    token, code = new_token(), new_code()
    invitation = ConsentInvitation(
        participant=participant,
        created_by=by,
        token_hash=_hash(token, "invitation"),
        code_hash=_hash(code, "code"),
        channel=channel,
        sent_to=email if channel == DeliveryChannel.EMAIL else "",
        wording_version=CURRENT_WORDING_VERSION,
        expires_at=timezone.now() + dt.timedelta(days=settings.CONSENT_INVITATION_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    for row in rows:
        row.invitation = invitation
        row.full_clean()
        row.save()
    if invitation.sent_to:
        _send(
            _("Your consent: who may see information about you"),
            _(
                "Hello,\n\nYour job guide %(guide)s asks who may see information about you.\n"
                "Open this link and answer yes or no for each one:\n%(url)s\n\n"
                "The link works once, until %(until)s. You can also go to %(code_url)s and "
                "type the code %(code)s.\n"
            )
            % {
                "guide": by.get_full_name() or by.username,
                "url": invitation_url(base_url, token),
                "until": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d"),
                "code_url": code_url(base_url),
                "code": format_code(code),
            },
            invitation.sent_to,
        )
    return IssuedInvitation(invitation=invitation, token=token, code=code)


def invitation_by_token(token: str) -> ConsentInvitation | None:
    """The invitation if the token opens it now (pending), else None: never says why."""
    if not token or len(token) > 200:
        return None
    invitation = ConsentInvitation.objects.filter(token_hash=_hash(token, "invitation")).first()
    return invitation if invitation and invitation.state == InvitationState.PENDING else None


def invitation_by_code(code: str) -> ConsentInvitation | None:
    code = normalise_code(code)
    if len(code) != 8:
        return None
    invitation = ConsentInvitation.objects.filter(code_hash=_hash(code, "code")).first()
    return invitation if invitation and invitation.state == InvitationState.PENDING else None


@transaction.atomic
def consent_invitation_answer(
    *, invitation: ConsentInvitation, decisions: dict[int, bool], base_url: str = ""
) -> Answer:
    """The participant gives or refuses each proposed recipient. Works once: afterwards (and after
    expiry or revocation) the link and the code open nothing."""
    invitation = ConsentInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state != InvitationState.PENDING:
        raise LinkNotValid(_("The link is not valid."))
    recipients = list(invitation.recipients.select_related("employer"))
    missing = [r.name for r in recipients if r.pk not in decisions]
    if missing:
        raise ValidationError(
            {"decisions": _("Answer yes or no for: %(names)s.") % {"names": ", ".join(missing)}}
        )
    now = timezone.now()
    answer = Answer(invitation=invitation)
    for recipient in recipients:
        recipient.decided_at = now
        if decisions[recipient.pk]:
            recipient.consent = consent_create(
                participant=invitation.participant,
                recorded_by=invitation.created_by,
                purpose=recipient.purpose,
                scopes=recipient.scopes,
                given_on=timezone.localdate(),
                given_at=now,
                method=ConsentMethod.DIGITAL,
                employer=recipient.employer,
                agency=recipient.agency,
                recipient_kind=recipient.kind,
                valid_until=recipient.valid_until,
                wording_version=invitation.wording_version,
            )
            recipient.decision = InvitationDecision.GRANTED
            answer.granted.append(recipient.consent)
        else:
            recipient.decision = InvitationDecision.REFUSED
            answer.refused.append(recipient)
        recipient.save(update_fields=["decision", "decided_at", "consent"])
    invitation.answered_at = now
    invitation.save(update_fields=["answered_at", "updated_at"])
    answer.personal = _issue_link(
        participant=invitation.participant,
        by=None,
        channel=invitation.channel,
        email=invitation.sent_to,
        base_url=base_url,
    )
    guide = invitation.participant.guide or invitation.created_by
    _send(
        _("%(code)s answered the consent request") % {"code": invitation.participant.code},
        _("%(code)s said yes to %(yes)s and no to %(no)s recipients.")
        % {
            "code": invitation.participant.code,
            "yes": len(answer.granted),
            "no": len(answer.refused),
        },
        guide.email,
    )
    return answer


@transaction.atomic
def consent_invitation_revoke(*, invitation: ConsentInvitation, by: User) -> ConsentInvitation:
    ensure_can_edit(by, invitation.participant)
    invitation = ConsentInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state != InvitationState.PENDING:
        raise ValidationError(
            {"invitation": _("Only an unanswered, valid invitation can be revoked.")}
        )
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    return invitation


# --- the personal link ---------------------------------------------------------------------------


def _issue_link(
    *, participant: Participant, by: User | None, channel: str, email: str, base_url: str
) -> IssuedLink:
    now = timezone.now()
    PersonalLink.objects.filter(participant=participant, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=by, updated_at=now
    )
    token = new_token()
    link = PersonalLink(
        participant=participant,
        token_hash=_hash(token, "personal"),
        created_by=by,
        channel=channel,
        sent_to=email if channel == DeliveryChannel.EMAIL else "",
        expires_at=now + dt.timedelta(days=settings.CONSENT_PERSONAL_LINK_DAYS),
    )
    link.full_clean()
    link.save()
    if link.sent_to:
        _send(
            _("Your own page for consents"),
            _(
                "Hello,\n\nOn your own page you see who may see information about you, and you "
                "can change your mind:\n%(url)s\n\nKeep the link to yourself.\n"
            )
            % {"url": personal_url(base_url, token)},
            link.sent_to,
        )
    return IssuedLink(link=link, token=token)


@transaction.atomic
def personal_link_issue(
    *, participant: Participant, by: User, channel: str, email: str = "", base_url: str = ""
) -> IssuedLink:
    """Send the participant a new personal link; an earlier one stops working."""
    ensure_can_edit(by, participant)
    if channel not in DeliveryChannel.values:
        raise ValidationError({"channel": _("Choose how the link is sent.")})
    if channel == DeliveryChannel.EMAIL and not (email or "").strip():
        raise ValidationError({"email": _("Give the participant's e-mail address.")})
    Participant.objects.select_for_update().get(pk=participant.pk)  # one issuer at a time
    return _issue_link(
        participant=participant,
        by=by,
        channel=channel,
        email=(email or "").strip(),
        base_url=base_url,
    )


@transaction.atomic
def personal_link_revoke(*, participant: Participant, by: User) -> PersonalLink:
    ensure_can_edit(by, participant)
    link = (
        PersonalLink.objects.select_for_update()
        .filter(participant=participant, revoked_at__isnull=True)
        .first()
    )
    if link is None:
        raise ValidationError({"personal_link": _("The participant has no active personal link.")})
    link.revoked_at, link.revoked_by = timezone.now(), by
    link.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    return link


def personal_link_by_token(token: str) -> PersonalLink | None:
    if not token or len(token) > 200:
        return None
    link = (
        PersonalLink.objects.select_related("participant")
        .filter(token_hash=_hash(token, "personal"))
        .first()
    )
    if link is None or not link.is_active:
        return None
    PersonalLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    return link


def active_personal_link(pk: int | None) -> PersonalLink | None:
    """The link a page session was opened with, if it still works (revocation ends the session)."""
    if not pk:
        return None
    link = PersonalLink.objects.select_related("participant").filter(pk=pk).first()
    return link if link and link.is_active else None


def own_consents(participant: Participant):
    return Consent.objects.filter(participant=participant).select_related("employer")


@transaction.atomic
def consents_withdraw_by_participant(
    *, link: PersonalLink, consent_ids: list[int]
) -> list[Consent]:
    """The participant withdraws one or more consents from their own page: at once, everywhere.
    Their guide is told by e-mail and sees it on the consent overview."""
    link = (
        PersonalLink.objects.select_for_update(of=("self",))
        .select_related("participant__guide")
        .get(pk=link.pk)
    )
    if not link.is_active:
        raise LinkNotValid(_("The link is not valid."))
    consents = list(
        Consent.objects.filter(
            participant=link.participant, pk__in=consent_ids, withdrawn_on__isnull=True
        ).select_related("employer")
    )
    if not consents:
        raise ValidationError({"consents": _("Choose at least one consent to withdraw.")})
    withdrawn = [withdraw_by_participant(c) for c in consents]
    guide = link.participant.guide
    if guide is not None:
        _send(
            _("%(code)s withdrew consent") % {"code": link.participant.code},
            _("%(code)s withdrew consent for: %(names)s. Sharing has stopped.")
            % {
                "code": link.participant.code,
                "names": ", ".join(
                    c.employer.name if c.employer_id else c.agency for c in consents
                ),
            },
            guide.email,
        )
    return withdrawn


def withdrawals_to_see(user: User):
    """Consents the user's participants withdrew themselves that the guide has not yet marked seen."""
    return (
        Consent.objects.filter(
            participant__guide=user,
            withdrawn_by_participant=True,
            withdrawal_seen_at__isnull=True,
        )
        .select_related("participant", "employer")
        .order_by("-withdrawn_on", "-pk")
    )


@transaction.atomic
def withdrawal_mark_seen(*, consent: Consent, by: User) -> Consent:
    ensure_can_edit(by, consent.participant)
    consent.withdrawal_seen_at = timezone.now()
    consent.save(update_fields=["withdrawal_seen_at", "updated_at"])
    return consent
