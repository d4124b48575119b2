from rest_framework import serializers

from core import models
from core.api.model_serializer import ModelSerializer
from core.roles import role_of


class MeSerializer(ModelSerializer):
    role = serializers.SerializerMethodField()

    class Meta:
        model = models.User
        fields = ["id", "username", "first_name", "last_name", "email", "role", "unit", "language"]

    def get_role(self, obj) -> str | None:
        return role_of(obj)


class UnitSerializer(ModelSerializer):
    municipalities = serializers.PrimaryKeyRelatedField(
        queryset=models.Municipality.objects.all(), many=True, required=False
    )
    region = serializers.PrimaryKeyRelatedField(queryset=models.Region.objects.all())

    class Meta:
        model = models.Unit
        fields = ["id", "name", "region", "municipalities", "email", "phone", "address"]


class RegionSerializer(ModelSerializer):
    county_code = serializers.CharField(read_only=True)
    units = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = models.Region
        fields = ["id", "name", "county", "county_code", "units"]


class CountySerializer(ModelSerializer):
    class Meta:
        model = models.County
        fields = ["code", "name"]


class MunicipalitySerializer(ModelSerializer):
    class Meta:
        model = models.Municipality
        fields = ["code", "name", "county", "latitude", "longitude"]


class LocalitySerializer(ModelSerializer):
    class Meta:
        model = models.Locality
        fields = ["id", "name", "municipality", "latitude", "longitude", "population"]


class SkillSerializer(ModelSerializer):
    class Meta:
        model = models.Skill
        fields = ["id", "label", "label_en", "synonyms", "concept_id"]


class OccupationSerializer(ModelSerializer):
    class Meta:
        model = models.Occupation
        fields = ["id", "label", "ssyk", "synonyms", "concept_id", "no_education_required"]


class IndustrySerializer(ModelSerializer):
    class Meta:
        model = models.Industry
        fields = ["code", "label", "level", "parent"]


class AdaptationSerializer(ModelSerializer):
    class Meta:
        model = models.Adaptation
        fields = ["id", "code", "label", "label_en", "category", "description"]


class LicenceSerializer(ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    includes = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = models.Licence
        fields = ["id", "code", "label", "label_en", "kind", "kind_label", "issuer", "includes"]


class OcnModuleSerializer(ModelSerializer):
    class Meta:
        model = models.OcnModule
        fields = [
            "id",
            "programme",
            "code",
            "name",
            "name_en",
            "level",
            "credits",
            "mandatory",
            "skills",
        ]


class OcnProgrammeSerializer(ModelSerializer):
    modules = OcnModuleSerializer(many=True, read_only=True)

    class Meta:
        model = models.OcnProgramme
        fields = ["id", "code", "name", "occupational_area", "description", "modules"]


class KgaCompetenceSerializer(ModelSerializer):
    class Meta:
        model = models.KgaCompetence
        fields = ["id", "code", "name", "name_en", "description", "order"]


class NormaliseInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=300)


class TermMatchSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()
    score = serializers.FloatField()
    matched = serializers.BooleanField()
