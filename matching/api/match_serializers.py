from rest_framework import serializers

from core.api.model_serializer import ModelSerializer
from employers.models import TaskProfile
from matching.models import (
    DecisionKind,
    DecisionReason,
    MatchDecision,
    MatchWeights,
    Participant,
    RecomputeJob,
)


class MatchFilterQueryMixin(serializers.Serializer):
    """The same search and filters as the match lists in the pages; rank order is kept."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Free text over the other side of the pair: a profile's title, employer and "
        "occupation (or a participant's code, home locality and desired occupations).",
    )
    municipality = serializers.RegexField(
        r"^\d{4}$",
        required=False,
        help_text="Municipality code: the site's (or the participant's).",
    )
    state = serializers.ChoiceField(
        choices=["all", "included", "excluded"],
        required=False,
        help_text="With include_excluded: keep all (default), only included or only excluded.",
    )


class MatchQuerySerializer(MatchFilterQueryMixin):
    limit = serializers.IntegerField(min_value=1, max_value=200, default=20)
    kind = serializers.ChoiceField(
        choices=TaskProfile._meta.get_field("kind").choices, required=False
    )
    max_distance = serializers.FloatField(min_value=0, max_value=2000, required=False)
    include_excluded = serializers.BooleanField(
        default=False,
        help_text="List every profile with its reasons, paginated (page, page_size); limit is ignored.",
    )
    page = serializers.IntegerField(min_value=1, default=1)
    page_size = serializers.IntegerField(min_value=1, max_value=200, default=50)


class ProfileMatchQuerySerializer(MatchFilterQueryMixin):
    limit = serializers.IntegerField(min_value=1, max_value=200, default=20)
    include_excluded = serializers.BooleanField(
        default=False,
        help_text="List every participant with the reasons, paginated (page, page_size); limit is ignored.",
    )
    page = serializers.IntegerField(min_value=1, default=1)
    page_size = serializers.IntegerField(min_value=1, max_value=200, default=50)


class ExplainQuerySerializer(serializers.Serializer):
    participant = serializers.IntegerField()
    task_profile = serializers.IntegerField()


class ComponentSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="skills, validations, geography, …")
    label = serializers.CharField(help_text="In the request's language (Accept-Language).")
    value = serializers.FloatField()
    percent = serializers.IntegerField()
    text = serializers.CharField(help_text="Why the component has its value.")


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField(help_text="What kind of failure, in the request's language.")
    text = serializers.CharField(help_text="What exactly failed, in the request's language.")
    params = serializers.DictField(help_text="The facts behind the text (ids, numbers).")


class MatchSerializer(serializers.Serializer):
    participant = serializers.IntegerField()
    task_profile = serializers.IntegerField()
    score = serializers.FloatField()
    components = serializers.DictField(child=serializers.FloatField())
    breakdown = ComponentSerializer(many=True)
    excluded = serializers.BooleanField()
    reasons = ReasonSerializer(many=True)
    distance_km = serializers.FloatField(allow_null=True)
    matched_skills = serializers.ListField(child=serializers.CharField())
    related_skills = serializers.ListField(child=serializers.DictField())
    missing_skills = serializers.ListField(child=serializers.DictField())
    validations_counting = serializers.ListField(child=serializers.CharField())
    validations_missing = serializers.ListField(child=serializers.CharField())
    needs_met = serializers.ListField(child=serializers.CharField())
    needs_unmet = serializers.ListField(child=serializers.CharField())
    travel_minutes = serializers.DictField(child=serializers.FloatField())
    reach_km = serializers.FloatField()
    hours_overlap = serializers.ListField(
        child=serializers.FloatField(),
        min_length=2,
        max_length=2,
        allow_null=True,
        help_text="[from, to] hours per week both can do; null when they do not overlap.",
    )


class DecisionInputSerializer(serializers.Serializer):
    participant = serializers.PrimaryKeyRelatedField(queryset=Participant.objects.all())
    task_profile = serializers.PrimaryKeyRelatedField(queryset=TaskProfile.objects.all())
    decision = serializers.ChoiceField(choices=DecisionKind.choices)
    reason = serializers.ChoiceField(
        choices=DecisionReason.choices, required=False, allow_blank=True
    )
    note = serializers.CharField(required=False, allow_blank=True)


class DecisionSerializer(ModelSerializer):
    class Meta:
        model = MatchDecision
        fields = [
            "id",
            "participant",
            "task_profile",
            "decision",
            "reason",
            "note",
            "score",
            "breakdown",
            "decided_by",
            "decided_at",
        ]


class WeightsSerializer(ModelSerializer):
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)  # null: defaults

    class Meta:
        model = MatchWeights
        fields = [
            "skills",
            "validations",
            "geography",
            "adaptations_hours",
            "preferences",
            "load",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]


class RecomputeJobSerializer(ModelSerializer):
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = RecomputeJob
        fields = [
            "id",
            "unit",
            "status",
            "total",
            "done",
            "percent",
            "created_at",
            "finished_at",
            "error",
        ]
