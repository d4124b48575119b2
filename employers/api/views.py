"""Thin API: input serializer → service → output serializer. Scoping in ``scope_queryset``."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api.base import ScopedViewSetMixin
from core.choices import Role
from core.roles import role_of
from employers.api import serializers as s
from employers.filters import EmployerFilter, InteractionFilter, TaskProfileFilter
from employers.importing.employers import import_employers
from employers.models import ContactPerson, Employer, Interaction, Site, TaskProfile
from employers.selectors import relation_summary
from employers.services.contact_log import interaction_create, interaction_update
from employers.services.contacts import contact_create, contact_update
from employers.services.duplicates import duplicate_pairs, employer_merge, not_duplicate_mark
from employers.services.employers import employer_create, employer_update
from employers.services.identifiers import orgnr_search_term
from employers.services.profile_requests import task_profile_request, task_profile_request_handle
from employers.services.profiles import (
    task_profile_create,
    task_profile_transition,
    task_profile_update,
)
from employers.services.sites import site_create, site_update

EVERYONE = (
    Role.COORDINATOR,
    Role.GUIDE,
    Role.MANAGER,
    Role.ADMIN,
    Role.EMPLOYER,
    Role.REGIONAL_ADMIN,
)
STAFF = (Role.COORDINATOR, Role.GUIDE, Role.MANAGER, Role.ADMIN, Role.REGIONAL_ADMIN)
WRITERS = (Role.COORDINATOR, Role.ADMIN)


class WriteViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Create/update through a service: ``perform_service(data, instance=None)`` returns the object."""

    read_roles = EVERYONE
    write_roles = WRITERS
    input_serializer_class = None
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update") and self.input_serializer_class:
            return self.input_serializer_class
        return self.serializer_class

    def create(self, request, *args, **kwargs):
        data = self.input_serializer_class(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        obj = self.perform_service(dict(data.validated_data))
        return Response(self.output(obj), status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        instance = self.get_object()
        data = self.input_serializer_class(
            instance, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        obj = self.perform_service(dict(data.validated_data), instance=instance)
        return Response(self.output(obj))

    def output(self, obj):
        return self.serializer_class(obj, context=self.get_serializer_context()).data

    def visible_employer(self, employer: Employer) -> Employer:
        """A related employer given in input must be one the user may see (else 400, not a leak)."""
        if not Employer.objects.visible_to(self.request.user).filter(pk=employer.pk).exists():
            from core.exceptions import NotAllowed

            raise NotAllowed(_("Unknown employer."), field="employer")
        return employer


class EmployerViewSet(WriteViewSet):
    serializer_class = s.EmployerSerializer
    input_serializer_class = s.EmployerInputSerializer
    filterset_class = EmployerFilter
    search_fields = ["name", "orgnr"]
    ordering_fields = ["name", "created_at", "status"]

    @staticmethod
    def normalise_search_term(term: str) -> str:
        return orgnr_search_term(term)

    def scope_queryset(self, user):
        return Employer.objects.visible_to(user).select_related("owner", "municipality", "industry")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["with_duplicates"] = self.action in (
            "retrieve",
            "create",
            "update",
            "partial_update",
        )
        return context

    def perform_service(self, data, instance=None):
        if instance is None:
            return employer_create(by=self.request.user, **data)
        data.pop("unit", None)
        return employer_update(employer=instance, by=self.request.user, **data)

    @extend_schema(request=s.MergeInputSerializer, responses=s.EmployerSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Merge the employer given as ``remove`` into this one; everything of it moves here."""
        keep = self.get_object()
        data = s.MergeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        remove = get_object_or_404(self.get_queryset(), pk=data.validated_data["remove"].pk)
        merged = employer_merge(keep=keep, remove=remove, by=request.user)
        return Response(self.output(merged))

    @extend_schema(responses=s.RelationSummarySerializer)
    @action(detail=True, methods=["get"])
    def relation(self, request, pk=None):
        """The relation in the region (staff): lead unit and coordinator, and per unit the last
        contact, the next step's due date, open and regional profiles and open placements —
        counts and dates, never participants or log details."""
        if role_of(request.user) == Role.EMPLOYER:
            raise PermissionDenied
        summary = relation_summary(self.get_object())
        return Response(s.RelationSummarySerializer(summary).data)

    @extend_schema(request=s.NotDuplicateInputSerializer, responses={204: None})
    @action(detail=True, methods=["post"], url_path="not-duplicate")
    def not_duplicate(self, request, pk=None):
        """Mark this employer and ``other`` as different organisations: the pair is never
        proposed as a duplicate again."""
        employer = self.get_object()
        data = s.NotDuplicateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        other = get_object_or_404(self.get_queryset(), pk=data.validated_data["other"].pk)
        not_duplicate_mark(a=employer, b=other, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=s.DuplicatePairSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="possible-duplicates", pagination_class=None)
    def possible_duplicates(self, request):
        """Pairs of employers in the same municipality whose names fuzzy-match, for review."""
        pairs = [
            {
                "a": a.pk,
                "a_name": a.name,
                "b": b.pk,
                "b_name": b.name,
                "score": score,
            }
            for a, b, score in duplicate_pairs(
                self.filter_queryset(self.get_queryset()).exclude(status="ended")
            )
        ]
        return Response(pairs)

    @extend_schema(request=s.ImportInputSerializer, responses=None)
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_file(self, request):
        """Import employers with sites, contacts and task profiles from CSV/XLSX, or job ads in
        JobTech's JSON. ``dry_run`` (default true) reports every row's errors and writes nothing;
        a file with errors imports nothing unless ``valid_rows_only`` asks for its valid rows."""
        data = s.ImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        report = import_employers(
            content=upload.read(),
            filename=upload.name,
            by=request.user,
            dry_run=data.validated_data["dry_run"],
            valid_rows_only=data.validated_data["valid_rows_only"],
        )
        return Response(
            report.as_dict(),
            status=status.HTTP_200_OK
            if report.ok or report.imported
            else status.HTTP_400_BAD_REQUEST,
        )


class SiteViewSet(WriteViewSet):
    serializer_class = s.SiteSerializer
    input_serializer_class = s.SiteInputSerializer
    filterset_fields = ["employer", "municipality", "geocode_status"]
    search_fields = ["name", "address", "locality"]

    def scope_queryset(self, user):
        return Site.objects.visible_to(user).prefetch_related("offered_adaptations")

    def perform_service(self, data, instance=None):
        if instance is None:
            employer = self.visible_employer(data.pop("employer"))
            return site_create(employer=employer, by=self.request.user, **data)
        data.pop("employer", None)
        return site_update(site=instance, by=self.request.user, **data)


class ContactPersonViewSet(WriteViewSet):
    serializer_class = s.ContactPersonSerializer
    input_serializer_class = s.ContactInputSerializer
    filterset_fields = ["employer", "site", "is_supervisor"]
    search_fields = ["name", "title", "email"]

    def scope_queryset(self, user):
        return ContactPerson.objects.visible_to(user)

    def perform_service(self, data, instance=None):
        if instance is None:
            employer = self.visible_employer(data.pop("employer"))
            return contact_create(employer=employer, by=self.request.user, **data)
        data.pop("employer", None)
        return contact_update(contact=instance, by=self.request.user, **data)


class InteractionViewSet(WriteViewSet):
    """The contact log: internal to the unit, never shown to employer users."""

    read_roles = STAFF
    serializer_class = s.InteractionSerializer
    input_serializer_class = s.InteractionInputSerializer
    filterset_class = InteractionFilter

    @property
    def search_fields(self):
        return Interaction.objects.searchable_fields(self.request.user)

    ordering_fields = ["occurred_on", "next_step_due"]

    def scope_queryset(self, user):
        return (
            Interaction.objects.visible_to(user)
            .select_related("by", "employer")
            .prefetch_related("participants")
        )

    def perform_service(self, data, instance=None):
        if instance is None:
            employer = self.visible_employer(data.pop("employer"))
            data.pop("next_step_done", None)
            return interaction_create(employer=employer, by=self.request.user, **data)
        data.pop("employer", None)
        return interaction_update(interaction=instance, by=self.request.user, **data)

    @extend_schema(responses=s.InteractionSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="my-next-steps")
    def my_next_steps(self, request):
        """The signed-in user's open next steps, overdue first, then by due date."""
        qs = self.get_queryset().filter(by=request.user).open_next_steps().overdue_first()
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.InteractionSerializer(page, many=True).data)


class TaskProfileViewSet(WriteViewSet):
    serializer_class = s.TaskProfileSerializer
    input_serializer_class = s.TaskProfileInputSerializer
    filterset_class = TaskProfileFilter
    search_fields = ["title", "description", "employer__name"]
    ordering_fields = ["title", "created_at", "status"]

    def scope_queryset(self, user):
        return (
            TaskProfile.objects.visible_to(user)
            .select_related("employer")
            .prefetch_related(
                "skills__skill",
                "ocn_requirements",
                "kga_requirements",
                "offered_adaptations",
                "required_licences",
            )
        )

    def perform_service(self, data, instance=None):
        if instance is None:
            employer = self.visible_employer(data.pop("employer"))
            return task_profile_create(employer=employer, by=self.request.user, **data)
        data.pop("employer", None)
        return task_profile_update(profile=instance, by=self.request.user, **data)

    @extend_schema(request=s.TransitionInputSerializer, responses=s.TaskProfileSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the profile to another status (draft → open → paused/filled → closed)."""
        profile = self.get_object()
        data = s.TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        profile = task_profile_transition(
            profile=profile, to_status=data.validated_data["status"], by=request.user
        )
        return Response(self.output(profile))

    @extend_schema(
        request=s.ProfileRequestInputSerializer,
        responses={
            201: s.TaskProfileSerializer,
            429: OpenApiResponse(
                description="The user has sent PROFILE_REQUEST_RATE requests in the window; "
                "the message is under non_field_errors. Nothing was saved or e-mailed."
            ),
        },
    )
    @action(detail=False, methods=["post"], url_path="request")
    def request_profile(self, request):
        """An employer user asks for a new profile or a change: it reaches the coordinator as a draft."""
        data = s.ProfileRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        change_of = values.pop("change_of", None)
        if change_of is not None:
            change_of = get_object_or_404(self.get_queryset(), pk=change_of.pk)
        profile = task_profile_request(employer_user=request.user, change_of=change_of, **values)
        return Response(self.output(profile), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.TaskProfileSerializer)
    @action(detail=True, methods=["post"], url_path="handle-request")
    def handle_request(self, request, pk=None):
        """The coordinator has handled the employer's request (the badge and next step go)."""
        profile = task_profile_request_handle(profile=self.get_object(), by=request.user)
        return Response(self.output(profile))

    def get_permissions(self):
        if self.action == "request_profile":
            self.write_roles = (Role.EMPLOYER,)
        return super().get_permissions()
