import django_filters
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from employers.models import Employer, Interaction, TaskProfile
from employers.services.identifiers import orgnr_stored_form


class EmployerFilter(django_filters.FilterSet):
    orgnr = django_filters.CharFilter(
        method="filter_orgnr",
        label="Organisation number (NNNNNN-NNNN, without the dash, or 12 digits with 16)",
    )

    class Meta:
        model = Employer
        fields = ["municipality", "industry", "status", "sector", "size_class", "unit", "owner"]

    def filter_orgnr(self, queryset, name, value):
        stored = orgnr_stored_form(value)
        if stored is None:
            raise ValidationError(
                {"orgnr": [_("Enter an organisation number as NNNNNN-NNNN or ten digits.")]}
            )
        return queryset.filter(orgnr=stored)


class InteractionFilter(django_filters.FilterSet):
    open = django_filters.BooleanFilter(method="filter_open", label="Open next steps")

    class Meta:
        model = Interaction
        fields = ["employer", "kind", "by", "next_step_done"]

    def filter_open(self, queryset, name, value):
        return queryset.open_next_steps() if value else queryset


class TaskProfileFilter(django_filters.FilterSet):
    municipality = django_filters.CharFilter(field_name="site__municipality")
    has_free_slots = django_filters.BooleanFilter(method="filter_free")

    class Meta:
        model = TaskProfile
        fields = ["employer", "site", "kind", "status", "occupation", "municipality"]

    def filter_free(self, queryset, name, value):
        return queryset.open_with_free_slots() if value else queryset
