"""Progression measurements in the API: open one, record the participant's answers from a
printed form or the guide's own rating, read them side by side. Same services as the pages."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.choices import Role
from matching.choices import MeasurementKind, Rater
from matching.models import Participant, ProgressionIndicator, ProgressionMeasurement
from matching.participants.services import progression

STAFF = (Role.COORDINATOR, Role.GUIDE, Role.MANAGER, Role.ADMIN)
WRITERS = (Role.GUIDE, Role.ADMIN)


class MeasurementInputSerializer(serializers.Serializer):
    participant = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=MeasurementKind.choices, required=False)
    taken_on = serializers.DateField(required=False)


class AnswersInputSerializer(serializers.Serializer):
    rater = serializers.ChoiceField(choices=Rater.choices)
    values = serializers.DictField(
        child=serializers.IntegerField(), help_text="indicator id → value 1–10"
    )


def measurement_data(
    m: ProgressionMeasurement, indicators: list[ProgressionIndicator] | None = None
) -> dict:
    """The measurement with its answers side by side (``progression.side_by_side``) for every
    indicator in use; ``indicators``: those indicators, read once for a list of measurements."""
    return {
        "id": m.pk,
        "participant": m.participant_id,
        "kind": m.kind,
        "kind_display": m.get_kind_display(),
        "taken_on": m.taken_on.isoformat(),
        "answers": [
            {
                "indicator": ind.pk,
                "label": ind.label,
                "participant": own,
                "guide": guide,
            }
            for ind, own, guide in progression.side_by_side(m, indicators)
        ],
    }


def _visible(request):
    return ProgressionMeasurement.objects.filter(
        participant__in=Participant.objects.visible_to(request.user)
    ).prefetch_related("answers")


class MeasurementListView(APIView):
    """``GET ?participant=<id>``: the participant's measurements; ``POST``: open one."""

    read_roles = STAFF
    write_roles = WRITERS

    @extend_schema(
        responses={200: {"type": "array", "items": {"type": "object"}}},
        operation_id="progression_measurements",
    )
    def get(self, request):
        qs = _visible(request)
        if request.query_params.get("participant", "").isdigit():
            qs = qs.filter(participant_id=request.query_params["participant"])
        indicators = list(progression.indicators())
        return Response([measurement_data(m, indicators) for m in qs.order_by("taken_on", "pk")])

    @extend_schema(
        request=MeasurementInputSerializer,
        responses={201: OpenApiTypes.OBJECT},
        operation_id="progression_measurement_open",
    )
    def post(self, request):
        data = MeasurementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        participant = get_object_or_404(
            Participant.objects.visible_to(request.user), pk=v["participant"]
        )
        m = progression.measurement_open(
            participant=participant, by=request.user, kind=v.get("kind"), taken_on=v.get("taken_on")
        )
        return Response(measurement_data(m), status=status.HTTP_201_CREATED)


class MeasurementAnswersView(APIView):
    """Record ratings: ``rater=participant`` (a printed form; refused once the participant has
    answered) or ``rater=guide`` (the guide's own rating, beside the participant's)."""

    read_roles = STAFF
    write_roles = WRITERS

    @extend_schema(responses=OpenApiTypes.OBJECT, operation_id="progression_measurement")
    def get(self, request, pk):
        return Response(measurement_data(get_object_or_404(_visible(request), pk=pk)))

    @extend_schema(
        request=AnswersInputSerializer,
        responses={200: OpenApiTypes.OBJECT},
        operation_id="progression_answers_record",
    )
    def post(self, request, pk):
        m = get_object_or_404(_visible(request), pk=pk)
        data = AnswersInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        service = (
            progression.participant_answers_record
            if v["rater"] == Rater.PARTICIPANT
            else progression.guide_rating_record
        )
        service(measurement=m, values=v["values"], by=request.user)
        m.refresh_from_db()
        return Response(measurement_data(_visible(request).get(pk=m.pk)))
