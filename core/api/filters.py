"""Filtering that respects roles: a filter on an internal id must not let an employer user learn
it (issue 13, e.g. ``/placements/?participant=17`` answering with a row or none is an oracle).
A view lists such filters in ``staff_only_filters``; for everyone but staff they do not exist, so
the parameter is ignored.

A parameter no view knows is refused (``KnownParametersFilterBackend``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter
from rest_framework import filters
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend, OrderingFilter
from rest_framework.serializers import Serializer
from rest_framework.settings import api_settings

from core.api.permissions import STAFF_READ
from core.roles import role_of


class RoleAwareFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        # Without query parameters every filter is empty and filters nothing: building the
        # filterset (a deep copy of every filter, for employer users a class made per request)
        # is skipped (issue 22; ~2 ms of a plain list request).
        if not request.query_params:
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset_class(self, view, queryset=None):
        hidden = set(getattr(view, "staff_only_filters", ()))
        request = getattr(view, "request", None)
        user = getattr(request, "user", None)
        if not hidden or queryset is None or role_of(user) in STAFF_READ:
            return super().get_filterset_class(view, queryset)
        fields = [f for f in getattr(view, "filterset_fields", None) or [] if f not in hidden]

        meta = type("Meta", (), {"model": queryset.model, "fields": fields})
        return type("RestrictedFilterSet", (self.filterset_base,), {"Meta": meta})


class KnownParametersFilterBackend(BaseFilterBackend):
    """Refuse a query parameter the view does not know (issue 20: ``?orgnr=`` used to be
    ignored silently, answering with every employer as if it had filtered). Known are the
    pagination's, ``format``, ``search`` and ``ordering`` where the view has them, the filterset's
    fields (staff-only ones included, which other roles' filtersets ignore) and whatever the
    view or action documents with ``@extend_schema(parameters=...)``. First in the backends, so
    no list or detail answers a request it did not understand."""

    def filter_queryset(self, request, queryset, view):
        if not request.query_params:
            return queryset
        known = known_query_parameters(view, queryset)
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise ValidationError({name: [_("Unknown query parameter.")] for name in unknown})
        return queryset


def known_query_parameters(view, queryset=None) -> set[str]:
    known = {api_settings.URL_FORMAT_OVERRIDE}
    paginator = getattr(view, "paginator", None)
    for attr in (
        "page_query_param",
        "page_size_query_param",
        "limit_query_param",
        "offset_query_param",
        "cursor_query_param",
    ):
        if getattr(paginator, attr, None):
            known.add(getattr(paginator, attr))
    backends = getattr(view, "filter_backends", ())
    if any(issubclass(b, filters.SearchFilter) for b in backends) and getattr(
        view, "search_fields", None
    ):
        known.add(api_settings.SEARCH_PARAM)
    if any(issubclass(b, OrderingFilter) for b in backends):
        # Without ``ordering_fields`` DRF orders by any field of the serializer.
        known.add(api_settings.ORDERING_PARAM)
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is None and getattr(view, "filterset_fields", None) and queryset is not None:
        filterset_class = DjangoFilterBackend().get_filterset_class(view, queryset)
    if filterset_class is not None:
        for name, f in filterset_class.base_filters.items():
            known.add(name)
            known.update(f"{name}_{s}" for s in getattr(f.field.widget, "suffixes", ()) if s)
    known.update(getattr(view, "staff_only_filters", ()))
    known.update(getattr(view, "query_parameters", ()))
    known.update(_documented(view))
    return known


def _documented(view) -> set[str]:
    """Query parameters named in the action's ``@extend_schema(parameters=...)``."""
    try:
        schema = view.schema
        schema.view = view  # an action's own schema (an initkwarg) is not bound to the view
        schema.method = view.request.method  # drf-spectacular sets it only while generating
        parameters = schema.get_override_parameters()
    except Exception:  # noqa: BLE001 - a view without drf-spectacular's schema documents none
        return set()
    names = set()
    for parameter in parameters or ():
        if isinstance(parameter, OpenApiParameter):
            if parameter.location == OpenApiParameter.QUERY:
                names.add(parameter.name)
        elif isinstance(parameter, type) and issubclass(parameter, Serializer):
            names.update(parameter().fields)
        elif isinstance(parameter, Serializer):
            names.update(parameter.fields)
    return names


class SearchFilter(filters.SearchFilter):
    """DRF's search, with each term first put in the stored form by the view's
    ``normalise_search_term(term)`` where it has one (e.g. an organisation number typed without
    its dash or with the 16 prefix finds the employer)."""

    def filter_queryset(self, request, queryset, view):
        self._normalise = getattr(view, "normalise_search_term", None)
        return super().filter_queryset(request, queryset, view)

    def get_schema_operation_parameters(self, view):
        # A view without ``search_fields`` does not search, so it neither documents nor accepts
        # ``search`` (DRF documents it for every list).
        if not getattr(view, "search_fields", None):
            return []
        return super().get_schema_operation_parameters(view)

    def get_search_terms(self, request):
        terms = super().get_search_terms(request)
        normalise = getattr(self, "_normalise", None)
        return [normalise(term) for term in terms] if normalise else terms
