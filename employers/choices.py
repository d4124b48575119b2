from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    PRIVATE = "private", _("Private")
    PUBLIC = "public", _("Public")
    NON_PROFIT = "non_profit", _("Non-profit")


class SizeClass(models.TextChoices):
    MICRO = "micro", _("1–9 employees")
    SMALL = "small", _("10–49 employees")
    MEDIUM = "medium", _("50–249 employees")
    LARGE = "large", _("250+ employees")


class EmployerStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


class ContactRole(models.TextChoices):
    MANAGER = "manager", _("Manager")
    HR = "hr", _("HR")
    SUPERVISOR = "supervisor", _("Supervisor")
    OWNER = "owner", _("Owner")
    OTHER = "other", _("Other role")


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message")
    VISIT = "visit", _("Visit")


class InteractionKind(models.TextChoices):
    CALL = "call", _("Call")
    EMAIL = "email", _("E-mail")
    VISIT = "visit", _("Visit")
    STUDY_VISIT = "study_visit", _("Study visit")
    NETWORK_MEETING = "network_meeting", _("Network meeting")
    OTHER = "other", _("Other")


class ProfileKind(models.TextChoices):
    STUDY_VISIT = "study_visit", _("Study visit")
    PRACTICE = "practice", _("Work practice")
    WORK_TRIAL = "work_trial", _("Work trial")
    EMPLOYMENT = "employment", _("Employment")


class ProfileStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    PAUSED = "paused", _("Paused")
    FILLED = "filled", _("Filled")
    CLOSED = "closed", _("Closed")


class PhysicalDemand(models.TextChoices):
    LIGHT = "light", _("Light")
    MODERATE = "moderate", _("Moderate")
    HEAVY = "heavy", _("Heavy")


# Allowed status changes of a task profile. Closed is final.
PROFILE_TRANSITIONS: dict[str, frozenset[str]] = {
    ProfileStatus.DRAFT: frozenset({ProfileStatus.OPEN, ProfileStatus.CLOSED}),
    ProfileStatus.OPEN: frozenset(
        {ProfileStatus.PAUSED, ProfileStatus.FILLED, ProfileStatus.CLOSED}
    ),
    ProfileStatus.PAUSED: frozenset({ProfileStatus.OPEN, ProfileStatus.CLOSED}),
    ProfileStatus.FILLED: frozenset({ProfileStatus.OPEN, ProfileStatus.CLOSED}),
    ProfileStatus.CLOSED: frozenset(),
}
