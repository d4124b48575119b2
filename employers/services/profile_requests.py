"""Profiles asked for by employer users in the portal, routed to their coordinator and handled."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import throttle
from core.choices import Role
from core.exceptions import NotAllowed, TooManyRequests
from core.models import User
from core.roles import role_of
from employers.choices import ProfileStatus
from employers.models import Employer, EmployerMembership, Interaction, TaskProfile
from employers.services._shared import ensure_own_unit
from employers.services.profiles import validate_profile


@transaction.atomic
def task_profile_request(
    *,
    employer_user: User,
    title: str,
    description: str = "",
    change_of: TaskProfile | None = None,
    **data,
) -> TaskProfile:
    """An employer user asks for a new profile, or a change to one of theirs. It reaches the
    coordinator as a draft (copy), never live. Each request e-mails the coordinators, so a user
    may send at most ``PROFILE_REQUEST_RATE`` per window (``TooManyRequests`` beyond it)."""
    membership = (
        EmployerMembership.objects.filter(user=employer_user).select_related("employer").first()
    )
    if membership is None or role_of(employer_user) != Role.EMPLOYER:
        raise NotAllowed(_("Only employer users can ask for profiles."))
    employer = membership.employer
    if change_of is not None and change_of.employer_id != employer.pk:
        raise NotAllowed(_("That profile belongs to another employer."), field="change_of")
    site = data.get("site") or (
        change_of.site if change_of else employer.sites.order_by("pk").first()
    )
    if site is None:
        raise ValidationError(
            {"site": _("Your organisation has no site yet; contact your coordinator.")}
        )
    profile = TaskProfile(
        employer=employer,
        site=site,
        title=title,
        description=description,
        status=ProfileStatus.DRAFT,
        requested_by=employer_user,
        request_note=data.get("request_note", ""),
        change_of=change_of,
    )
    for field in (
        "kind",
        "hours_min",
        "hours_max",
        "slots_total",
        "schedule_notes",
        "start_time",
        "end_time",
        "period_start",
        "period_end",
    ):
        if field in data and data[field] is not None:
            setattr(profile, field, data[field])
        elif change_of is not None:
            setattr(profile, field, getattr(change_of, field))
    validate_profile(profile)
    profile.full_clean()
    # Counted only once the request is valid, and before anything is saved or e-mailed.
    if not throttle.profile_request_take(user_id=employer_user.pk):
        rate = throttle.profile_request_rate()
        raise TooManyRequests(
            _(
                "You can send at most %(limit)s profile requests in %(minutes)s minutes, and "
                "your coordinator already has them. Try again later, or contact your "
                "coordinator directly."
            )
            % {"limit": rate.limit, "minutes": rate.window // 60}
        )
    profile.save()
    if change_of is not None:
        profile.offered_adaptations.set(change_of.offered_adaptations.all())
    _route_request(profile)
    return profile


def _request_recipients(employer: Employer) -> list[User]:
    """The employer's own coordinator; without one, every active coordinator of the unit."""
    if employer.owner_id and employer.owner.is_active:
        return [employer.owner]
    return list(
        User.objects.filter(
            unit_id=employer.unit_id, groups__name=Role.COORDINATOR, is_active=True
        ).distinct()
    )


def _route_request(profile: TaskProfile) -> None:
    """An employer's request reaches the coordinator: an e-mail (after commit) and a next step on
    the coordinator's list, which stays open until the request is handled."""
    from django.core.mail import send_mail

    employer = profile.employer
    recipients = _request_recipients(employer)
    for coordinator in recipients:
        Interaction.objects.create(
            employer=employer,
            by=coordinator,
            kind="other",
            notes=_("Request from %(who)s in the portal: %(title)s. %(note)s")
            % {
                "who": profile.requested_by.get_full_name() or profile.requested_by.get_username(),
                "title": profile.title,
                "note": profile.request_note,
            },
            next_step=(_("Request from the employer: %(title)s") % {"title": profile.title})[:300],
        )
    emails = [u.email for u in recipients if u.email]
    if emails:
        subject = _("Request from %(employer)s: %(title)s") % {
            "employer": employer.name,
            "title": profile.title,
        }
        body = _(
            "%(employer)s asks for a task profile in Brygga: %(title)s.\n\n%(note)s\n\n"
            "Open the employer's page to handle it."
        ) % {"employer": employer.name, "title": profile.title, "note": profile.request_note}
        transaction.on_commit(lambda: send_mail(subject, body, None, emails, fail_silently=True))


@transaction.atomic
def task_profile_request_handle(*, profile: TaskProfile, by: User) -> TaskProfile:
    """The coordinator has taken care of an employer's request: the badge goes and the next step
    on the list is done."""
    ensure_own_unit(by, profile.unit_id)
    if profile.requested_by_id is None:
        raise ValidationError({"profile": _("This profile was not requested by the employer.")})
    if profile.request_handled_at is None:
        profile.request_handled_at = timezone.now()
        profile.request_handled_by = by
        profile.save(update_fields=["request_handled_at", "request_handled_by", "updated_at"])
        # The next step was written in the employer user's language; match it in either.
        from django.utils.translation import override

        markers = []
        for language in ("sv", "en"):
            with override(language):
                text = _("Request from the employer: %(title)s") % {"title": profile.title}
            markers.append(text[:300])
        Interaction.objects.filter(
            employer=profile.employer, next_step__in=markers, next_step_done=False
        ).update(next_step_done=True, next_step_done_at=timezone.now())
    return profile
