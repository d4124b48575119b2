"""Admin for the progression indicator set (administrators keep it)."""

from django.contrib import admin

from matching.models import ProgressionIndicator


@admin.register(ProgressionIndicator)
class ProgressionIndicatorAdmin(admin.ModelAdmin):
    list_display = ("order", "label", "statement", "active")
    list_display_links = ("label",)
    list_editable = ("order", "active")
    search_fields = ("label", "statement", "key")
