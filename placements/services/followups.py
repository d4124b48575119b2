"""Follow-ups: planned, recorded and rescheduled with their history; the employer's confirmation
in the portal; the daily reminders to guides."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import Role
from core.exceptions import DomainError, Forbidden, InvalidTransition
from core.models import User
from core.roles import role_of
from employers.models import EmployerMembership
from matching.participants.services.participants import ensure_can_edit
from placements import rules
from placements.choices import FollowUpStatus, FollowUpWith, PlacementStatus
from placements.models import FollowUp, Placement, ReminderSent


@transaction.atomic
def followup_create(
    *, placement: Placement, by: User, planned_on: dt.date, with_whom: str = FollowUpWith.BOTH
) -> FollowUp:
    ensure_can_edit(by, placement.participant)
    if placement.status == PlacementStatus.ENDED:
        raise InvalidTransition(_("The placement has ended."))
    rules.check_dates("followup_plan", placement, planned_on=planned_on)
    row = FollowUp(placement=placement, planned_on=planned_on, with_whom=with_whom)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def followup_record(
    *,
    followup: FollowUp,
    by: User,
    done_on: dt.date,
    with_whom: str | None = None,
    rating_tasks: int | None = None,
    rating_social: int | None = None,
    rating_attendance: int | None = None,
    notes: str = "",
    next_actions: str = "",
) -> FollowUp:
    followup = (
        FollowUp.objects.select_for_update()
        .select_related("placement__participant")
        .get(pk=followup.pk)
    )
    ensure_can_edit(by, followup.placement.participant)
    if not rules.followup_allows(followup, "record"):
        raise InvalidTransition(_("This follow-up was rescheduled or cancelled."))
    rules.check_dates("followup_record", followup.placement, done_on=done_on)
    if (
        rating_tasks is None
        and rating_social is None
        and rating_attendance is None
        and not (notes or "").strip()
    ):
        # An untouched form must not become a “done” follow-up with made-up ratings.
        raise ValidationError(
            _("Record how it went: give at least one rating (1–5) or write a note.")
        )
    followup.status, followup.done_on, followup.done_by = FollowUpStatus.DONE, done_on, by
    followup.with_whom = with_whom or followup.with_whom
    followup.rating_tasks, followup.rating_social, followup.rating_attendance = (
        rating_tasks,
        rating_social,
        rating_attendance,
    )
    followup.notes, followup.next_actions = notes, next_actions
    followup.full_clean()
    followup.save()
    return followup


@transaction.atomic
def followup_reschedule(
    *, followup: FollowUp, by: User, planned_on: dt.date, reason: str = ""
) -> FollowUp:
    """Move a planned follow-up, with a reason; the old one stays (rescheduled, with who, when and
    why) and the new one links to it, so the history of moves is kept."""
    followup = (
        FollowUp.objects.select_for_update()
        .select_related("placement__participant")
        .get(pk=followup.pk)
    )
    ensure_can_edit(by, followup.placement.participant)
    if not rules.followup_allows(followup, "reschedule"):
        raise InvalidTransition(_("Only a planned follow-up can be rescheduled."))
    if planned_on == followup.planned_on:
        raise ValidationError({"planned_on": _("Choose another date.")})
    rules.check_dates("followup_plan", followup.placement, planned_on=planned_on)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the follow-up is moved.")})
    followup.status = FollowUpStatus.RESCHEDULED
    followup.reschedule_reason = reason.strip()[:300]
    followup.rescheduled_by, followup.rescheduled_at = by, timezone.now()
    followup.save()
    new = FollowUp(
        placement=followup.placement,
        planned_on=planned_on,
        with_whom=followup.with_whom,
        rescheduled_from=followup,
    )
    new.full_clean()
    new.save()
    return new


class NoPortalUser(DomainError):
    """The employer has nobody in the portal, so nobody there could confirm."""

    default_message = "The employer has no user in the portal, so nobody there can confirm."


def employer_has_portal_user(employer_id: int) -> bool:
    """Can anyone at the employer confirm in the portal (an active employer user)?"""
    return EmployerMembership.objects.filter(employer_id=employer_id, user__is_active=True).exists()


@transaction.atomic
def followup_request_confirmation(*, followup: FollowUp, by: User) -> FollowUp:
    """Ask the employer's supervisor to confirm the follow-up; the employer portal then lists it
    with a confirm button. Refused when the employer has no portal user: the request would wait
    for ever."""
    followup = (
        FollowUp.objects.select_for_update()
        .select_related("placement__participant", "placement__task_profile__employer")
        .get(pk=followup.pk)
    )
    ensure_can_edit(by, followup.placement.participant)
    if not rules.followup_allows(followup, "request_confirmation"):
        raise InvalidTransition(
            _("This follow-up is already confirmed, already asked for, or no longer planned.")
        )
    employer = followup.placement.task_profile.employer
    if not employer_has_portal_user(employer.pk):
        raise NoPortalUser(
            _(
                "%(e)s has no user in the employer portal, so nobody there can confirm. Ask the "
                "coordinator to invite the supervisor, or note the confirmation in the follow-up."
            )
            % {"e": employer.name}
        )
    followup.confirmation_requested_at, followup.confirmation_requested_by = timezone.now(), by
    followup.save(update_fields=["confirmation_requested_at", "confirmation_requested_by"])
    return followup


@transaction.atomic
def followup_confirm_by_employer(*, followup: FollowUp, by: User) -> FollowUp:
    """The employer's supervisor confirms a follow-up (date and that it takes/took place)."""
    followup = (
        FollowUp.objects.select_for_update()
        .select_related("placement__task_profile")
        .get(pk=followup.pk)
    )
    if (
        role_of(by) != Role.EMPLOYER
        or not EmployerMembership.objects.filter(
            user=by, employer_id=followup.placement.task_profile.employer_id
        ).exists()
    ):
        raise Forbidden(_("Only the employer's own users can confirm."))
    if followup.confirmed_at is not None:
        raise InvalidTransition(_("Already confirmed."))
    if not rules.followup_allows(followup, "confirm"):
        raise InvalidTransition(_("This follow-up was rescheduled or cancelled."))
    followup.confirmed_by, followup.confirmed_at = by, timezone.now()
    followup.save(update_fields=["confirmed_by", "confirmed_at"])
    return followup


def send_followup_reminders(*, today: dt.date | None = None) -> int:
    """E-mail each guide their follow-ups due today and overdue; at most once a day per follow-up."""
    today = today or timezone.localdate()
    due = (
        FollowUp.objects.filter(
            status=FollowUpStatus.PLANNED,
            planned_on__lte=today,
            placement__status__in=[PlacementStatus.AGREED, PlacementStatus.ONGOING],
        )
        .exclude(reminders__sent_on=today)
        .exclude(placement__imported=True)  # imported history is never reminded
        .select_related(
            "placement__guide", "placement__participant", "placement__task_profile__employer"
        )
        .order_by("planned_on", "pk")
    )
    by_guide: dict[User, list[FollowUp]] = defaultdict(list)
    for followup in due:
        if followup.placement.guide.email:
            by_guide[followup.placement.guide].append(followup)
    sent = 0
    for guide, followups in by_guide.items():
        lines = [
            f"- {f.planned_on:%Y-%m-%d} {'(' + _('overdue') + ') ' if f.planned_on < today else ''}{f.placement.participant.code}, "
            f"{f.placement.task_profile.employer.name}: {f.placement.task_profile.title}"
            for f in followups
        ]
        with transaction.atomic():
            created = [ReminderSent(followup=f, sent_on=today, to=guide.email) for f in followups]
            ReminderSent.objects.bulk_create(created, ignore_conflicts=True)
            send_mail(
                subject=_("Brygga: %(n)s follow-ups to do") % {"n": len(followups)},
                message=_("Follow-ups due today or overdue:") + "\n" + "\n".join(lines) + "\n",
                from_email=None,
                recipient_list=[guide.email],
            )
        sent += 1
    return sent
