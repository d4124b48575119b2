import django_filters

from employers.models import Employer, Interaction, TaskProfile


class EmployerFilter(django_filters.FilterSet):
    class Meta:
        model = Employer
        fields = ["municipality", "industry", "status", "sector", "size_class", "unit", "owner"]


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
