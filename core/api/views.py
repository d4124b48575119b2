"""Reference data (read by every signed-in staff user and, where harmless, employer users)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core import models, taxonomy
from core import services as core_services
from core.api import serializers
from core.choices import Role

EVERY_ROLE = tuple(Role)
STAFF_READ_ROLES = (Role.COORDINATOR, Role.GUIDE, Role.MANAGER, Role.ADMIN, Role.REGIONAL_ADMIN)


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


class _ServiceWritesMixin:
    """Create and update through the core services (which check who may); no deletes."""

    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    create_service = None
    update_service = None
    instance_name = ""

    def perform_create(self, serializer):
        serializer.instance = type(self).create_service(
            by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = type(self).update_service(
            **{self.instance_name: serializer.instance},
            by=self.request.user,
            **serializer.validated_data,
        )


class UnitViewSet(_ServiceWritesMixin, viewsets.ModelViewSet):
    """Units of the user's region (administrators: all). Administrators create and edit units;
    a regional administrator those of their own region."""

    serializer_class = serializers.UnitSerializer
    search_fields = ["name"]
    read_roles = STAFF_READ_ROLES
    write_roles = (Role.ADMIN, Role.REGIONAL_ADMIN)
    create_service = staticmethod(core_services.unit_create)
    update_service = staticmethod(core_services.unit_update)
    instance_name = "unit"

    def get_queryset(self):
        return core_services.units_visible_to(self.request.user).prefetch_related("municipalities")


class RegionViewSet(_ServiceWritesMixin, viewsets.ModelViewSet):
    """Regions (counties whose units share an employer register). Administrators write."""

    serializer_class = serializers.RegionSerializer
    search_fields = ["name"]
    read_roles = STAFF_READ_ROLES
    write_roles = (Role.ADMIN,)
    create_service = staticmethod(core_services.region_create)
    update_service = staticmethod(core_services.region_update)
    instance_name = "region"

    def get_queryset(self):
        return core_services.regions_visible_to(self.request.user).prefetch_related("units")


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


class LicenceViewSet(ReferenceViewSet):
    queryset = models.Licence.objects.filter(active=True).prefetch_related("includes")
    serializer_class = serializers.LicenceSerializer
    filterset_fields = ["kind"]


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
