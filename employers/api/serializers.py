from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.model_serializer import ModelSerializer
from core.choices import Role
from core.models import Adaptation, KgaCompetence, Licence, OcnModule, Skill
from core.roles import role_of
from core.tabular import check_upload
from employers.choices import ProfileStatus
from employers.models import ContactPerson, Employer, Interaction, Site, TaskProfile
from employers.services.duplicates import find_possible_duplicates

PROFILE_INPUT_FIELDS = [
    "employer",
    "site",
    "title",
    "occupation",
    "kind",
    "description",
    "hours_min",
    "hours_max",
    "schedule_notes",
    "start_time",
    "end_time",
    "swedish_level",
    "physical_demands",
    "offered_adaptations",
    "required_licences",
    "supervisor_available",
    "wage_subsidy_eligible",
    "slots_total",
    "period_start",
    "period_end",
    "skills",
    "ocn_modules",
    "kga_requirements",
    "regional",
]


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$",
        "example": "08:00",
        "nullable": True,
    }
)
class ClockTimeField(serializers.TimeField):
    """A time of day as a person writes it, "08:00" (seconds accepted on input, never shown)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        kwargs.setdefault("input_formats", ["%H:%M", "%H:%M:%S", "iso-8601"])
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)


# --- output -------------------------------------------------------------------------------------


class DuplicateSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="employer.pk")
    name = serializers.CharField(source="employer.name")
    orgnr = serializers.CharField(source="employer.orgnr")
    score = serializers.FloatField()


class DuplicatePairSerializer(serializers.Serializer):
    """A pair of employers that may be one (the review list)."""

    a = serializers.IntegerField(help_text="id of the first employer")
    a_name = serializers.CharField()
    b = serializers.IntegerField(help_text="id of the second employer")
    b_name = serializers.CharField()
    score = serializers.FloatField()


class OwnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")
    email = serializers.EmailField()
    phone = serializers.CharField()


class EmployerSerializer(ModelSerializer):
    owner = OwnerSerializer(read_only=True, allow_null=True)  # an administrator may leave it empty
    possible_duplicates = serializers.SerializerMethodField()

    class Meta:
        model = Employer
        fields = [
            "id",
            "name",
            "orgnr",
            "industry",
            "sector",
            "size_class",
            "status",
            "owner",
            "unit",
            "municipality",
            "website",
            "notes",
            "status_reason",
            "status_changed_at",
            "possible_duplicates",
            "created_at",
            "updated_at",
        ]

    def get_possible_duplicates(self, obj) -> list[dict]:
        if not self.context.get("with_duplicates"):
            return []
        dupes = find_possible_duplicates(
            name=obj.name,
            municipality_id=obj.municipality_id,
            exclude_id=obj.pk,
            unit_id=obj.unit_id,
        )
        return DuplicateSerializer(dupes, many=True).data

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and role_of(request.user) == Role.EMPLOYER:
            # Internal notes and duplicate reviews are for staff only.
            data.pop("notes", None)
            data.pop("possible_duplicates", None)
        return data


class SiteSerializer(ModelSerializer):
    class Meta:
        model = Site
        fields = [
            "id",
            "employer",
            "name",
            "address",
            "postal_code",
            "locality",
            "municipality",
            "latitude",
            "longitude",
            "coordinate_precision",
            "geocode_status",
            "geocode_error",
            "accessibility_notes",
            "offered_adaptations",
        ]


class ContactPersonSerializer(ModelSerializer):
    class Meta:
        model = ContactPerson
        fields = [
            "id",
            "employer",
            "site",
            "name",
            "title",
            "phone",
            "email",
            "role",
            "preferred_channel",
            "is_supervisor",
            "supervisor_trained_on",
        ]


class InteractionSerializer(ModelSerializer):
    by_name = serializers.CharField(source="by.get_full_name", read_only=True)
    employer_name = serializers.CharField(source="employer.name", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    text_withheld = serializers.BooleanField(
        read_only=True,
        help_text="True when the notes, next step and participants are another unit's to read "
        "(a regional administrator reading other units' entries).",
    )

    class Meta:
        model = Interaction
        fields = [
            "id",
            "employer",
            "employer_name",
            "unit",
            "contact",
            "kind",
            "occurred_on",
            "by",
            "by_name",
            "participants",
            "notes",
            "next_step",
            "next_step_due",
            "next_step_done",
            "next_step_done_at",
            "is_overdue",
            "text_withheld",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.text_withheld:  # decided by InteractionQuerySet.visible_to
            data["participants"] = []
        return data


class ProfileSkillOutSerializer(serializers.Serializer):
    skill = serializers.IntegerField(source="skill_id", allow_null=True)
    label = serializers.SerializerMethodField()
    free_text = serializers.CharField()
    weight = serializers.IntegerField()
    required = serializers.BooleanField()
    must = serializers.BooleanField(
        help_text="A must-have skill: a participant without it is not matched."
    )

    def get_label(self, obj) -> str:
        return obj.skill.label if obj.skill_id else obj.free_text


class TaskProfileSerializer(ModelSerializer):
    skills = ProfileSkillOutSerializer(many=True, read_only=True)
    ocn_modules = serializers.SerializerMethodField()
    kga_requirements = serializers.SerializerMethodField()
    slots_free = serializers.IntegerField(read_only=True)
    employer_name = serializers.CharField(source="employer.name", read_only=True)
    required_licence_labels = serializers.SerializerMethodField(
        help_text="The required licences and legitimations by name, in the order of the ids."
    )
    start_time = ClockTimeField(help_text="When the working day starts (the trip arrives by it).")
    end_time = ClockTimeField(help_text="When it ends (the last trip home leaves after it).")

    class Meta:
        model = TaskProfile
        fields = [
            "id",
            "employer_name",
            "unit",
            *PROFILE_INPUT_FIELDS,
            "required_licence_labels",
            "slots_taken",
            "slots_free",
            "status",
            "status_changed_at",
            "requested_by",
            "request_note",
            "request_handled_at",
            "change_of",
            "created_at",
            "updated_at",
        ]

    def get_required_licence_labels(self, obj) -> list[str]:
        return [licence.label for licence in obj.required_licences.all()]

    def get_ocn_modules(self, obj) -> list[int]:
        return [r.module_id for r in obj.ocn_requirements.all()]

    def get_kga_requirements(self, obj) -> list[dict]:
        return [
            {"competence": r.competence_id, "min_level": r.min_level}
            for r in obj.kga_requirements.all()
        ]


# --- input --------------------------------------------------------------------------------------


class EmployerInputSerializer(ModelSerializer):
    class Meta:
        model = Employer
        fields = [
            "name",
            "orgnr",
            "industry",
            "sector",
            "size_class",
            "status",
            "owner",
            "unit",
            "municipality",
            "website",
            "notes",
            "status_reason",
        ]
        extra_kwargs = {"unit": {"required": False}, "orgnr": {"validators": []}}
        validators = []  # orgnr uniqueness is the service's (with the existing employer's name)

    def validate_owner(self, owner):
        if owner is not None and role_of(owner) not in (Role.COORDINATOR, Role.ADMIN):
            raise serializers.ValidationError(_("The owner must be a coordinator."))
        return owner


class MergeInputSerializer(serializers.Serializer):
    remove = serializers.PrimaryKeyRelatedField(queryset=Employer.objects.all())


class NotDuplicateInputSerializer(serializers.Serializer):
    other = serializers.PrimaryKeyRelatedField(queryset=Employer.objects.all())


class ImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV or XLSX (see the template), or JSON ads as JobTech's JobSearch API returns them."
    )
    dry_run = serializers.BooleanField(default=True)
    valid_rows_only = serializers.BooleanField(
        default=False,
        help_text="Import the valid rows and leave out the refused ones (run a dry run first: "
        "its report lists them). Without it, a file with any refused row imports nothing.",
    )

    def validate_file(self, f):
        # Size, type and unpacked size before anything parses the file (``core.tabular``).
        try:
            check_upload(f, allow_json=True)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc
        return f


class SiteInputSerializer(ModelSerializer):
    offered_adaptations = serializers.PrimaryKeyRelatedField(
        queryset=Adaptation.objects.filter(active=True), many=True, required=False
    )

    class Meta:
        model = Site
        fields = [
            "employer",
            "name",
            "address",
            "postal_code",
            "locality",
            "municipality",
            "latitude",
            "longitude",
            "accessibility_notes",
            "offered_adaptations",
        ]

    def validate(self, attrs):
        lat, lon = attrs.get("latitude"), attrs.get("longitude")
        if (lat is None) != (lon is None):
            raise serializers.ValidationError(
                {"latitude": _("Give both latitude and longitude, or neither.")}
            )
        return attrs


class ContactInputSerializer(ModelSerializer):
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)

    class Meta:
        model = ContactPerson
        fields = [
            "employer",
            "site",
            "name",
            "title",
            "phone",
            "email",
            "role",
            "preferred_channel",
            "is_supervisor",
            "supervisor_trained_on",
        ]


class InteractionInputSerializer(ModelSerializer):
    class Meta:
        model = Interaction
        fields = [
            "employer",
            "contact",
            "kind",
            "occurred_on",
            "participants",
            "notes",
            "next_step",
            "next_step_due",
            "next_step_done",
        ]
        extra_kwargs = {"participants": {"required": False}}


class ProfileSkillInputSerializer(serializers.Serializer):
    skill = serializers.PrimaryKeyRelatedField(
        queryset=Skill.objects.all(), required=False, allow_null=True
    )
    text = serializers.CharField(required=False, allow_blank=True, max_length=300)
    weight = serializers.IntegerField(min_value=1, max_value=5, default=3)
    required = serializers.BooleanField(default=False)
    must = serializers.BooleanField(
        default=False,
        help_text="Must have (a participant without it is not matched); implies required.",
    )

    def validate(self, attrs):
        if attrs.get("skill") is None and not (attrs.get("text") or "").strip():
            raise serializers.ValidationError(_("Give a skill id or the skill as text."))
        return attrs


class KgaRequirementInputSerializer(serializers.Serializer):
    competence = serializers.PrimaryKeyRelatedField(
        queryset=KgaCompetence.objects.filter(active=True)
    )
    min_level = serializers.IntegerField(min_value=0)


class TaskProfileInputSerializer(ModelSerializer):
    skills = ProfileSkillInputSerializer(many=True, required=False)
    offered_adaptations = serializers.PrimaryKeyRelatedField(
        queryset=Adaptation.objects.filter(active=True), many=True, required=False
    )
    ocn_modules = serializers.PrimaryKeyRelatedField(
        queryset=OcnModule.objects.all(), many=True, required=False
    )
    kga_requirements = KgaRequirementInputSerializer(many=True, required=False)
    required_licences = serializers.PrimaryKeyRelatedField(
        queryset=Licence.objects.filter(active=True), many=True, required=False
    )
    slots_total = serializers.IntegerField(min_value=0, max_value=500, required=False)
    hours_min = serializers.IntegerField(min_value=0, max_value=60, required=False)
    hours_max = serializers.IntegerField(min_value=0, max_value=60, required=False)
    start_time = ClockTimeField()
    end_time = ClockTimeField()

    class Meta:
        model = TaskProfile
        fields = PROFILE_INPUT_FIELDS


class TransitionInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ProfileStatus.choices)


class ProfileRequestInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    request_note = serializers.CharField(required=False, allow_blank=True)
    change_of = serializers.PrimaryKeyRelatedField(
        queryset=TaskProfile.objects.all(), required=False, allow_null=True
    )
    kind = serializers.ChoiceField(
        choices=TaskProfile._meta.get_field("kind").choices, required=False
    )
    hours_min = serializers.IntegerField(min_value=0, max_value=60, required=False)
    hours_max = serializers.IntegerField(min_value=0, max_value=60, required=False)
    slots_total = serializers.IntegerField(min_value=1, max_value=500, required=False)
    period_start = serializers.DateField(required=False, allow_null=True)
    period_end = serializers.DateField(required=False, allow_null=True)


class UnitRelationSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField()
    unit_name = serializers.CharField()
    last_contact_on = serializers.DateField(allow_null=True)
    last_contact_kind = serializers.CharField()
    next_step_due = serializers.DateField(allow_null=True)
    open_profiles = serializers.IntegerField()
    regional_profiles = serializers.IntegerField()
    open_placements = serializers.IntegerField()


class RelationSummarySerializer(serializers.Serializer):
    lead_unit = serializers.CharField()
    lead_coordinator = serializers.CharField()
    units = UnitRelationSerializer(many=True)
