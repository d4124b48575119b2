from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    """For statistics only: never a matching feature."""

    WOMAN = "kvinna", _("Woman")
    MAN = "man", _("Man")
    OTHER = "annat", _("Other")
    UNKNOWN = "uppgift_saknas", _("Not stated")


class Phase(models.TextChoices):
    FINNA = "finna", _("Find (finna)")
    FA = "fa", _("Get (få)")
    BEHALLA = "behalla", _("Keep (behålla)")
    EXITED = "exited", _("Exited")


class ParticipantState(models.TextChoices):
    """Where the participant stands in the programme, as one value (``matching.participants.selectors.
    participant_state`` decides it; every page and the API show that one)."""

    IN_MATCHING = "in_matching", _("Active in matching")
    BACK_IN_MATCHING = "back_in_matching", _("Back in matching")
    PAUSED = "paused", _("Matching paused")
    EXITED = "exited", _("Exited")


class CommuteMeans(models.TextChoices):
    WALK = "walk", _("Walking")
    BIKE = "bike", _("Bicycle")
    PUBLIC_TRANSPORT = "public_transport", _("Public transport")
    CAR = "car", _("Car")


class Weekday(models.TextChoices):
    MON = "mon", _("Monday")
    TUE = "tue", _("Tuesday")
    WED = "wed", _("Wednesday")
    THU = "thu", _("Thursday")
    FRI = "fri", _("Friday")
    SAT = "sat", _("Saturday")
    SUN = "sun", _("Sunday")


class SkillSource(models.TextChoices):
    SELF_REPORTED = "self_reported", _("Self-reported")
    OBSERVED = "observed", _("Observed at practice")
    VALIDATED = "validated", _("Validated")


class LanguageLevel(models.TextChoices):
    BASIC = "basic", _("Basic")
    GOOD = "good", _("Good")
    FLUENT = "fluent", _("Fluent")
    NATIVE = "native", _("Mother tongue")


class OcnStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ASSESSED = "assessed", _("Assessed")
    INTERNALLY_ASSURED = "internally_assured", _("Internally quality-assured")
    EXTERNALLY_VERIFIED = "externally_verified", _("Externally verified")
    CERTIFIED = "certified", _("Certificate issued")


OCN_ORDER = [
    OcnStatus.REGISTERED,
    OcnStatus.ASSESSED,
    OcnStatus.INTERNALLY_ASSURED,
    OcnStatus.EXTERNALLY_VERIFIED,
    OcnStatus.CERTIFIED,
]


class ConsentScope(models.TextChoices):
    """Kinds of information a consent can cover."""

    IDENTITY = "identity", _("Name and contact details")
    SKILLS = "skills", _("Skills and experience")
    VALIDATIONS = "validations", _("Validations (OCN, KGA)")
    ADAPTATION_NEEDS = "adaptation_needs", _("Adaptation needs")
    PLACEMENT = "placement", _("Placement plan, goals and follow-ups")
    SUS = "sus_registration", _("Registration in SUS (coordination association)")


class ConsentMethod(models.TextChoices):
    SIGNED_PAPER = "signed_paper", _("Signed on paper")
    DIGITAL = "digital", _("Digitally, through the participant's link")
    VERBAL = "verbal", _("Verbal, with the guide as witness")


# --- SUS (Samordningsförbundens uppföljningssystem), issue 15 --------------------------------


class SusEmployment(models.TextChoices):
    """Sysselsättning before and after the insats, as SUS asks for it."""

    UNEMPLOYED = "arbetslos", _("Unemployed")
    EMPLOYED = "anstalld", _("Employed without subsidy")
    EMPLOYED_SUBSIDISED = "anstalld_med_stod", _("Employed with wage subsidy")
    SELF_EMPLOYED = "eget_foretag", _("Self-employed")
    STUDIES = "studier", _("Studying")
    PROGRAMME = "arbetsmarknadsinsats", _("In a labour-market programme")
    SICK_LEAVE = "sjukskriven", _("On sick leave")
    NOT_IN_WORKFORCE = "utanfor", _("Outside the labour force")
    OTHER = "annat", _("Other")
    UNKNOWN = "uppgift_saknas", _("Not known")


class SusIncome(models.TextChoices):
    """Huvudsaklig försörjning (main source of income) before and after."""

    WAGES = "lon", _("Wages")
    SOCIAL_ASSISTANCE = "ekonomiskt_bistand", _("Social assistance (ekonomiskt bistånd)")
    SICKNESS_BENEFIT = "sjukpenning", _("Sickness benefit (sjukpenning)")
    ACTIVITY_COMPENSATION = (
        "sjuk_aktivitetsersattning",
        _("Sickness or activity compensation (sjuk-/aktivitetsersättning)"),
    )
    ACTIVITY_GRANT = "aktivitetsstod", _("Activity grant (aktivitetsstöd)")
    UNEMPLOYMENT_BENEFIT = "a_kassa", _("Unemployment benefit (a-kassa)")
    ESTABLISHMENT_BENEFIT = "etableringsersattning", _("Establishment benefit")
    STUDY_GRANT = "studiemedel", _("Student aid (studiemedel)")
    NONE = "ingen", _("No income of one's own")
    OTHER = "annat", _("Other")
    UNKNOWN = "uppgift_saknas", _("Not known")


class EducationLevel(models.TextChoices):
    """Highest completed education (SUN levels as SUS groups them)."""

    PRIMARY_SHORT = "forgymnasial_kort", _("Compulsory school, less than 9 years")
    PRIMARY = "forgymnasial", _("Compulsory school, 9 (10) years")
    UPPER_SECONDARY = "gymnasial", _("Upper secondary school")
    POST_SECONDARY_SHORT = "eftergymnasial_kort", _("Post-secondary, less than 3 years")
    POST_SECONDARY = "eftergymnasial", _("Post-secondary, 3 years or more")
    UNKNOWN = "uppgift_saknas", _("Not known")


class SusExitReason(models.TextChoices):
    """Reason for leaving (avslutsorsak) in SUS's categories."""

    WORK = "arbete", _("Work")
    STUDIES = "studier", _("Studies")
    OTHER_EFFORT = "annan_insats", _("Moved on to another effort")
    PLANNED = "planerat", _("Planned end of the effort")
    ILL_HEALTH = "ohalsa", _("Ill health")
    OWN_REQUEST = "egen_begaran", _("Ended at own request")
    NO_CONTACT = "ej_kontakt", _("No contact")
    MOVED = "flytt", _("Moved away")
    OTHER = "annat", _("Other")


# --- progression (stegförflyttning), issue 15 ---------------------------------------------------


class MeasurementKind(models.TextChoices):
    START = "start", _("At enrolment")
    INTERVAL = "interval", _("Interval")
    EXIT = "exit", _("At exit")


class Rater(models.TextChoices):
    PARTICIPANT = "participant", _("The participant")
    GUIDE = "guide", _("The guide")


class AnswerSource(models.TextChoices):
    LINK = "link", _("Answered through the personal link")
    PAPER = "paper", _("Printed form, entered by the guide")
    STAFF = "staff", _("The guide's own rating")


class RecipientKind(models.TextChoices):
    """Who a consent lets information go to."""

    EMPLOYER = "employer", _("An employer")
    SOCIAL_SERVICES = "social_services", _("Social services")
    HEALTH_CARE = "health_care", _("Health care")
    EMPLOYMENT_SERVICE = "employment_service", _("The Public Employment Service")
    SOCIAL_INSURANCE = "social_insurance", _("The Social Insurance Agency")
    OTHER_UNIT = "other_unit", _("Another labour-market unit")


class InvitationDecision(models.TextChoices):
    PENDING = "pending", _("Not answered")
    GRANTED = "granted", _("Yes")
    REFUSED = "refused", _("No")


class InvitationState(models.TextChoices):
    PENDING = "pending", _("Waiting for the participant")
    ANSWERED = "answered", _("Answered")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PRINT = "print", _("Printed letter with code and QR code")
