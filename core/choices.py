from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles are Django groups of the same name, created by a migration with their permissions."""

    COORDINATOR = "coordinator", _("Employer coordinator")
    GUIDE = "guide", _("Job guide")
    EMPLOYER = "employer", _("Employer user")
    MANAGER = "manager", _("Unit manager")
    ADMIN = "admin", _("Administrator")
    REGIONAL_ADMIN = "regional_admin", _("Regional administrator")


STAFF_ROLES = (Role.COORDINATOR, Role.GUIDE, Role.MANAGER, Role.ADMIN, Role.REGIONAL_ADMIN)


class CoordinatePrecision(models.TextChoices):
    NONE = "none", _("No coordinates")
    MANUAL = "manual", _("Entered by hand")
    ADDRESS = "address", _("Address (online geocoder)")
    LOCALITY = "locality", _("Locality centre")
    MUNICIPALITY = "municipality", _("Municipality centre")


class GeocodeStatus(models.TextChoices):
    NOT_REQUESTED = "not_requested", _("Not requested")
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class AdaptationCategory(models.TextChoices):
    ACCESS = "access", _("Physical access")
    ENVIRONMENT = "environment", _("Work environment")
    INSTRUCTIONS = "instructions", _("Instructions and communication")
    TIME = "time", _("Working time and pace")
    SUPPORT = "support", _("Support from people")
    AIDS = "aids", _("Aids and equipment")


class LicenceKind(models.TextChoices):
    DRIVING = "driving", _("Driving licence")
    MACHINE = "machine", _("Machine or forklift card")
    LEGITIMATION = "legitimation", _("Professional legitimation")


class SwedishLevel(models.IntegerChoices):
    """One ordinal scale for Swedish: SFI courses A–D and CEFR, so requirements compare by number."""

    NONE = 0, _("No Swedish")
    SFI_A = 1, _("SFI A (≈ A1)")
    SFI_B = 2, _("SFI B (≈ A1/A2)")
    SFI_C = 3, _("SFI C (≈ A2/B1)")
    SFI_D = 4, _("SFI D (≈ B1)")
    CEFR_B2 = 5, _("B2")
    CEFR_C1 = 6, _("C1")
    NATIVE = 7, _("Native / C2")


class OcnLevel(models.IntegerChoices):
    LEVEL_1 = 1, _("Level 1")
    LEVEL_2 = 2, _("Level 2")
    LEVEL_3 = 3, _("Level 3")
