"""Regional participants in the API: the other units' participants open for regional matching
(pseudonymous), and the guide's switch that opens or closes one of their own."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.choices import Role
from matching.models import Participant
from matching.regional import (
    REGIONAL_READERS,
    participant_regional_set,
    regional_list,
)

REGIONAL_PARTICIPANT_FIELDS = {
    "id": serializers.IntegerField(),
    "code": serializers.CharField(),
    "unit": serializers.CharField(),
    "municipality": serializers.CharField(),
    "swedish_level": serializers.CharField(),
    "hours_min": serializers.IntegerField(),
    "hours_max": serializers.IntegerField(),
    "skills": serializers.ListField(child=serializers.CharField()),
    "name": serializers.CharField(allow_null=True),
    "matches": serializers.ListField(child=serializers.DictField()),
}


class RegionalParticipantListView(APIView):
    """Participants of the region's other units who are open for regional matching and have
    consented to sharing with *your* unit (by name): code and matching data; ``name`` only after an agreed placement with your unit
    when the consent covers identity."""

    read_roles = REGIONAL_READERS

    @extend_schema(
        responses=inline_serializer("RegionalParticipant", REGIONAL_PARTICIPANT_FIELDS, many=True)
    )
    def get(self, request):
        return Response(regional_list(request.user))


class ParticipantRegionalView(APIView):
    """The assigned guide opens (``{"open": true}``) or closes regional matching (needs the
    participant's consent to sharing with another unit)."""

    read_roles = ()
    write_roles = (Role.GUIDE, Role.ADMIN)

    @extend_schema(
        request=inline_serializer("RegionalSwitch", {"open": serializers.BooleanField()}),
        responses=inline_serializer(
            "RegionalSwitchResult",
            {"id": serializers.IntegerField(), "regional_matching": serializers.BooleanField()},
        ),
    )
    def post(self, request, pk):
        participant = get_object_or_404(Participant.objects.visible_to(request.user), pk=pk)
        field = serializers.BooleanField()
        want_open = field.run_validation(request.data.get("open", False))
        participant = participant_regional_set(
            participant=participant, by=request.user, open=want_open
        )
        return Response({"id": participant.pk, "regional_matching": participant.regional_matching})
