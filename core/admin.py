from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from core import models


@admin.register(models.User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Brygga"), {"fields": ("unit", "phone", "language")}),
    )
    list_display = ("username", "email", "first_name", "last_name", "unit", "is_active")
    list_filter = ("groups", "unit", "is_active")


@admin.register(models.Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "county")
    search_fields = ["name"]


@admin.register(models.Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "email", "phone")
    list_filter = ("region",)
    search_fields = ["name"]
    filter_horizontal = ["municipalities"]


@admin.register(models.Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "county", "latitude", "longitude")
    list_filter = ("county",)
    search_fields = ("name", "code")


@admin.register(models.Locality)
class LocalityAdmin(admin.ModelAdmin):
    list_display = ("name", "municipality", "population")
    search_fields = ("name",)
    list_select_related = ("municipality",)


@admin.register(models.Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("label", "concept_id")
    search_fields = ("label", "concept_id")


@admin.register(models.Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ("label", "ssyk", "no_education_required")
    search_fields = ("label", "ssyk__code")
    list_filter = ("no_education_required",)
    raw_id_fields = ("ssyk",)


@admin.register(models.Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "level")
    list_filter = ("level",)
    search_fields = ("code", "label")


@admin.register(models.Adaptation)
class AdaptationAdmin(admin.ModelAdmin):
    list_display = ("label", "code", "category", "active")
    list_filter = ("category", "active")
    search_fields = ("label", "code")


@admin.register(models.Licence)
class LicenceAdmin(admin.ModelAdmin):
    list_display = ("label", "code", "kind", "issuer", "active")
    list_filter = ("kind", "active")
    search_fields = ("label", "code", "ad_label")
    filter_horizontal = ("includes",)


class OcnModuleInline(admin.TabularInline):
    model = models.OcnModule
    extra = 0


@admin.register(models.OcnProgramme)
class OcnProgrammeAdmin(admin.ModelAdmin):
    inlines = [OcnModuleInline]
    search_fields = ("name", "code")


@admin.register(models.KgaCompetence)
class KgaCompetenceAdmin(admin.ModelAdmin):
    list_display = ("order", "name", "code", "active")
    list_editable = ("name", "active")
    list_display_links = ("order",)


admin.site.register(models.KgaScale)
admin.site.register(models.SsykGroup)
admin.site.register(models.County)
admin.site.register(models.PostalCode)


@admin.register(models.RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    """What the retention job did, read-only: a record of the storage-limitation rule's work."""

    list_display = ["started_at", "finished_at", "counts", "errors"]
    readonly_fields = ["started_at", "finished_at", "counts", "notice", "errors"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
