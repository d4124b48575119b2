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


class ConsentMethod(models.TextChoices):
    SIGNED_PAPER = "signed_paper", _("Signed on paper")
    DIGITAL = "digital", _("Digitally, through the participant's link")
    VERBAL = "verbal", _("Verbal, with the guide as witness")


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
