from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.model_serializer import ModelSerializer
from core.models import (
    Adaptation,
    Industry,
    KgaCompetence,
    Licence,
    Municipality,
    Occupation,
    OcnModule,
    Skill,
    User,
)
from employers.models import Employer
from matching.choices import (
    CommuteMeans,
    ConsentMethod,
    ConsentScope,
    EducationLevel,
    Gender,
    LanguageLevel,
    OcnStatus,
    ParticipantState,
    RecipientKind,
    SkillSource,
    SusEmployment,
    SusExitReason,
    SusIncome,
    Weekday,
)
from matching.models import Consent, KgaAssessment, OcnCase, Participant, QualityAssurer
from matching.participants.consent_wording import CURRENT_WORDING_VERSION, WORDINGS
from matching.participants.identity import mask
from matching.participants.selectors import participant_state
from matching.participants.visibility import Access, participant_access

# --- output -------------------------------------------------------------------------------------


class ParticipantSkillSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    skill = serializers.IntegerField(source="skill_id", allow_null=True)
    label = serializers.SerializerMethodField()
    free_text = serializers.CharField()
    level = serializers.IntegerField()
    source = serializers.CharField()
    assessed_on = serializers.DateField()

    def get_label(self, obj) -> str:
        return obj.skill.label if obj.skill_id else obj.free_text


class ParticipantStateSerializer(serializers.Serializer):
    """The participant's one state (``matching.participants.selectors.participant_state``), as the pages show it."""

    code = serializers.ChoiceField(choices=ParticipantState.choices)
    label = serializers.CharField()
    since = serializers.DateField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)


class ParticipantSerializer(ModelSerializer):
    """Fields by access: the assigned guide and admins see everything; other staff of the unit see
    a masked personnummer and which adaptations apply, but no descriptions of needs."""

    skills = ParticipantSkillSerializer(many=True, read_only=True)
    adaptation_needs = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()
    licences = serializers.SerializerMethodField(
        help_text="Licences and legitimations held ({licence, code, label}); has_driving_licence "
        "is true exactly when one of them includes class B."
    )
    access = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()
    is_young = serializers.BooleanField(read_only=True)
    # null for staff without full access (see to_representation)
    support_needs = serializers.CharField(read_only=True, allow_null=True)
    home_address = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Participant
        fields = [
            "id",
            "code",
            "first_name",
            "last_name",
            "personnummer",
            "is_coordination_number",
            "gender",
            "birth_year",
            "is_young",
            "newly_arrived",
            "long_term_unemployed",
            "reduced_work_capacity",
            "returning_from_sick_leave",
            "unit",
            "municipality",
            "guide",
            "enrolled_on",
            "home_locality",
            "home_address",
            "postal_code",
            "latitude",
            "longitude",
            "coordinate_precision",
            "commute_max_km",
            "commute_max_minutes",
            "commute_means",
            "has_driving_licence",
            "has_car",
            "licences",
            "hours_min",
            "hours_max",
            "available_days",
            "swedish_level",
            "desired_occupations",
            "desired_industries",
            "support_needs",
            "phase",
            "returned_to_matching_on",
            "active",
            "state",
            "education_level",
            "sus_employment_before",
            "sus_income_before",
            "sus_employment_after",
            "sus_income_after",
            "sus_exit_reason",
            "paused_reason",
            "goals",
            "skills",
            "adaptation_needs",
            "languages",
            "access",
            "created_at",
            "updated_at",
        ]

    def _access(self, obj) -> Access:
        request = self.context.get("request")
        return participant_access(request.user, obj) if request else Access.NONE

    def get_access(self, obj) -> str:
        return self._access(obj).value

    @extend_schema_field(ParticipantStateSerializer)
    def get_state(self, obj) -> dict:
        return participant_state(obj).as_dict()

    def get_adaptation_needs(self, obj) -> list[dict]:
        full = self._access(obj) == Access.FULL
        return [
            {
                "adaptation": n.adaptation_id,
                "label": n.adaptation.label,
                **({"description": n.description} if full else {}),
            }
            for n in obj.adaptation_needs.all()
        ]

    def get_licences(self, obj) -> list[dict]:
        return [{"licence": x.pk, "code": x.code, "label": x.label} for x in obj.licences.all()]

    def get_languages(self, obj) -> list[dict]:
        return [{"language": lang.language, "level": lang.level} for lang in obj.languages.all()]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self._access(instance) != Access.FULL:
            data["personnummer"] = mask(instance.personnummer)
            data["support_needs"] = None
            data["home_address"] = None
        return data


class ParticipantListSerializer(ModelSerializer):
    class Meta:
        model = Participant
        fields = [
            "id",
            "code",
            "first_name",
            "last_name",
            "municipality",
            "guide",
            "phase",
            "active",
            "returned_to_matching_on",
            "state",
        ]

    state = serializers.SerializerMethodField()

    @extend_schema_field(ParticipantStateSerializer)
    def get_state(self, obj) -> dict:
        return participant_state(obj).as_dict()


class OcnCaseEventSerializer(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    rejected = serializers.BooleanField()
    reason = serializers.CharField()
    by = serializers.IntegerField(source="by_id")
    by_name = serializers.CharField(source="by.get_full_name")
    at = serializers.DateTimeField()


class OcnCaseSerializer(ModelSerializer):
    events = OcnCaseEventSerializer(many=True, read_only=True)
    module_name = serializers.CharField(source="module.name", read_only=True)
    programme = serializers.CharField(source="module.programme.name", read_only=True)

    class Meta:
        model = OcnCase
        fields = [
            "id",
            "participant",
            "module",
            "module_name",
            "programme",
            "status",
            "registered_on",
            "assessor",
            "assessed_on",
            "evidence",
            "internal_qa_by",
            "internal_qa_on",
            "external_verifier",
            "verified_on",
            "certificate_number",
            "certificate_issued_on",
            "level",
            "events",
        ]


class KgaAssessmentSerializer(ModelSerializer):
    scores = serializers.SerializerMethodField()

    class Meta:
        model = KgaAssessment
        fields = ["id", "participant", "assessed_on", "assessor", "comment", "scores"]

    def get_scores(self, obj) -> list[dict]:
        return [
            {"competence": s.competence_id, "name": s.competence.name, "level": s.level}
            for s in obj.scores.all()
        ]


class ConsentSerializer(ModelSerializer):
    employer_name = serializers.CharField(source="employer.name", read_only=True, default=None)
    is_valid = serializers.SerializerMethodField()

    class Meta:
        model = Consent
        fields = [
            "id",
            "participant",
            "employer",
            "employer_name",
            "agency",
            "purpose",
            "scopes",
            "given_on",
            "recipient_kind",
            "method",
            "given_at",
            "witness",
            "wording_version",
            "valid_until",
            "withdrawn_on",
            "withdrawn_by",
            "withdrawn_by_participant",
            "recorded_by",
            "is_valid",
            "created_at",
        ]

    def get_is_valid(self, obj) -> bool:
        from django.utils import timezone

        today = timezone.localdate()
        return (
            obj.given_on <= today
            and (obj.valid_until is None or obj.valid_until >= today)
            and (obj.withdrawn_on is None or obj.withdrawn_on > today)
        )


# --- input --------------------------------------------------------------------------------------


class SkillInputSerializer(serializers.Serializer):
    skill = serializers.PrimaryKeyRelatedField(
        queryset=Skill.objects.all(), required=False, allow_null=True
    )
    text = serializers.CharField(required=False, allow_blank=True, max_length=300)
    level = serializers.IntegerField(min_value=1, max_value=4, default=2)
    source = serializers.ChoiceField(choices=SkillSource.choices, default=SkillSource.SELF_REPORTED)
    assessed_on = serializers.DateField(required=False)


class NeedInputSerializer(serializers.Serializer):
    adaptation = serializers.SlugRelatedField(slug_field="code", queryset=Adaptation.objects.all())
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class LanguageInputSerializer(serializers.Serializer):
    language = serializers.CharField(max_length=60)
    level = serializers.ChoiceField(choices=LanguageLevel.choices)


class ParticipantInputSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    personnummer = serializers.CharField(required=False, allow_blank=True, max_length=20)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False)
    birth_year = serializers.IntegerField(
        min_value=1900, max_value=2100, required=False, allow_null=True
    )
    newly_arrived = serializers.BooleanField(required=False)
    long_term_unemployed = serializers.BooleanField(required=False)
    reduced_work_capacity = serializers.BooleanField(required=False)
    returning_from_sick_leave = serializers.BooleanField(required=False)
    municipality = serializers.PrimaryKeyRelatedField(queryset=Municipality.objects.all())
    guide = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True
    )
    enrolled_on = serializers.DateField(required=False)
    home_locality = serializers.CharField(required=False, allow_blank=True, max_length=100)
    home_address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    postal_code = serializers.CharField(required=False, allow_blank=True, max_length=6)
    commute_max_km = serializers.IntegerField(
        min_value=0, max_value=300, required=False, allow_null=True
    )
    commute_max_minutes = serializers.IntegerField(
        min_value=0, max_value=180, required=False, allow_null=True
    )
    commute_means = serializers.ListField(
        child=serializers.ChoiceField(choices=CommuteMeans.choices), required=False
    )
    has_driving_licence = serializers.BooleanField(required=False)
    has_car = serializers.BooleanField(required=False)
    licences = serializers.PrimaryKeyRelatedField(
        queryset=Licence.objects.filter(active=True), many=True, required=False
    )
    hours_min = serializers.IntegerField(min_value=0, max_value=60, required=False)
    hours_max = serializers.IntegerField(min_value=0, max_value=60, required=False)
    available_days = serializers.ListField(
        child=serializers.ChoiceField(choices=Weekday.choices), required=False
    )
    swedish_level = serializers.IntegerField(min_value=0, max_value=7, required=False)
    desired_occupations = serializers.PrimaryKeyRelatedField(
        queryset=Occupation.objects.all(), many=True, required=False
    )
    desired_industries = serializers.PrimaryKeyRelatedField(
        queryset=Industry.objects.all(), many=True, required=False
    )
    support_needs = serializers.CharField(required=False, allow_blank=True)
    active = serializers.BooleanField(required=False)
    education_level = serializers.ChoiceField(
        choices=EducationLevel.choices, required=False, allow_blank=True
    )
    sus_employment_before = serializers.ChoiceField(
        choices=SusEmployment.choices, required=False, allow_blank=True
    )
    sus_income_before = serializers.ChoiceField(
        choices=SusIncome.choices, required=False, allow_blank=True
    )
    sus_employment_after = serializers.ChoiceField(
        choices=SusEmployment.choices, required=False, allow_blank=True
    )
    sus_income_after = serializers.ChoiceField(
        choices=SusIncome.choices, required=False, allow_blank=True
    )
    sus_exit_reason = serializers.ChoiceField(
        choices=SusExitReason.choices, required=False, allow_blank=True
    )
    paused_reason = serializers.CharField(required=False, allow_blank=True, max_length=300)
    goals = serializers.CharField(required=False, allow_blank=True)
    skills = SkillInputSerializer(many=True, required=False)
    adaptation_needs = NeedInputSerializer(many=True, required=False)
    languages = LanguageInputSerializer(many=True, required=False)

    def validate(self, attrs):
        lo = attrs.get("hours_min", self.instance.hours_min if self.instance else 0)
        hi = attrs.get("hours_max", self.instance.hours_max if self.instance else 40)
        if lo > hi:
            raise serializers.ValidationError(
                {
                    "hours_min": _("Minimum hours (%(lo)s) cannot exceed maximum hours (%(hi)s).")
                    % {"lo": lo, "hi": hi}
                }
            )
        return attrs


class PhaseInputSerializer(serializers.Serializer):
    phase = serializers.CharField()
    reason = serializers.CharField(max_length=300)


class OcnCaseInputSerializer(serializers.Serializer):
    participant = serializers.PrimaryKeyRelatedField(queryset=Participant.objects.all())
    module = serializers.PrimaryKeyRelatedField(queryset=OcnModule.objects.all())


class OcnTransitionInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=OcnStatus.choices)
    evidence = serializers.CharField(required=False, allow_blank=True)
    date = serializers.DateField(required=False)
    external_verifier = serializers.CharField(required=False, allow_blank=True, max_length=200)
    certificate_number = serializers.CharField(required=False, allow_blank=True, max_length=40)
    level = serializers.IntegerField(required=False, min_value=1, max_value=3)


class RejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


class KgaScoreInputSerializer(serializers.Serializer):
    competence = serializers.PrimaryKeyRelatedField(
        queryset=KgaCompetence.objects.filter(active=True)
    )
    level = serializers.IntegerField()


class KgaInputSerializer(serializers.Serializer):
    scores = KgaScoreInputSerializer(many=True)
    assessed_on = serializers.DateField(required=False)
    comment = serializers.CharField(required=False, allow_blank=True)


class CertificateHolderSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class OcnCertificateSerializer(serializers.Serializer):
    """The competence certificate's data, as ``GET /ocn-cases/<id>/certificate/`` gives it."""

    certificate_number = serializers.CharField()
    issued_on = serializers.DateField()
    level = serializers.IntegerField()
    participant = CertificateHolderSerializer()
    programme = serializers.CharField()
    module = serializers.CharField()
    competences = serializers.ListField(child=serializers.CharField())
    trade_certificate_complete = serializers.BooleanField()


class ConsentInputSerializer(serializers.Serializer):
    participant = serializers.PrimaryKeyRelatedField(queryset=Participant.objects.all())
    employer = serializers.PrimaryKeyRelatedField(
        queryset=Employer.objects.all(), required=False, allow_null=True
    )
    agency = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    purpose = serializers.CharField(max_length=300)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ConsentScope.choices), allow_empty=False
    )
    given_on = serializers.DateField()
    method = serializers.ChoiceField(choices=ConsentMethod.choices)
    valid_until = serializers.DateField(required=False, allow_null=True)
    recipient_kind = serializers.ChoiceField(
        choices=RecipientKind.choices, required=False, allow_blank=True, default=""
    )
    wording_version = serializers.ChoiceField(
        choices=sorted(WORDINGS), required=False, default=CURRENT_WORDING_VERSION
    )


class AnonymiseInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=300, allow_blank=True, help_text="Why, e.g. the erasure request (art. 17)."
    )
    confirm_active = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Required for a participant who has not exited.",
    )


class WithdrawInputSerializer(serializers.Serializer):
    on = serializers.DateField(required=False)


class SkillChangeInputSerializer(serializers.Serializer):
    level = serializers.IntegerField(min_value=1, max_value=4, required=False)
    source = serializers.ChoiceField(choices=SkillSource.choices, required=False)


class QualityAssurerSerializer(ModelSerializer):
    name = serializers.CharField(source="user.get_full_name", read_only=True)

    class Meta:
        model = QualityAssurer
        fields = ["id", "unit", "user", "name", "granted_by", "granted_at"]


class QualityAssurerInputSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))


class AuditEntrySerializer(serializers.Serializer):
    """One row of a participant's audit log (documentation of the audit-log endpoint)."""

    timestamp = serializers.DateTimeField()
    action = serializers.CharField()
    action_code = serializers.IntegerField()
    model = serializers.CharField()
    object_pk = serializers.CharField()
    actor = serializers.IntegerField(allow_null=True)
    actor_name = serializers.CharField(allow_null=True)
    remote_addr = serializers.CharField(allow_null=True)
    changes = serializers.JSONField()
