"""Projects, enrolments in them and starts in work or studies: input → service → output, every
queryset scoped to the user's unit (``placements.projects.services``)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.base import ScopedViewSetMixin
from core.api.model_serializer import ModelSerializer
from core.choices import Role
from core.models import Unit
from matching.models import Participant
from placements.choices import ProjectTargetGroup, StartKind
from placements.models import ParticipantStart, Project, ProjectEnrolment
from placements.projects import services as svc
from placements.reporting import statistics as st
from placements.reporting.api.statistics import FILTERS

STAFF = (Role.GUIDE, Role.COORDINATOR, Role.MANAGER, Role.ADMIN)
ENROLLERS = (Role.GUIDE, Role.MANAGER, Role.ADMIN)
STARTED_ROLES = (Role.GUIDE, Role.MANAGER, Role.ADMIN)


class ProjectSerializer(ModelSerializer):
    target_groups = serializers.ListField(
        child=serializers.ChoiceField(choices=ProjectTargetGroup.choices)
    )

    class Meta:
        model = Project
        fields = ["id", "unit", "name", "funder", "starts_on", "ends_on", "target_groups"]
        read_only_fields = ["id", "unit"]


class ProjectInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    funder = serializers.CharField(max_length=200, required=False, allow_blank=True)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    target_groups = serializers.ListField(
        child=serializers.ChoiceField(choices=ProjectTargetGroup.choices), required=False
    )
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False, help_text="Administrators only."
    )


class EnrolmentSerializer(ModelSerializer):
    participant_code = serializers.CharField(source="participant.code", read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True)

    class Meta:
        model = ProjectEnrolment
        fields = [
            "id",
            "project",
            "project_name",
            "participant",
            "participant_code",
            "started_on",
            "ended_on",
        ]


class EnrolmentInputSerializer(serializers.Serializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
    participant = serializers.PrimaryKeyRelatedField(queryset=Participant.objects.all())
    started_on = serializers.DateField()
    ended_on = serializers.DateField(required=False, allow_null=True)


class StartSerializer(ModelSerializer):
    class Meta:
        model = ParticipantStart
        fields = ["id", "participant", "kind", "started_on", "note"]


class StartInputSerializer(serializers.Serializer):
    participant = serializers.PrimaryKeyRelatedField(queryset=Participant.objects.all())
    kind = serializers.ChoiceField(choices=StartKind.choices)
    started_on = serializers.DateField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


def _input(serializer_class, data) -> dict:
    s = serializer_class(data=data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


class ProjectViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The unit's projects. Managers create them."""

    read_roles = STAFF
    write_roles = svc.PROJECT_MANAGERS
    serializer_class = ProjectSerializer

    def scope_queryset(self, user):
        return svc.projects_for(user)

    @extend_schema(request=ProjectInputSerializer, responses={201: ProjectSerializer})
    def create(self, request, *args, **kwargs):
        v = _input(ProjectInputSerializer, request.data)
        project = svc.project_create(by=request.user, **v)
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)


class EnrolmentViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Participants' enrolments in the unit's projects. Guides and managers enrol."""

    read_roles = STAFF
    write_roles = ENROLLERS
    serializer_class = EnrolmentSerializer
    filterset_fields = ["project", "participant"]

    def scope_queryset(self, user):
        return ProjectEnrolment.objects.filter(
            participant__in=Participant.objects.visible_to(user)
        ).select_related("project", "participant")

    @extend_schema(request=EnrolmentInputSerializer, responses={201: EnrolmentSerializer})
    def create(self, request, *args, **kwargs):
        v = _input(EnrolmentInputSerializer, request.data)
        participant = get_object_or_404(
            Participant.objects.visible_to(request.user), pk=v.pop("participant").pk
        )
        project = get_object_or_404(svc.projects_for(request.user), pk=v.pop("project").pk)
        row = svc.project_enrol(by=request.user, project=project, participant=participant, **v)
        return Response(EnrolmentSerializer(row).data, status=status.HTTP_201_CREATED)


class StartViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Starts in work, studies or a labour-market programme. Guides and managers record them."""

    read_roles = STAFF
    write_roles = ENROLLERS
    serializer_class = StartSerializer
    filterset_fields = ["participant", "kind"]

    def scope_queryset(self, user):
        return ParticipantStart.objects.filter(participant__in=Participant.objects.visible_to(user))

    @extend_schema(request=StartInputSerializer, responses={201: StartSerializer})
    def create(self, request, *args, **kwargs):
        v = _input(StartInputSerializer, request.data)
        participant = get_object_or_404(
            Participant.objects.visible_to(request.user), pk=v.pop("participant").pk
        )
        row = svc.participant_start_record(by=request.user, participant=participant, **v)
        return Response(StartSerializer(row).data, status=status.HTTP_201_CREATED)


class StartedPersonSerializer(serializers.Serializer):
    participant = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    gender = serializers.CharField()
    started_on = serializers.DateField()
    kind = serializers.CharField(help_text="work, studies or employment (a hire)")


class StartedPersonsView(APIView):
    """The persons behind "started work or studies during the project" (``project`` required;
    guides get their own participants)."""

    read_roles = STARTED_ROLES

    @extend_schema(
        parameters=FILTERS,
        responses=StartedPersonSerializer(many=True),
        operation_id="statistics_started",
    )
    def get(self, request):
        scope, errors = st.parse_filters(request.user, request.query_params)
        if not errors and scope.project_id is None:
            errors = {"project": [_("Choose a project.")]}
        if errors:
            raise ValidationError(errors)
        return Response(StartedPersonSerializer(st.started_persons(scope), many=True).data)
