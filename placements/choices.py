from django.db import models
from django.utils.translation import gettext_lazy as _


class PlacementKind(models.TextChoices):
    STUDY_VISIT = "study_visit", _("Study visit")
    PRACTICE = "practice", _("Work practice")
    WORK_TRIAL = "work_trial", _("Work trial")
    EMPLOYMENT = "employment", _("Employment")


class SubsidyType(models.TextChoices):
    NONE = "none", _("No subsidy")
    LONESTOD = "lonestod", _("Wage subsidy (lönestöd)")
    NYSTARTSJOBB = "nystartsjobb", _("Nystartsjobb")
    INTRODUKTIONSJOBB = "introduktionsjobb", _("Introduktionsjobb")
    OTHER = "other", _("Other subsidy")


class PlacementPhase(models.TextChoices):
    FINNA = "finna", _("Find (finna)")
    FA = "fa", _("Get (få)")
    BEHALLA = "behalla", _("Keep (behålla)")


class PlacementStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")
    ONGOING = "ongoing", _("Ongoing")
    ENDED = "ended", _("Ended")


class ExitOutcome(models.TextChoices):
    """Utfall vid avslut, as reported to the ESF."""

    WORK_UNSUBSIDISED = "work_unsubsidised", _("Work without subsidy")
    WORK_SUBSIDISED = "work_subsidised", _("Work with subsidy")
    STUDIES = "studies", _("Studies")
    PRACTICE = "practice", _("In practice")
    PROGRAMME = "programme", _("In a labour-market programme")
    JOB_SEEKING = "job_seeking", _("Job-seeking")
    OTHER = "other", _("Other")


class SixMonthSituation(models.TextChoices):
    """Where the participant is six months after leaving (ESF+ longer-term result)."""

    EMPLOYED = "employed", _("In employment (incl. self-employment)")
    STUDIES = "studies", _("In education or training")
    JOB_SEEKING = "job_seeking", _("Job-seeking")
    OTHER = "other", _("Other")
    NOT_REACHED = "not_reached", _("Could not be reached")


class FollowUpWith(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    SUPERVISOR = "supervisor", _("Supervisor")
    BOTH = "both", _("Participant and supervisor")


class FollowUpStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    RESCHEDULED = "rescheduled", _("Rescheduled")
    CANCELLED = "cancelled", _("Cancelled")


class WithdrawReason(models.TextChoices):
    """Why a proposal was withdrawn before it was agreed (structured, for follow-up statistics)."""

    PARTICIPANT_DECLINED = "participant_declined", _("The participant declined")
    EMPLOYER_DECLINED = "employer_declined", _("The employer declined")
    NOT_SUITABLE = "not_suitable", _("Not a good fit after all")
    SLOT_GONE = "slot_gone", _("The slot went to someone else")
    PARTICIPANT_UNAVAILABLE = "participant_unavailable", _("The participant is not available now")
    OTHER_PLACEMENT = "other_placement", _("Another placement was chosen")
    PARTICIPANT_EXITED = "participant_exited", _("The participant left the programme")
    OTHER = "other", _("Other reason")


OPEN_STATUSES = ("proposed", "agreed", "ongoing")
"""A placement in one of these states blocks another proposal for the same participant and profile."""

STATUS_TRANSITIONS = {
    PlacementStatus.PROPOSED: {PlacementStatus.AGREED, PlacementStatus.ENDED},
    PlacementStatus.AGREED: {PlacementStatus.ONGOING, PlacementStatus.ENDED},
    PlacementStatus.ONGOING: {PlacementStatus.ENDED},
    PlacementStatus.ENDED: set(),
}


class ProjectTargetGroup(models.TextChoices):
    """A project's target groups; each is a participant flag (young: aged 18–24)."""

    YOUNG = "young", _("Young people 18–24")
    NEWLY_ARRIVED = "newly_arrived", _("Newly arrived")
    LONG_TERM_UNEMPLOYED = "long_term_unemployed", _("Long-term unemployed")
    REDUCED_WORK_CAPACITY = "reduced_work_capacity", _("Disability reducing work capacity")
    RETURNING_FROM_SICK_LEAVE = "returning_from_sick_leave", _("Returning from sick leave")


class StartKind(models.TextChoices):
    """A step a funder counts that is not a placement: a start in work, studies or a programme."""

    WORK = "work", _("Work")
    STUDIES = "studies", _("Studies")
    PROGRAMME = "programme", _("Labour-market programme")


# Starts that count as "started work or studies during the project".
WORK_OR_STUDY_STARTS = (StartKind.WORK, StartKind.STUDIES)
