"""Proposals across units: a guide proposes a participant for another unit's regional profile; the
proposal reaches that unit's coordinator as a request to accept (a next step on their list) and
cannot be agreed until they accept. Declining withdraws it (the employer side declined)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import Role
from core.exceptions import NotAllowed
from core.models import User
from core.roles import role_of
from employers.models import Interaction
from placements.choices import PlacementStatus, WithdrawReason
from placements.models import Placement


def is_cross_unit(placement: Placement) -> bool:
    return placement.task_profile.unit_id != placement.participant.unit_id


def awaiting_host(placement: Placement) -> bool:
    return (
        is_cross_unit(placement)
        and placement.status == PlacementStatus.PROPOSED
        and placement.host_accepted_at is None
    )


def _marker(placement: Placement) -> str:
    return (
        _("Proposal from %(unit)s for %(profile)s (%(code)s): accept or decline")
        % {
            "unit": placement.participant.unit.name,
            "profile": placement.task_profile.title,
            "code": placement.participant.code,
        }
    )[:300]


def _host_coordinators(placement: Placement) -> list[User]:
    profile = placement.task_profile
    owner = profile.employer.owner
    if owner is not None and owner.is_active and owner.unit_id == profile.unit_id:
        return [owner]
    return list(
        User.objects.filter(
            unit_id=profile.unit_id, groups__name=Role.COORDINATOR, is_active=True
        ).distinct()
    )


def notify_host(placement: Placement) -> None:
    """A next step for the profile's unit's coordinator, and an e-mail once the proposal is
    committed (code only: identity stays with the participant's unit until a placement is agreed
    and the consent covers it)."""
    if not is_cross_unit(placement):
        return
    coordinators = _host_coordinators(placement)
    for coordinator in coordinators:
        Interaction.objects.create(
            employer=placement.task_profile.employer,
            unit_id=placement.task_profile.unit_id,
            by=coordinator,
            kind="other",
            notes=_("A guide of another unit proposes a participant for a regional profile."),
            next_step=_marker(placement),
            next_step_due=timezone.localdate(),
        )
    _mail_host(placement, coordinators)


def _mail_host(placement: Placement, coordinators: list[User]) -> None:
    emails = [u.email for u in coordinators if u.email]
    if not emails:
        return
    subject = _("Brygga: a proposal from %(unit)s waits for your answer") % {
        "unit": placement.participant.unit.name
    }
    body = _(
        "A guide in %(unit)s proposes participant %(code)s for the regional profile "
        "%(profile)s at %(employer)s.\n\nOpen Brygga to accept or decline the proposal; it cannot "
        "be agreed before you answer."
    ) % {
        "unit": placement.participant.unit.name,
        "code": placement.participant.code,
        "profile": placement.task_profile.title,
        "employer": placement.task_profile.employer.name,
    }
    transaction.on_commit(lambda: send_mail(subject, body, None, emails, fail_silently=True))


def host_pending_for(user: User):
    """Cross-unit proposals waiting for the user's unit to accept."""
    if role_of(user) not in (Role.COORDINATOR, Role.ADMIN):
        return Placement.objects.none()
    qs = Placement.objects.filter(
        status=PlacementStatus.PROPOSED, host_accepted_at__isnull=True
    ).select_related("participant__unit", "task_profile__employer")
    if role_of(user) != Role.ADMIN:
        qs = qs.filter(task_profile__unit_id=user.unit_id)
    return [p for p in qs.order_by("created_at") if is_cross_unit(p)]


@transaction.atomic
def placement_host_answer(
    *, placement: Placement, by: User, accept: bool, note: str = ""
) -> Placement:
    """The profile's unit's coordinator accepts or declines a proposal from another unit."""
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    role = role_of(by)
    if role != Role.ADMIN and (
        role != Role.COORDINATOR or by.unit_id != placement.task_profile.unit_id
    ):
        raise NotAllowed(_("Only the coordinators of the profile's unit may answer."))
    if not awaiting_host(placement):
        raise ValidationError({"status": _("This proposal is not waiting for an answer.")})
    if accept:
        placement.host_accepted_at = timezone.now()
        placement.host_accepted_by = by
        placement.save(update_fields=["host_accepted_at", "host_accepted_by", "updated_at"])
    else:
        placement.status = PlacementStatus.ENDED
        placement.withdraw_reason = WithdrawReason.EMPLOYER_DECLINED
        placement.ended_on = timezone.localdate()
        placement.end_reason = (note or _("Declined by the profile's unit."))[:300]
        placement.save()
    Interaction.objects.filter(
        employer=placement.task_profile.employer,
        unit_id=placement.task_profile.unit_id,
        next_step=_marker(placement),
        next_step_done=False,
    ).update(next_step_done=True, next_step_done_at=timezone.now())
    return placement
