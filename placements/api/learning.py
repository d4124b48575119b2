"""Learned weights (issue 25) for the unit's manager and administrators: fit, accept, reject,
roll back. The services check the role and unit themselves; these views only translate."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.model_serializer import ModelSerializer
from core.choices import Role
from core.roles import role_of
from matching.models import WeightProposal
from matching.services.learning import (
    match_weights_rollback,
    weight_proposal_accept,
    weight_proposal_reject,
)
from placements.learning import weight_proposal_create

MANAGERS = (Role.MANAGER, Role.ADMIN)


class WeightProposalSerializer(ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = WeightProposal
        fields = [
            "id",
            "unit",
            "status",
            "status_label",
            "current",
            "proposed",
            "reasons",
            "figures",
            "fairness",
            "flagged",
            "created_by",
            "created_at",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields


class EmptySerializer(serializers.Serializer):
    pass


def proposals_for(user):
    """The unit's proposals for its manager; an administrator sees every unit's."""
    rows = WeightProposal.objects.all()
    if role_of(user) != Role.ADMIN:
        rows = rows.filter(unit_id=user.unit_id)
    return rows.order_by("-created_at", "-pk")


class WeightProposalViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    read_roles = MANAGERS
    write_roles = MANAGERS
    serializer_class = WeightProposalSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return WeightProposal.objects.none()
        return proposals_for(self.request.user)

    @extend_schema(request=EmptySerializer, responses=WeightProposalSerializer)
    def create(self, request, *args, **kwargs):
        """Fit the weights of the user's unit to its placements' outcomes (changes nothing)."""
        row = weight_proposal_create(by=request.user, unit=request.user.unit)
        return Response(WeightProposalSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EmptySerializer, responses=WeightProposalSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        row = weight_proposal_accept(by=request.user, proposal=self.get_object())
        return Response(WeightProposalSerializer(row).data)

    @extend_schema(request=EmptySerializer, responses=WeightProposalSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        row = weight_proposal_reject(by=request.user, proposal=self.get_object())
        return Response(WeightProposalSerializer(row).data)


class WeightsRollbackView(APIView):
    """Undo the unit's latest accepted proposal."""

    read_roles = MANAGERS
    write_roles = MANAGERS

    @extend_schema(request=EmptySerializer, responses=WeightProposalSerializer)
    def post(self, request):
        row = match_weights_rollback(by=request.user, unit=request.user.unit)
        return Response(WeightProposalSerializer(row).data)
