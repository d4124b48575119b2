"""Django admin for the participant side: only what administrators configure by hand (quality
assurers, the progression indicator set)."""

from django.contrib import admin

from matching.models import ProgressionIndicator, QualityAssurer
from matching.participants.services.validations import quality_assurer_grant, quality_assurer_revoke


@admin.register(QualityAssurer)
class QualityAssurerAdmin(admin.ModelAdmin):
    """Name internal quality assurers (intern kvalitetssäkrare) per unit. Goes through the same
    service as the page, so the same rules apply (staff of the unit, granted by an administrator)."""

    list_display = ["user", "unit", "granted_by", "granted_at"]
    list_filter = ["unit"]
    fields = ["unit", "user"]
    autocomplete_fields = []

    def has_change_permission(self, request, obj=None):
        return False  # grant or revoke; nothing to edit

    def save_model(self, request, obj, form, change):
        saved = quality_assurer_grant(unit=obj.unit, user=obj.user, by=request.user)
        obj.pk, obj.granted_by, obj.granted_at = saved.pk, saved.granted_by, saved.granted_at

    def delete_model(self, request, obj):
        quality_assurer_revoke(row=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for row in queryset:
            quality_assurer_revoke(row=row, by=request.user)


@admin.register(ProgressionIndicator)
class ProgressionIndicatorAdmin(admin.ModelAdmin):
    """The progression indicator set (statements on a 1–10 scale); take one out of use rather
    than deleting it, so earlier measurements keep their meaning."""

    list_display = ("order", "label", "statement", "active")
    list_display_links = ("label",)
    list_editable = ("order", "active")
    search_fields = ("label", "statement", "key")
