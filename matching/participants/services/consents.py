"""Consent: recording, withdrawing, and the ONE check every sharing goes through."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Unit, User
from matching.choices import ConsentMethod, ConsentScope, RecipientKind
from matching.models import Consent, Participant
from matching.participants.consent_wording import CURRENT_WORDING_VERSION, WORDINGS
from matching.participants.services.participants import ensure_can_edit


def _valid_at(at: dt.date) -> Q:
    return (
        Q(given_on__lte=at)
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=at))
        & (Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=at))
    )


def valid_consents(*, at: dt.date | None = None):
    """Consents in force on ``at`` (today): given, not expired, not withdrawn."""
    return Consent.objects.filter(_valid_at(at or timezone.localdate()))


def recipient_q(*, employer=None, unit=None, agency: str | None = None) -> Q:
    """The consents that name exactly this recipient — the rule every sharing goes through.

    A consent covers exactly its named recipient: an employer's consent only that employer, a
    unit's consent only that unit (``recipient_unit``), an agency's consent only the agency of
    that name. A consent to another unit is never matched as an agency (even if the names are
    the same), and no recipient (None) matches nothing."""
    if employer is not None:
        return Q(employer=employer)
    if unit is not None:
        return Q(recipient_unit=unit, recipient_kind=RecipientKind.OTHER_UNIT)
    if agency and agency.strip():
        return Q(
            agency__iexact=agency.strip(), employer__isnull=True, recipient_unit__isnull=True
        ) & ~Q(recipient_kind=RecipientKind.OTHER_UNIT)
    return Q(pk__in=[])


def shared_scopes(
    *,
    participant: Participant,
    employer=None,
    unit=None,
    agency: str | None = None,
    at: dt.date | None = None,
) -> set[str]:
    """Every kind of information the recipient (one employer, one unit or one agency) may see
    about the participant on ``at`` (today)."""
    if employer is None and unit is None and not (agency and agency.strip()):
        return set()
    consents = valid_consents(at=at).filter(
        recipient_q(employer=employer, unit=unit, agency=agency), participant=participant
    )
    return {scope for scopes in consents.values_list("scopes", flat=True) for scope in scopes}


def shared_scopes_with_employers(
    pairs, *, at: dt.date | None = None
) -> dict[tuple[int, int], set[str]]:
    """``shared_scopes`` for many (participant id, employer id) pairs in one query: the same rule
    (valid on ``at``, the consent names exactly that employer), for lists that show many
    placements (the employer portal, the placements API). Pairs without consent map to an empty
    set."""
    pairs = {(int(pid), int(eid)) for pid, eid in pairs if pid is not None and eid is not None}
    result: dict[tuple[int, int], set[str]] = {pair: set() for pair in pairs}
    if not pairs:
        return result
    # recipient_q(employer=e) for each employer e of the pairs: Q(employer=e), OR-ed.
    rows = valid_consents(at=at).filter(
        employer_id__in={eid for _, eid in pairs},
        participant_id__in={pid for pid, _ in pairs},
    )
    for pid, eid, scopes in rows.values_list("participant_id", "employer_id", "scopes"):
        if (pid, eid) in result:
            result[(pid, eid)].update(scopes)
    return result


def may_share(
    *,
    participant: Participant,
    scope: str,
    employer=None,
    unit=None,
    agency: str | None = None,
    at: dt.date | None = None,
) -> bool:
    """May this recipient see this kind of information about this participant now?"""
    return scope in shared_scopes(
        participant=participant, employer=employer, unit=unit, agency=agency, at=at
    )


def recipient_unit_named(participant: Participant, name: str) -> Unit | None:
    """The unit of the participant's region (not their own) that ``name`` names, or None."""
    name = (name or "").strip()
    if not name:
        return None
    return (
        Unit.objects.filter(name__iexact=name, region_id=participant.unit.region_id)
        .exclude(pk=participant.unit_id)
        .first()
    )


def other_units_named(participant: Participant) -> list[str]:
    """The names a consent to another unit may give (for error messages and pick lists)."""
    return list(
        Unit.objects.filter(region_id=participant.unit.region_id)
        .exclude(pk=participant.unit_id)
        .order_by("name")
        .values_list("name", flat=True)
    )


def consented_employer_ids(
    participant_ids, *, scope: str = ConsentScope.SKILLS, at: dt.date | None = None
) -> dict[int, set[int]]:
    """participant id → employer ids with a valid consent covering ``scope`` (bulk, for matching)."""
    at = at or timezone.localdate()
    result: dict[int, set[int]] = {}
    for pid, eid, scopes in Consent.objects.filter(
        _valid_at(at), participant_id__in=participant_ids, employer__isnull=False
    ).values_list("participant_id", "employer_id", "scopes"):
        if scope in scopes:
            result.setdefault(pid, set()).add(eid)
    return result


@transaction.atomic
def consent_record(
    *,
    participant: Participant,
    by: User,
    purpose: str,
    scopes: list[str],
    given_on: dt.date,
    method: str,
    employer=None,
    agency: str = "",
    recipient_kind: str = "",
    valid_until: dt.date | None = None,
    wording_version: str = CURRENT_WORDING_VERSION,
) -> Consent:
    """The guide records a consent given on paper or verbally (a verbal one with the guide as
    witness), or digitally outside Brygga."""
    ensure_can_edit(by, participant)
    return consent_create(
        participant=participant,
        recorded_by=by,
        purpose=purpose,
        scopes=scopes,
        given_on=given_on,
        method=method,
        employer=employer,
        agency=agency,
        recipient_kind=recipient_kind,
        valid_until=valid_until,
        wording_version=wording_version,
        witness=by if method == ConsentMethod.VERBAL else None,
    )


def consent_create(
    *,
    participant: Participant,
    recorded_by: User,
    purpose: str,
    scopes: list[str],
    given_on: dt.date,
    method: str,
    employer=None,
    agency: str = "",
    recipient_kind: str = "",
    valid_until: dt.date | None = None,
    wording_version: str = CURRENT_WORDING_VERSION,
    witness: User | None = None,
    given_at: dt.datetime | None = None,
) -> Consent:
    """Validate and store a consent. Callers check who may do it (the guide in ``consent_record``,
    the participant's own one-time link in ``consent_links``)."""
    errors = {}
    unknown = [s for s in scopes if s not in ConsentScope.values]
    if not scopes or unknown:
        errors["scopes"] = _("Choose what the consent covers from: %(opts)s.") % {
            "opts": ", ".join(ConsentScope.values)
        }
    if (employer is None) == (not agency.strip()):
        errors["employer"] = _("Name either an employer or a partner agency.")
    if employer is not None and employer.region_id != participant.unit.region_id:
        errors["employer"] = _("The employer is not one of the unit's.")
    if given_on > timezone.localdate():
        errors["given_on"] = _("A consent cannot be given in the future.")
    if valid_until and valid_until < given_on:
        errors["valid_until"] = _("A consent cannot expire before it is given.")
    if wording_version and wording_version not in WORDINGS:
        errors["wording_version"] = _("Unknown wording version.")
    recipient_unit = None
    if employer is None and recipient_kind == RecipientKind.OTHER_UNIT:
        # A consent to "another unit" covers exactly one named unit of the region, never all.
        recipient_unit = recipient_unit_named(participant, agency)
        if recipient_unit is None:
            errors["agency"] = _(
                "Name the unit the participant agrees to share with: one of %(units)s."
            ) % {"units": ", ".join(other_units_named(participant)) or "—"}
    if errors:
        raise ValidationError(errors)
    if employer is not None:
        recipient_kind = RecipientKind.EMPLOYER
    elif recipient_kind == RecipientKind.OTHER_UNIT:
        agency = recipient_unit.name
    consent = Consent(
        participant=participant,
        employer=employer,
        agency=agency.strip(),
        recipient_kind=recipient_kind,
        recipient_unit=recipient_unit,
        purpose=purpose,
        scopes=sorted(set(scopes)),
        given_on=given_on,
        given_at=given_at or timezone.now(),
        method=method,
        valid_until=valid_until,
        wording_version=wording_version,
        witness=witness,
        recorded_by=recorded_by,
    )
    consent.full_clean()
    consent.save()
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, by: User, on: dt.date | None = None) -> Consent:
    """Withdrawing takes effect at once (today unless another date is given); the record stays."""
    ensure_can_edit(by, consent.participant)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise ValidationError({"withdrawn_on": _("The consent is already withdrawn.")})
    on = on or timezone.localdate()
    if on < consent.given_on:
        raise ValidationError(
            {"withdrawn_on": _("A consent cannot be withdrawn before it was given.")}
        )
    consent.withdrawn_on, consent.withdrawn_by = on, by
    consent.save(update_fields=["withdrawn_on", "withdrawn_by", "updated_at"])
    return consent


def withdraw_by_participant(consent: Consent) -> Consent:
    """The participant withdraws through their own page (``consent_links``): at once, today.
    Already withdrawn consents are left as they are."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is None:
        consent.withdrawn_on = timezone.localdate()
        consent.withdrawn_by_participant = True
        consent.save(update_fields=["withdrawn_on", "withdrawn_by_participant", "updated_at"])
    return consent
