from rest_framework import serializers

from core.api.model_serializer import ModelSerializer
from core.choices import Role
from core.models import Adaptation
from core.roles import role_of
from employers.models import ContactPerson, TaskProfile
from matching.models import MatchDecision, Participant
from placements import rules
from placements.choices import (
    ExitOutcome,
    FollowUpWith,
    PlacementKind,
    SubsidyType,
    WithdrawReason,
)
from placements.models import Exit, FollowUp, Placement, PracticeEvaluation, PracticeExtension
from placements.visibility import (
    FOLLOWUP_PLAN_FIELDS,
    employer_may_see_plan,
    employer_view,
    with_employer_scopes,
)

PLAN_FIELDS = (
    "hours_per_week",
    "schedule",
    "goals_short",
    "goals_long",
    "agreed_adaptations",
    "supervisor",
    "evaluations",
    "extensions",
)


class EvaluationSerializer(ModelSerializer):
    class Meta:
        model = PracticeEvaluation
        fields = ["id", "evaluated_on", "progress", "rating", "next_steps", "by"]


class ExtensionSerializer(ModelSerializer):
    class Meta:
        model = PracticeExtension
        fields = ["id", "previous_end", "new_end", "reason", "by", "at"]


class _EmployerScopesListSerializer(serializers.ListSerializer):
    """A list read by an employer user: what each participant shared with the employer is read
    for the whole page in one query (instead of one per row)."""

    def to_representation(self, data):
        rows = list(data.all() if hasattr(data, "all") else data)
        request = self.context.get("request")
        if rows and request and role_of(request.user) == Role.EMPLOYER:
            with_employer_scopes(self.child.placement_of(row) for row in rows)
        return super().to_representation(rows)


class PlacementSerializer(ModelSerializer):
    evaluations = EvaluationSerializer(many=True, read_only=True)
    extensions = ExtensionSerializer(many=True, read_only=True)
    employer = serializers.IntegerField(source="task_profile.employer_id", read_only=True)
    # Empty until a proposal is withdrawn: the schema must allow "" as well as the reasons.
    withdraw_reason = serializers.ChoiceField(
        choices=WithdrawReason.choices, allow_blank=True, read_only=True
    )
    participant_view = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField(
        help_text="The steps this placement can take now (the same list the pages offer)."
    )

    @staticmethod
    def placement_of(row):
        return row

    class Meta:
        model = Placement
        list_serializer_class = _EmployerScopesListSerializer
        fields = [
            "id",
            "participant",
            "participant_view",
            "task_profile",
            "employer",
            "match_decision",
            "kind",
            "subsidy_type",
            "phase",
            "status",
            "planned_start",
            "planned_end",
            "started_on",
            "hired_on",
            "ended_on",
            "end_reason",
            "withdraw_reason",
            "ended_early",
            "hours_per_week",
            "schedule",
            "supervisor",
            "agreed_adaptations",
            "goals_short",
            "goals_long",
            "guide",
            "evaluations",
            "extensions",
            "allowed_actions",
            "created_at",
        ]
        # Output only; fields depend on the reader's role, so none is promised (issue 13).
        read_only_fields = fields

    def get_allowed_actions(self, obj) -> list[str]:
        return rules.allowed_actions(obj)

    def get_participant_view(self, obj) -> dict | None:
        return self._employer(obj) and employer_view(obj)

    def _employer(self, obj) -> bool:
        request = self.context.get("request")
        return bool(request and role_of(request.user) == Role.EMPLOYER)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self._employer(instance):
            # Employers see the participant only through consent: never the internal id, the
            # guide's decision or the placement plan unless the participant agreed to share it.
            for field in (
                "participant",
                "match_decision",
                "end_reason",
                "withdraw_reason",
                "allowed_actions",
            ):
                data.pop(field, None)
            if not employer_may_see_plan(instance):
                for field in PLAN_FIELDS:
                    data.pop(field, None)
        else:
            data.pop("participant_view", None)
        return data


class DateRulesSerializer(serializers.Serializer):
    """An input whose dates are checked against ``placements.rules.DATE_RULES[date_action]`` (the
    table the service applies), as field errors; ``context["subject"]`` is what the step acts on.
    ``rule_fields`` maps an input field to the rule's field where the names differ."""

    date_action = ""
    needs_subject = True
    rule_fields: dict[str, str] = {}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        subject = self.context.get("subject")
        if self.date_action and (subject is not None or not self.needs_subject):
            values = {self.rule_fields.get(k, k): v for k, v in attrs.items()}
            errors = rules.date_errors(self.date_action, subject, values)
            if errors:
                back = {rule: field for field, rule in self.rule_fields.items()}
                raise serializers.ValidationError(
                    {back.get(field, field): message for field, message in errors.items()}
                )
        return attrs


class ProposeSerializer(DateRulesSerializer):
    date_action = "propose"
    needs_subject = False

    participant = serializers.PrimaryKeyRelatedField(queryset=Participant.objects.all())
    task_profile = serializers.PrimaryKeyRelatedField(queryset=TaskProfile.objects.all())
    match_decision = serializers.PrimaryKeyRelatedField(
        queryset=MatchDecision.objects.all(), required=False, allow_null=True
    )
    kind = serializers.ChoiceField(choices=PlacementKind.choices, required=False)
    subsidy_type = serializers.ChoiceField(choices=SubsidyType.choices, default=SubsidyType.NONE)
    planned_start = serializers.DateField()
    planned_end = serializers.DateField(required=False, allow_null=True)
    hours_per_week = serializers.IntegerField(min_value=1, max_value=60)
    schedule = serializers.CharField(required=False, allow_blank=True, max_length=300)
    supervisor = serializers.PrimaryKeyRelatedField(
        queryset=ContactPerson.objects.all(), required=False, allow_null=True
    )
    agreed_adaptations = serializers.SlugRelatedField(
        slug_field="code", queryset=Adaptation.objects.all(), many=True, required=False
    )
    goals_short = serializers.CharField(required=False, allow_blank=True)
    goals_long = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)


class DateReasonSerializer(DateRulesSerializer):
    date = serializers.DateField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class StartSerializer(DateReasonSerializer):
    date_action = "start"
    rule_fields = {"date": "started_on"}


class EvaluateSerializer(DateRulesSerializer):
    date_action = "evaluate"

    evaluated_on = serializers.DateField()
    progress = serializers.CharField()
    rating = serializers.IntegerField(min_value=1, max_value=5)
    next_steps = serializers.CharField(required=False, allow_blank=True)


class ExtendSerializer(DateRulesSerializer):
    date_action = "extend"

    new_end = serializers.DateField()
    reason = serializers.CharField(allow_blank=True)


class EmploymentSerializer(serializers.Serializer):
    hours_per_week = serializers.IntegerField(min_value=1, max_value=60)
    subsidy_type = serializers.ChoiceField(choices=SubsidyType.choices, default=SubsidyType.NONE)
    reason = serializers.CharField(required=False, allow_blank=True)


class HireSerializer(DateRulesSerializer):
    date_action = "hire"

    hired_on = serializers.DateField()


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=WithdrawReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class EndSerializer(DateRulesSerializer):
    date_action = "end"

    ended_on = serializers.DateField()
    reason = serializers.CharField(allow_blank=True, max_length=300)


class ExitSerializer(ModelSerializer):
    class Meta:
        model = Exit
        fields = [
            "id",
            "participant",
            "exited_on",
            "outcome",
            "placement",
            "note",
            "by",
            "recorded_at",
        ]
        read_only_fields = ["placement", "by", "recorded_at"]


class ExitInputSerializer(DateRulesSerializer):
    date_action = "exit"

    participant = serializers.PrimaryKeyRelatedField(queryset=Participant.objects.all())
    exited_on = serializers.DateField()
    outcome = serializers.ChoiceField(choices=ExitOutcome.choices)
    note = serializers.CharField(required=False, allow_blank=True)


class FollowUpSerializer(ModelSerializer):
    is_overdue = serializers.BooleanField(read_only=True)
    participant_code = serializers.CharField(source="placement.participant.code", read_only=True)
    employer_name = serializers.CharField(
        source="placement.task_profile.employer.name", read_only=True
    )

    @staticmethod
    def placement_of(row):
        return row.placement

    class Meta:
        model = FollowUp
        list_serializer_class = _EmployerScopesListSerializer
        fields = [
            "id",
            "placement",
            "participant_code",
            "employer_name",
            "planned_on",
            "with_whom",
            "status",
            "done_on",
            "rating_tasks",
            "rating_social",
            "rating_attendance",
            "notes",
            "next_actions",
            "rescheduled_from",
            "reschedule_reason",
            "rescheduled_at",
            "cancel_reason",
            "is_overdue",
            "confirmation_requested_at",
            "confirmed_by",
            "confirmed_at",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request and role_of(request.user) == Role.EMPLOYER:
            data.pop("participant_code", None)
            if not employer_may_see_plan(instance.placement):
                for field in FOLLOWUP_PLAN_FIELDS:
                    data.pop(field, None)
        return data


class FollowUpCreateSerializer(DateRulesSerializer):
    date_action = "followup_plan"

    placement = serializers.PrimaryKeyRelatedField(queryset=Placement.objects.all())
    planned_on = serializers.DateField()
    with_whom = serializers.ChoiceField(choices=FollowUpWith.choices, default=FollowUpWith.BOTH)


class FollowUpRecordSerializer(DateRulesSerializer):
    date_action = "followup_record"

    done_on = serializers.DateField()
    with_whom = serializers.ChoiceField(choices=FollowUpWith.choices, required=False)
    rating_tasks = serializers.IntegerField(
        min_value=1, max_value=5, required=False, allow_null=True
    )
    rating_social = serializers.IntegerField(
        min_value=1, max_value=5, required=False, allow_null=True
    )
    rating_attendance = serializers.IntegerField(
        min_value=1, max_value=5, required=False, allow_null=True
    )
    notes = serializers.CharField(required=False, allow_blank=True)
    next_actions = serializers.CharField(required=False, allow_blank=True)


class RescheduleSerializer(DateRulesSerializer):
    date_action = "followup_plan"

    planned_on = serializers.DateField()
    reason = serializers.CharField(max_length=300)
