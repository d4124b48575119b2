"""The staff side of the digital consent in the API: consent requests (invitations) and the
participant's personal link. Same services as the pages (``matching.participants.services.consent_links``).

The raw link, code and token are returned once, in the response that creates them; they are never
stored and never listed again."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.base import AuditActorMixin, ScopedViewSetMixin
from core.api.model_serializer import ModelSerializer
from core.choices import Role
from employers.models import Employer
from matching.choices import ConsentScope, DeliveryChannel, RecipientKind
from matching.models import ConsentInvitation, Participant
from matching.participants.services import consent_links as links

STAFF = (Role.GUIDE, Role.COORDINATOR, Role.MANAGER, Role.ADMIN)
EDITORS = (Role.GUIDE, Role.ADMIN)


class RecipientInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RecipientKind.choices)
    employer = serializers.PrimaryKeyRelatedField(
        queryset=Employer.objects.all(), required=False, allow_null=True
    )
    agency = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    purpose = serializers.CharField(max_length=300)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ConsentScope.choices), allow_empty=False
    )
    valid_until = serializers.DateField(required=False, allow_null=True)


class InvitationInputSerializer(serializers.Serializer):
    participant = serializers.PrimaryKeyRelatedField(queryset=Participant.objects.all())
    recipients = RecipientInputSerializer(many=True, allow_empty=False)
    channel = serializers.ChoiceField(choices=DeliveryChannel.choices)
    email = serializers.EmailField(required=False, allow_blank=True, default="")


class RecipientSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField()
    employer = serializers.IntegerField(source="employer_id", allow_null=True)
    purpose = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    valid_until = serializers.DateField(allow_null=True)
    decision = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    consent = serializers.IntegerField(source="consent_id", allow_null=True)


class InvitationSerializer(ModelSerializer):
    state = serializers.CharField(read_only=True)
    recipients = RecipientSerializer(many=True, read_only=True)

    class Meta:
        model = ConsentInvitation
        fields = [
            "id",
            "participant",
            "created_by",
            "channel",
            "wording_version",
            "created_at",
            "expires_at",
            "answered_at",
            "revoked_at",
            "state",
            "recipients",
        ]


class IssuedInvitationSerializer(InvitationSerializer):
    """Only in the create response: the link and code to give the participant."""

    url = serializers.CharField(read_only=True)
    code = serializers.CharField(read_only=True)

    class Meta(InvitationSerializer.Meta):
        fields = [*InvitationSerializer.Meta.fields, "url", "code"]


class LinkInputSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=DeliveryChannel.choices)
    email = serializers.EmailField(required=False, allow_blank=True, default="")


class IssuedLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    expires_at = serializers.DateTimeField()


class RevokedLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    revoked_at = serializers.DateTimeField()


def _base(request) -> str:
    return request.build_absolute_uri("/")


class ConsentInvitationViewSet(
    AuditActorMixin, ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Consent requests: staff of the unit read them; the participant's own guide creates and
    revokes them. Tokens and codes are never part of a read."""

    read_roles = STAFF
    write_roles = EDITORS
    serializer_class = InvitationSerializer
    filterset_fields = ["participant"]

    def scope_queryset(self, user):
        return ConsentInvitation.objects.filter(
            participant__in=Participant.objects.visible_to(user)
        ).prefetch_related("recipients__employer")

    @extend_schema(request=InvitationInputSerializer, responses={201: IssuedInvitationSerializer})
    def create(self, request, *args, **kwargs):
        data = InvitationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        participant = get_object_or_404(
            Participant.objects.visible_to(request.user), pk=values["participant"].pk
        )
        issued = links.consent_invitation_create(
            participant=participant,
            by=request.user,
            recipients=[dict(r) for r in values["recipients"]],
            channel=values["channel"],
            email=values["email"],
            base_url=_base(request),
        )
        invitation = issued.invitation
        invitation.url = links.invitation_url(_base(request), issued.token)
        invitation.code = links.format_code(issued.code)
        return Response(IssuedInvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        invitation = links.consent_invitation_revoke(invitation=self.get_object(), by=request.user)
        return Response(InvitationSerializer(invitation).data)


class PersonalLinkView(AuditActorMixin, APIView):
    """Send the participant a new personal link (an earlier one stops working)."""

    read_roles = STAFF
    write_roles = EDITORS

    @extend_schema(request=LinkInputSerializer, responses={201: IssuedLinkSerializer})
    def post(self, request, pk):
        participant = get_object_or_404(Participant.objects.visible_to(request.user), pk=pk)
        data = LinkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        issued = links.personal_link_issue(
            participant=participant, by=request.user, base_url=_base(request), **data.validated_data
        )
        return Response(
            {
                "id": issued.link.pk,
                "url": links.personal_url(_base(request), issued.token),
                "expires_at": issued.link.expires_at,
            },
            status=status.HTTP_201_CREATED,
        )


class PersonalLinkRevokeView(AuditActorMixin, APIView):
    read_roles = STAFF
    write_roles = EDITORS

    @extend_schema(request=None, responses=RevokedLinkSerializer)
    def post(self, request, pk):
        participant = get_object_or_404(Participant.objects.visible_to(request.user), pk=pk)
        link = links.personal_link_revoke(participant=participant, by=request.user)
        return Response({"id": link.pk, "revoked_at": link.revoked_at})
