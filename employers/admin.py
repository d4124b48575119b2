from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from employers import models
from employers.services.duplicates import find_possible_duplicates


class SiteInline(admin.StackedInline):
    model = models.Site
    extra = 0
    filter_horizontal = ["offered_adaptations"]
    readonly_fields = ["coordinate_precision", "geocode_status", "geocode_error"]


class ContactInline(admin.TabularInline):
    model = models.ContactPerson
    extra = 0


@admin.register(models.Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ["name", "orgnr", "municipality", "industry", "status", "owner", "unit"]
    list_filter = ["status", "sector", "unit", "municipality"]
    search_fields = ["name", "orgnr"]
    inlines = [SiteInline, ContactInline]
    readonly_fields = ["possible_duplicates"]
    raw_id_fields = ["owner"]

    @admin.display(description=_("Possible duplicates"))
    def possible_duplicates(self, obj):
        if not obj.pk:
            return "–"
        dupes = find_possible_duplicates(
            name=obj.name, municipality_id=obj.municipality_id, exclude_id=obj.pk
        )
        if not dupes:
            return "–"
        return format_html_join(
            ", ",
            '<a href="../../{}/change/">{}</a> ({}%)',
            ((d.employer.pk, d.employer.name, round(d.score)) for d in dupes),
        )


@admin.register(models.Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = [
        "employer",
        "kind",
        "occurred_on",
        "by",
        "next_step",
        "next_step_due",
        "next_step_done",
    ]
    list_filter = ["kind", "next_step_done"]
    search_fields = ["employer__name", "notes", "next_step"]
    raw_id_fields = ["employer", "contact", "by"]


class ProfileSkillInline(admin.TabularInline):
    model = models.TaskProfileSkill
    extra = 0
    raw_id_fields = ["skill"]


class OcnRequirementInline(admin.TabularInline):
    model = models.TaskProfileOcnRequirement
    extra = 0


class KgaRequirementInline(admin.TabularInline):
    model = models.TaskProfileKgaRequirement
    extra = 0


@admin.register(models.TaskProfile)
class TaskProfileAdmin(admin.ModelAdmin):
    list_display = ["title", "employer", "kind", "status", "slots_total", "slots_taken"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "employer__name"]
    inlines = [ProfileSkillInline, OcnRequirementInline, KgaRequirementInline]
    filter_horizontal = ["offered_adaptations"]
    raw_id_fields = ["employer", "site", "occupation", "change_of", "requested_by"]
    readonly_fields = ["slots_taken", "status"]


@admin.register(models.EmployerMembership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "employer"]
    raw_id_fields = ["user", "employer"]


admin.site.register(models.Site)
admin.site.register(models.ContactPerson)


@admin.register(models.HistoricalAd)
class HistoricalAdAdmin(admin.ModelAdmin):
    """Imported ads are read here; they change only by importing (``import_historical_ads``)."""

    list_display = ["published_on", "employer_name", "orgnr", "ssyk", "municipality", "vacancies"]
    list_filter = ["region", "ssyk"]
    search_fields = ["employer_name", "orgnr", "headline"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
