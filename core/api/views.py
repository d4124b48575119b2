"""Reference data (read by every signed-in staff user and, where harmless, employer users)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core import models, taxonomy
from core.api import serializers
from core.choices import Role

EVERY_ROLE = tuple(Role)


class MeView(generics.RetrieveAPIView):
    """The signed-in user and their role."""

    serializer_class = serializers.MeSerializer
    permission_classes = [IsAuthenticated]

    def get_object(self):
        return self.request.user


class ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    read_roles = EVERY_ROLE
    search_fields = ["label"]
    ordering_fields = ["label"]


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = models.Unit.objects.prefetch_related("municipalities")
    serializer_class = serializers.UnitSerializer
    search_fields = ["name"]


class CountyViewSet(ReferenceViewSet):
    queryset = models.County.objects.all()
    serializer_class = serializers.CountySerializer
    search_fields = ["name"]
    ordering_fields = ["code", "name"]
    pagination_class = None


class MunicipalityViewSet(ReferenceViewSet):
    queryset = models.Municipality.objects.all()
    serializer_class = serializers.MunicipalitySerializer
    filterset_fields = ["county"]
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name"]


class LocalityViewSet(ReferenceViewSet):
    queryset = models.Locality.objects.all()
    serializer_class = serializers.LocalitySerializer
    filterset_fields = ["municipality"]
    search_fields = ["name"]
    ordering_fields = ["name", "population"]


class SkillViewSet(ReferenceViewSet):
    queryset = models.Skill.objects.all()
    serializer_class = serializers.SkillSerializer

    @extend_schema(
        request=serializers.NormaliseInputSerializer, responses=serializers.TermMatchSerializer
    )
    @action(detail=False, methods=["post"], url_path="normalise")
    def normalise(self, request):
        """Find the taxonomy skill a free-text entry means (typos allowed)."""
        data = serializers.NormaliseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        match = taxonomy.normalise_skill(data.validated_data["text"])
        return Response(serializers.TermMatchSerializer(match).data)

    def get_permissions(self):
        if self.action == "normalise":
            self.write_roles = EVERY_ROLE
        return super().get_permissions()


class OccupationViewSet(ReferenceViewSet):
    queryset = models.Occupation.objects.select_related("ssyk")
    serializer_class = serializers.OccupationSerializer
    filterset_fields = ["ssyk", "no_education_required"]


class IndustryViewSet(ReferenceViewSet):
    queryset = models.Industry.objects.all()
    serializer_class = serializers.IndustrySerializer
    filterset_fields = ["level", "parent"]


class AdaptationViewSet(ReferenceViewSet):
    queryset = models.Adaptation.objects.filter(active=True)
    serializer_class = serializers.AdaptationSerializer
    filterset_fields = ["category"]


class OcnProgrammeViewSet(ReferenceViewSet):
    queryset = models.OcnProgramme.objects.prefetch_related("modules__skills")
    serializer_class = serializers.OcnProgrammeSerializer
    search_fields = ["name", "occupational_area"]
    ordering_fields = ["name"]


class KgaCompetenceViewSet(ReferenceViewSet):
    queryset = models.KgaCompetence.objects.filter(active=True)
    serializer_class = serializers.KgaCompetenceSerializer
    search_fields = ["name"]
    ordering_fields = ["order", "name"]
    pagination_class = None
