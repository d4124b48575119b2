"""Deciding on learned weights (issue 25): accept, reject, roll back. Fitting a proposal reads the
placements' outcomes and so lives a layer up, in ``placements.learning``."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import Role
from core.exceptions import Forbidden, InvalidTransition, NotAllowed
from core.models import Unit, User
from core.roles import role_of
from matching.models import MatchWeights, MatchWeightsVersion, ProposalStatus, WeightProposal
from matching.services.weights import FIELDS, weights_update


def ensure_may_learn(by: User, unit: Unit) -> None:
    """Only the unit's manager, or an administrator, fits and decides on learned weights."""
    role = role_of(by)
    if role == Role.ADMIN:
        return
    if role == Role.MANAGER and by.unit_id == unit.pk:
        return
    raise Forbidden(_("Only the unit's manager or an administrator may change learned weights."))


def current_weights(unit: Unit) -> dict[str, float]:
    row = MatchWeights.objects.filter(unit=unit).first() or MatchWeights(unit=unit)
    return {f: float(getattr(row, f)) for f in FIELDS}


def _new_version(
    *, unit: Unit, by: User, weights: dict, proposal: WeightProposal, rollback: bool
) -> MatchWeightsVersion:
    last = MatchWeightsVersion.objects.filter(unit=unit).aggregate(n=Max("number"))["n"] or 0
    version = MatchWeightsVersion(
        unit=unit,
        number=last + 1,
        weights=weights,
        proposal=proposal,
        rollback=rollback,
        by=by,
    )
    version.full_clean()
    version.save()
    return version


def _locked(proposal: WeightProposal) -> WeightProposal:
    return WeightProposal.objects.select_for_update().select_related("unit").get(pk=proposal.pk)


@transaction.atomic
def weight_proposal_accept(*, by: User, proposal: WeightProposal) -> WeightProposal:
    """Write the proposed weights to the unit's ``MatchWeights`` and keep the version. Only an open
    proposal with weights can be accepted; the weights before are kept for a rollback."""
    proposal = _locked(proposal)
    ensure_may_learn(by, proposal.unit)
    if proposal.status != ProposalStatus.PROPOSED or not proposal.proposed:
        raise InvalidTransition(_("Only an open proposal with new weights can be accepted."))
    # Accepting an old proposal when the weights changed since would silently undo that change.
    if any(abs(proposal.current.get(f, 0) - v) > 1e-9 for f, v in _normal(proposal.unit).items()):
        raise InvalidTransition(
            _("The weights changed after this fit. Run a new fit before accepting.")
        )
    proposal.weights_before = current_weights(proposal.unit)
    weights_update(unit=proposal.unit, by=by, **proposal.proposed)
    proposal.status = ProposalStatus.ACCEPTED
    proposal.decided_by, proposal.decided_at = by, timezone.now()
    proposal.full_clean()
    proposal.save()
    _new_version(
        unit=proposal.unit,
        by=by,
        weights=dict(proposal.proposed),
        proposal=proposal,
        rollback=False,
    )
    # Any other open proposal was fitted against the weights just replaced.
    WeightProposal.objects.filter(unit=proposal.unit, status=ProposalStatus.PROPOSED).exclude(
        pk=proposal.pk
    ).update(status=ProposalStatus.REJECTED, decided_by=by, decided_at=timezone.now())
    return proposal


def _normal(unit: Unit) -> dict[str, float]:
    values = current_weights(unit)
    total = sum(values.values())
    return {k: v / total for k, v in values.items()}


@transaction.atomic
def weight_proposal_reject(*, by: User, proposal: WeightProposal) -> WeightProposal:
    proposal = _locked(proposal)
    ensure_may_learn(by, proposal.unit)
    if proposal.status != ProposalStatus.PROPOSED:
        raise InvalidTransition(_("Only an open proposal can be rejected."))
    proposal.status = ProposalStatus.REJECTED
    proposal.decided_by, proposal.decided_at = by, timezone.now()
    proposal.full_clean()
    proposal.save()
    return proposal


@transaction.atomic
def match_weights_rollback(*, by: User, unit: Unit) -> WeightProposal:
    """Undo the latest accepted proposal: the unit's weights go back to what they were before it."""
    ensure_may_learn(by, unit)
    proposal = (
        WeightProposal.objects.select_for_update()
        .filter(unit=unit, status=ProposalStatus.ACCEPTED)
        .order_by("-decided_at", "-pk")
        .first()
    )
    if proposal is None or not proposal.weights_before:
        raise NotAllowed(_("There is no accepted proposal to roll back."))
    weights_update(unit=unit, by=by, **proposal.weights_before)
    proposal.status = ProposalStatus.ROLLED_BACK
    proposal.save(update_fields=["status"])
    _new_version(
        unit=unit, by=by, weights=dict(proposal.weights_before), proposal=proposal, rollback=True
    )
    return proposal
