"""The API of "Whom to approach next": the week's list for the user's unit (coordinators,
managers read), logging a call and adding an employer from the ads (coordinators). The services
check the role and unit themselves; these views only translate."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.choices import Role
from employers.models import Employer
from placements.outreach import services
from placements.outreach.scoring import COMPONENTS


class OutreachRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()
    orgnr = serializers.CharField()
    employer = serializers.IntegerField(source="employer_id", allow_null=True)
    registered = serializers.BooleanField()
    municipality = serializers.CharField()
    score = serializers.FloatField()
    components = serializers.DictField(child=serializers.FloatField())
    reasons = serializers.ListField(child=serializers.CharField(), source="reason_texts")
    contacted_this_week = serializers.BooleanField()


class OutreachWeightsSerializer(serializers.Serializer):
    learned = serializers.BooleanField()
    outcomes = serializers.IntegerField()
    led_to_profile = serializers.IntegerField()
    weights = serializers.DictField(child=serializers.FloatField())


class OutreachListSerializer(serializers.Serializer):
    week = serializers.DateField()
    waiting = serializers.IntegerField()
    candidates = serializers.IntegerField()
    ads = serializers.IntegerField()
    weights = OutreachWeightsSerializer()
    rows = OutreachRowSerializer(many=True)


class OutreachLogCallSerializer(serializers.Serializer):
    employer = serializers.PrimaryKeyRelatedField(queryset=Employer.objects.none())
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["employer"].queryset = Employer.objects.visible_to(request.user)


class OutreachLoggedSerializer(serializers.Serializer):
    interaction = serializers.IntegerField(source="pk")
    employer = serializers.IntegerField(source="employer_id")
    occurred_on = serializers.DateField()
    kind = serializers.CharField()


class OutreachAddSerializer(serializers.Serializer):
    orgnr = serializers.CharField(max_length=20)


class OutreachAddedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    orgnr = serializers.CharField()
    municipality = serializers.CharField(source="municipality_id")
    status = serializers.CharField()


READ = (Role.COORDINATOR, Role.MANAGER, Role.ADMIN)
WRITE = (Role.COORDINATOR, Role.ADMIN)


class OutreachListView(APIView):
    """This week's employers to approach for the user's unit, ranked, with reasons and the
    component scores; the weights say whether they were learned from the unit's outcomes."""

    read_roles = READ
    write_roles = WRITE

    @extend_schema(responses=OutreachListSerializer)
    def get(self, request):
        listing = services.outreach_list_show(by=request.user)
        data = OutreachListSerializer(
            {
                "week": listing.week,
                "waiting": listing.waiting,
                "candidates": listing.candidates,
                "ads": listing.ads,
                "weights": {
                    "learned": listing.weights.learned,
                    "outcomes": listing.weights.outcomes,
                    "led_to_profile": listing.weights.led_to_profile,
                    "weights": {k: listing.weights.weights[k] for k in COMPONENTS},
                },
                "rows": listing.rows,
            }
        ).data
        return Response(data)


class OutreachLogCallView(APIView):
    """Log a call to a listed employer in the unit's contact log (one click in the page)."""

    read_roles = READ
    write_roles = WRITE

    @extend_schema(request=OutreachLogCallSerializer, responses={201: OutreachLoggedSerializer})
    def post(self, request):
        body = OutreachLogCallSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        row = services.outreach_call_log(
            by=request.user,
            employer=body.validated_data["employer"],
            notes=body.validated_data.get("notes", ""),
        )
        return Response(OutreachLoggedSerializer(row).data, status=status.HTTP_201_CREATED)


class OutreachAddEmployerView(APIView):
    """Add an employer found in the region's job ads to the register, by organisation number."""

    read_roles = READ
    write_roles = WRITE

    @extend_schema(request=OutreachAddSerializer, responses={201: OutreachAddedSerializer})
    def post(self, request):
        body = OutreachAddSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = services.outreach_employer_add(by=request.user, orgnr=body.validated_data["orgnr"])
        return Response(OutreachAddedSerializer(row).data, status=status.HTTP_201_CREATED)
