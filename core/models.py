"""Users, units, geography and the shared vocabularies (taxonomy, adaptations, validation references).

These are referenced by every other app; keeping them here avoids cycles between the domain apps.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import AdaptationCategory, LicenceKind, OcnLevel


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class County(models.Model):
    """A Swedish county (län) with its official two-digit code."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """A Swedish municipality (kommun) with its official four-digit code and a centre point."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="municipalities")
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class Locality(models.Model):
    """A populated place (tätort/ort) with coordinates, from the offline gazetteer."""

    name = models.CharField(_("name"), max_length=100, db_index=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="localities"
    )
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    population = models.PositiveIntegerField(_("population"), default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("locality")
        verbose_name_plural = _("localities")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "municipality"],
                name="locality_unique_name_per_municipality",
                violation_error_message=_("This locality already exists in the municipality."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality.name})"


class Region(TimeStampedModel):
    """A region (usually a county) whose units work together: one employer register per region,
    regional task profiles and participants open for regional matching. Nothing crosses a region."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    county = models.OneToOneField(
        County,
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="region",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    @property
    def county_code(self) -> str:
        return self.county_id or ""


DEFAULT_REGION_NAME = "Standardregion"


def default_region_id() -> int:
    """The region a unit lands in when none is given (one region for a single-unit installation)."""
    region, _created = Region.objects.get_or_create(name=DEFAULT_REGION_NAME)
    return region.pk


class Unit(TimeStampedModel):
    """An AME/AMIE unit serving one or more municipalities; every staff user and record belongs to one.
    Units of one region share its employer register and regional profiles."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="units",
        default=default_region_id,
    )
    municipalities = models.ManyToManyField(Municipality, related_name="units", blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in. Staff belong to a unit; employer users belong to one employer
    (``employers.EmployerMembership``). The role is the user's group (see ``core.roles``)."""

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(
        _("language"), max_length=5, default="sv", choices=[("sv", "Svenska"), ("en", "English")]
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def save(self, *args, **kwargs) -> None:
        """A new password ends the user's API tokens, as the session hash ends their other web
        sessions, whichever way it was set: the change-password page, a reset link, the admin,
        ``manage.py changepassword``. ``_password`` is set by ``set_password`` (and cleared by
        Django's own re-hash on login, which is no change and keeps the tokens); an unusable
        password (sign-in by password switched off) also ends them."""
        update_fields = kwargs.get("update_fields")
        new_password = (
            not self._state.adding
            and (update_fields is None or "password" in update_fields)
            and (self._password is not None or not self.has_usable_password())
        )
        super().save(*args, **kwargs)
        if new_password:
            from core.security.authentication import api_tokens_revoke

            api_tokens_revoke(user=self)

    @property
    def role(self) -> str | None:
        from core.roles import role_of

        return role_of(self)


# --- Taxonomy ---------------------------------------------------------------------------------


class SsykGroup(models.Model):
    """An SSYK 2012 group (levels 1, 2 and 4 are imported)."""

    code = models.CharField(_("SSYK code"), max_length=4, primary_key=True)
    label = models.CharField(_("label"), max_length=300)
    level = models.PositiveSmallIntegerField(_("level"))
    concept_id = models.CharField(_("taxonomy id"), max_length=40, blank=True, db_index=True)
    definition = models.TextField(_("definition"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("SSYK group")
        verbose_name_plural = _("SSYK groups")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class Occupation(models.Model):
    """An occupation name (yrkesbenämning) with its SSYK 2012 group and synonyms."""

    label = models.CharField(_("label"), max_length=300)
    concept_id = models.CharField(
        _("taxonomy id"), max_length=40, unique=True, null=True, blank=True
    )
    ssyk = models.ForeignKey(
        SsykGroup, on_delete=models.PROTECT, related_name="occupations", null=True, blank=True
    )
    synonyms = models.JSONField(_("synonyms"), default=list, blank=True)
    no_education_required = models.BooleanField(_("no educational requirement"), default=False)

    class Meta:
        ordering = ["label"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")

    def __str__(self) -> str:
        return self.label


class OccupationSubstitution(models.Model):
    """Taxonomy relation: someone in ``from_occupation`` can substitute in ``to_occupation``."""

    from_occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="substitutes_out"
    )
    to_occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="substitutes_in"
    )
    percentage = models.PositiveSmallIntegerField(
        _("substitutability %"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_occupation", "to_occupation"], name="substitution_unique_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_occupation} → {self.to_occupation} ({self.percentage} %)"


class Skill(models.Model):
    """A skill/competence concept with Swedish label and synonyms; free text normalises to these."""

    label = models.CharField(_("label"), max_length=300, db_index=True)
    concept_id = models.CharField(
        _("taxonomy id"), max_length=40, unique=True, null=True, blank=True
    )
    synonyms = models.JSONField(_("synonyms"), default=list, blank=True)
    label_en = models.CharField(_("English label"), max_length=300, blank=True)

    class Meta:
        ordering = ["label"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.label


class Industry(models.Model):
    """An SNI 2007 section (level 1, a letter) or division (level 2, two digits)."""

    code = models.CharField(_("SNI code"), max_length=6, primary_key=True)
    label = models.CharField(_("label"), max_length=300)
    level = models.PositiveSmallIntegerField(_("level"))
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    concept_id = models.CharField(_("taxonomy id"), max_length=40, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class Adaptation(models.Model):
    """One item of the shared adaptation vocabulary: participants *need* these, sites and profiles
    *offer* them, and matching compares the two sets."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    label = models.CharField(_("label"), max_length=200)
    label_en = models.CharField(_("English label"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=AdaptationCategory.choices)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["category", "label"]
        verbose_name = _("adaptation")
        verbose_name_plural = _("adaptations")

    def __str__(self) -> str:
        return self.label


class Licence(models.Model):
    """A licence or legitimation a job may require and a person may hold: driving-licence classes
    (Transportstyrelsen), forklift cards (TLP10), legitimations (Socialstyrelsen, Skolverket). A
    profile that requires one excludes whoever does not hold it; it is never a score. A licence
    ``includes`` those it gives the right to as well (class CE includes C and B), so a profile
    that requires B accepts a holder of CE."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("label"), max_length=200)
    label_en = models.CharField(_("English label"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=LicenceKind.choices)
    issuer = models.CharField(_("issued by"), max_length=100, blank=True)
    # How job ads name it (JobTech's driving-licence labels are the class: "B", "CE").
    ad_label = models.CharField(_("label in job ads"), max_length=40, blank=True)
    includes = models.ManyToManyField(
        "self",
        verbose_name=_("includes"),
        symmetrical=False,
        blank=True,
        related_name="included_in",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "order", "label"]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")

    def __str__(self) -> str:
        return self.label


# --- Validation references (records of OCN cases and KGA assessments live in matching) -------


class OcnProgramme(models.Model):
    """An approved OCN programme plan (e.g. 'Lager och logistik'), made of modules."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    occupational_area = models.CharField(_("occupational area"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("OCN programme plan")
        verbose_name_plural = _("OCN programme plans")

    def __str__(self) -> str:
        return self.name


class OcnModule(models.Model):
    """A module of an OCN programme plan: learning outcomes and assessment criteria at a level.
    A competence certificate is issued per approved module; the listed skills become validated."""

    programme = models.ForeignKey(OcnProgramme, on_delete=models.CASCADE, related_name="modules")
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=OcnLevel.choices)
    credits = models.PositiveSmallIntegerField(_("credits"), default=1)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    learning_outcomes = models.TextField(_("learning outcomes"), blank=True)
    assessment_criteria = models.TextField(_("assessment criteria"), blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="ocn_modules")

    class Meta:
        ordering = ["programme", "code"]
        verbose_name = _("OCN module")
        verbose_name_plural = _("OCN modules")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="ocnmodule_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.programme.name}: {self.name} (nivå {self.level})"


class KgaCompetence(models.Model):
    """One of KGA's basic competences (configurable list, eight by default)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("KGA competence")
        verbose_name_plural = _("KGA competences")

    def __str__(self) -> str:
        return self.name


class KgaScale(models.Model):
    """The KGA level scale for the installation (singleton, default 1–4)."""

    min_level = models.PositiveSmallIntegerField(_("lowest level"), default=1)
    max_level = models.PositiveSmallIntegerField(_("highest level"), default=4)

    class Meta:
        verbose_name = _("KGA scale")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_level__gt=models.F("min_level")),
                name="kgascale_max_above_min",
                violation_error_message=_("The highest level must be above the lowest."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.min_level}–{self.max_level}"

    @classmethod
    def current(cls) -> KgaScale:
        scale = cls.objects.order_by("pk").first()
        return scale or cls(min_level=1, max_level=4)


class PostalCode(models.Model):
    """Optional import (postal code → locality → municipality), used to place an address."""

    code = models.CharField(_("postal code"), max_length=5, primary_key=True)
    locality_name = models.CharField(_("locality"), max_length=100)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["code"]
        verbose_name = _("postal code")
        verbose_name_plural = _("postal codes")

    def __str__(self) -> str:
        return f"{self.code} {self.locality_name}"


from core.outbox import OutboxMessage  # noqa: E402,F401  (registered with the app)
from core.retention import RetentionRun  # noqa: E402,F401  (registered with the app)
