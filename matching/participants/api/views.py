"""Participants, validations and consents. Thin: input → service → output; scoped querysets."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.base import AuditActorMixin, ScopedViewSetMixin
from core.choices import Role
from matching.models import Consent, KgaAssessment, OcnCase, Participant, QualityAssurer
from matching.participants.api import serializers as s
from matching.participants.retention import participant_anonymise
from matching.participants.services import audit, consents, participants, validations

STAFF = (Role.GUIDE, Role.COORDINATOR, Role.MANAGER, Role.ADMIN)
EDITORS = (Role.GUIDE, Role.ADMIN)


def visible_participant(user, pk) -> Participant:
    return get_object_or_404(Participant.objects.visible_to(user), pk=pk)


class ParticipantViewSet(
    AuditActorMixin,
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    read_roles = STAFF
    write_roles = EDITORS
    filterset_fields = [
        "guide",
        "phase",
        "municipality",
        "active",
        "newly_arrived",
        "long_term_unemployed",
        "reduced_work_capacity",
        "returning_from_sick_leave",
    ]
    search_fields = ["code", "first_name", "last_name"]
    ordering_fields = ["code", "enrolled_on", "last_name"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    output_serializer_class = s.ParticipantSerializer

    def scope_queryset(self, user):
        visible = Participant.objects.visible_to(user).select_related("guide")
        if getattr(self, "action", None) in ("update", "partial_update", "destroy"):
            # A write reads (and locks) the row again in its service, and the answer is read
            # afresh by ``output``: the profile's related rows are not needed first (issue 22).
            return visible
        return self.with_profile(visible)

    @staticmethod
    def with_profile(queryset):
        return queryset.prefetch_related(
            "skills__skill",
            "adaptation_needs__adaptation",
            "languages",
            "desired_occupations",
            "desired_industries",
            "licences",
        )

    def get_serializer_class(self):
        if self.action == "list":
            return s.ParticipantListSerializer
        if self.action in ("create", "update", "partial_update"):
            return s.ParticipantInputSerializer
        return s.ParticipantSerializer

    def output(self, obj, code=status.HTTP_200_OK):
        visible = Participant.objects.visible_to(self.request.user).select_related("guide")
        obj = self.with_profile(visible).get(pk=obj.pk)
        return Response(
            s.ParticipantSerializer(obj, context=self.get_serializer_context()).data, status=code
        )

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        rows = response.data.get("results", []) if isinstance(response.data, dict) else []
        audit.audit_participants_read(
            ids=[row["id"] for row in rows],
            user=request.user,
            request=request,
            what="api search" if request.query_params.get("search") else "api list",
        )
        return response

    def retrieve(self, request, *args, **kwargs):
        participant = self.get_object()
        audit.audit_participant_read(
            participant=participant, user=request.user, request=request, what="api detail"
        )
        return self.output(participant)

    def create(self, request, *args, **kwargs):
        data = s.ParticipantInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["skills"] = [dict(x) for x in values.get("skills", [])]
        values["adaptation_needs"] = (
            [dict(x) for x in values["adaptation_needs"]] if "adaptation_needs" in values else None
        )
        values["languages"] = (
            [dict(x) for x in values["languages"]] if "languages" in values else None
        )
        participant = participants.participant_create(by=request.user, **values)
        return self.output(participant, status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        participant = self.get_object()
        data = s.ParticipantInputSerializer(participant, data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("skills", None)
        for key in ("adaptation_needs", "languages"):
            if key in values:
                values[key] = [dict(x) for x in values[key]]
        participant = participants.participant_update(
            participant=participant, by=request.user, **values
        )
        return self.output(participant)

    @extend_schema(request=s.SkillInputSerializer, responses={201: s.ParticipantSkillSerializer})
    @action(detail=True, methods=["post"])
    def skills(self, request, pk=None):
        """Add a skill; free text is normalised to the taxonomy (typos allowed) or kept as written."""
        participant = self.get_object()
        data = s.SkillInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        skill = participants.participant_skill_add(
            participant=participant, by=request.user, **data.validated_data
        )
        return Response(s.ParticipantSkillSerializer(skill).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["PATCH"],
        request=s.SkillChangeInputSerializer,
        responses=s.ParticipantSkillSerializer,
    )
    @extend_schema(methods=["DELETE"], request=None, responses={204: None})
    @action(detail=True, methods=["patch", "delete"], url_path=r"skills/(?P<skill_pk>[0-9]+)")
    def skill(self, request, pk=None, skill_pk=None):
        """Change a skill's level or source, or remove it (validated skills: administrators only)."""
        participant = self.get_object()
        row = get_object_or_404(participant.skills.all(), pk=skill_pk)
        if request.method == "DELETE":
            participants.participant_skill_remove(row=row, by=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = s.SkillChangeInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        row = participants.participant_skill_update(row=row, by=request.user, **data.validated_data)
        return Response(s.ParticipantSkillSerializer(row).data)

    @extend_schema(request=s.PhaseInputSerializer, responses=s.ParticipantSerializer)
    @action(detail=True, methods=["post"])
    def phase(self, request, pk=None):
        participant = self.get_object()
        participants.ensure_can_edit(request.user, participant)
        data = s.PhaseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        participant = participants.participant_set_phase(
            participant=participant, by=request.user, **data.validated_data
        )
        return self.output(participant)

    @extend_schema(methods=["GET"], responses=s.KgaAssessmentSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=s.KgaInputSerializer, responses={201: s.KgaAssessmentSerializer}
    )
    @action(detail=True, methods=["get", "post"], url_path="kga-assessments", pagination_class=None)
    def kga_assessments(self, request, pk=None):
        """KGA history (newest first); POST records a new assessment."""
        participant = self.get_object()
        if request.method == "POST":
            data = s.KgaInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = dict(data.validated_data)
            values["scores"] = [dict(x) for x in values["scores"]]
            assessment = validations.kga_assessment_record(
                participant=participant, by=request.user, **values
            )
            return Response(
                s.KgaAssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED
            )
        qs = KgaAssessment.objects.filter(participant=participant).prefetch_related(
            "scores__competence"
        )
        return Response(s.KgaAssessmentSerializer(qs, many=True).data)

    @extend_schema(responses=s.AuditEntrySerializer(many=True))
    @action(detail=True, methods=["get"], url_path="audit-log")
    def audit_log(self, request, pk=None):
        """Every read and change of this participant's records (administrators only)."""
        participant = self.get_object()
        if request.user.role != Role.ADMIN:
            return Response({"detail": "Administrators only."}, status=status.HTTP_403_FORBIDDEN)
        entries = audit.participant_log(participant)
        page = self.paginate_queryset(entries)
        rows = [
            {
                "timestamp": e.timestamp,
                "action": e.get_action_display(),
                "action_code": e.action,
                "model": e.content_type.model,
                "object_pk": e.object_pk,
                "actor": e.actor_id,
                "actor_name": str(e.actor) if e.actor else None,
                "remote_addr": e.remote_addr,
                "changes": e.changes_dict,
            }
            for e in page
        ]
        return self.get_paginated_response(rows)

    @extend_schema(request=s.AnonymiseInputSerializer, responses=s.ParticipantSerializer)
    @action(detail=True, methods=["post"])
    def anonymise(self, request, pk=None):
        """Anonymise on an erasure request (administrators): a reason always; for a participant
        who has not exited, ``confirm_active`` too (400 with field messages otherwise)."""
        participant = self.get_object()
        data = s.AnonymiseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        participant = participant_anonymise(
            participant=participant, by=request.user, **data.validated_data
        )
        return self.output(participant)

    def get_permissions(self):
        if self.action == "audit_log":
            self.read_roles = (Role.ADMIN,)
        if self.action == "anonymise":
            self.write_roles = (Role.ADMIN,)
        return super().get_permissions()


class OcnCaseViewSet(
    AuditActorMixin, ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    read_roles = STAFF
    serializer_class = s.OcnCaseSerializer

    @property
    def write_roles(self):
        # Internal QA may be done by named quality assurers of any staff role; the service decides.
        return STAFF if getattr(self, "action", None) in ("transition", "reject") else EDITORS

    filterset_fields = ["participant", "status", "module"]

    def scope_queryset(self, user):
        return (
            OcnCase.objects.filter(participant__in=Participant.objects.visible_to(user))
            .select_related("module__programme")
            .prefetch_related("events__by")
        )

    @extend_schema(request=s.OcnCaseInputSerializer, responses={201: s.OcnCaseSerializer})
    def create(self, request, *args, **kwargs):
        data = s.OcnCaseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        participant = visible_participant(request.user, data.validated_data["participant"].pk)
        case = validations.ocn_case_register(
            participant=participant, module=data.validated_data["module"], by=request.user
        )
        return Response(s.OcnCaseSerializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.OcnTransitionInputSerializer, responses=s.OcnCaseSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """The next step: assessed → internally_assured → externally_verified → certified."""
        case = self.get_object()
        data = s.OcnTransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        case = validations.ocn_case_advance(
            case=case, to_status=values.pop("status"), by=request.user, **values
        )
        return Response(s.OcnCaseSerializer(self.get_queryset().get(pk=case.pk)).data)

    @extend_schema(request=s.RejectInputSerializer, responses=s.OcnCaseSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """A check failed: back one step, with the reason."""
        case = self.get_object()
        data = s.RejectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = validations.ocn_case_reject(
            case=case, by=request.user, reason=data.validated_data["reason"]
        )
        return Response(s.OcnCaseSerializer(self.get_queryset().get(pk=case.pk)).data)

    @extend_schema(responses=s.OcnCertificateSerializer)
    @action(detail=True, methods=["get"])
    def certificate(self, request, pk=None):
        """The competence certificate's data (printable page: /deltagare/ocn/<id>/intyg/)."""
        case = self.get_object()
        if case.status != "certified":
            return Response(
                {"status": ["No certificate has been issued for this case yet."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        audit.audit_participant_read(
            participant=case.participant, user=request.user, request=request, what="ocn certificate"
        )
        return Response(
            {
                "certificate_number": case.certificate_number,
                "issued_on": case.certificate_issued_on,
                "level": case.level,
                "participant": {
                    "code": case.participant.code,
                    "name": f"{case.participant.first_name} {case.participant.last_name}",
                },
                "programme": case.module.programme.name,
                "module": case.module.name,
                "competences": [sk.label for sk in case.module.skills.all()],
                "trade_certificate_complete": validations.trade_certificate_complete(
                    case.participant, case.module.programme
                ),
            }
        )


class ConsentViewSet(
    AuditActorMixin, ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Consents are never deleted: withdraw them."""

    read_roles = STAFF
    write_roles = EDITORS
    serializer_class = s.ConsentSerializer
    filterset_fields = ["participant", "employer"]

    def scope_queryset(self, user):
        return Consent.objects.filter(
            participant__in=Participant.objects.visible_to(user)
        ).select_related("employer")

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        rows = response.data.get("results", []) if isinstance(response.data, dict) else []
        audit.audit_participants_read(
            ids=[row.get("participant") for row in rows],
            user=request.user,
            request=request,
            what="api consents",
        )
        return response

    @extend_schema(request=s.ConsentInputSerializer, responses={201: s.ConsentSerializer})
    def create(self, request, *args, **kwargs):
        data = s.ConsentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        participant = visible_participant(request.user, values.pop("participant").pk)
        consent = consents.consent_record(participant=participant, by=request.user, **values)
        return Response(s.ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.WithdrawInputSerializer, responses=s.ConsentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        consent = self.get_object()
        data = s.WithdrawInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consent = consents.consent_withdraw(
            consent=consent, by=request.user, on=data.validated_data.get("on")
        )
        return Response(s.ConsentSerializer(consent).data)


class QualityAssurerViewSet(
    mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet
):
    """The unit's internal quality assurers (intern kvalitetssäkrare): administrators name and
    remove them; staff may read who they are."""

    read_roles = STAFF
    write_roles = (Role.ADMIN,)
    serializer_class = s.QualityAssurerSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return QualityAssurer.objects.none()
        return QualityAssurer.objects.filter(unit_id=self.request.user.unit_id).select_related(
            "user"
        )

    @extend_schema(request=s.QualityAssurerInputSerializer, responses=s.QualityAssurerSerializer)
    def create(self, request, *args, **kwargs):
        data = s.QualityAssurerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = validations.quality_assurer_grant(
            unit=request.user.unit, user=data.validated_data["user"], by=request.user
        )
        return Response(s.QualityAssurerSerializer(row).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        validations.quality_assurer_revoke(row=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
