"""Placements and follow-ups. Thin: input → service → output; visibility by role in querysets."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.api.base import ScopedViewSetMixin
from core.choices import Role
from core.compiled import CompiledRows, attach_prefetched
from core.roles import role_of
from employers.models import TaskProfile
from matching.models import Participant, ParticipantAdaptationNeed, ParticipantSkill
from placements import selectors
from placements.api import serializers as s
from placements.models import (
    Exit,
    FollowUp,
    Placement,
    PracticeEvaluation,
    PracticeExtension,
)
from placements.selectors import exit_context
from placements.services.exits import participant_exit
from placements.services.followups import (
    followup_confirm_by_employer,
    followup_create,
    followup_record,
    followup_request_confirmation,
    followup_reschedule,
)
from placements.services.phases import (
    placement_hire,
    placement_to_employment,
    practice_evaluate,
    practice_extend,
)
from placements.services.placements import (
    placement_agree,
    placement_end,
    placement_propose,
    placement_start,
    placement_withdraw,
)
from placements.visibility import employer_view_prefetch

STAFF = (Role.GUIDE, Role.COORDINATOR, Role.MANAGER, Role.ADMIN)
EVERYONE = (*STAFF, Role.EMPLOYER)
GUIDES = (Role.GUIDE, Role.ADMIN)

# The placement list as it is asked for most (no filter, search or order: the employer portal's
# client, the guides' tools), read by compiled reads (``core.compiled``): the list's count, page
# and five prefetches cost more to compile each time than to run (issue 22). Each read is the
# one ``scope_queryset`` and its prefetches make, so the answer is the same; a test compares them
# for every role.
_VISIBLE_IDS = CompiledRows(
    lambda user: Placement.objects.visible_to(user).values_list("pk"), scoped=True
)
_PAGE = CompiledRows(
    lambda ids: Placement.objects.filter(pk__in=ids).select_related(
        "participant", "task_profile__employer"
    ),
    ids=[],
)
_EVALUATIONS = CompiledRows(
    lambda ids: PracticeEvaluation.objects.filter(placement_id__in=ids), ids=[]
)
_EXTENSIONS = CompiledRows(
    lambda ids: PracticeExtension.objects.filter(placement_id__in=ids), ids=[]
)
_AGREED = CompiledRows(
    lambda ids: (
        Placement.agreed_adaptations.through.objects.filter(placement_id__in=ids)
        .select_related("adaptation")
        .order_by("adaptation__category", "adaptation__label", "adaptation__pk")
    ),
    ids=[],
)
_SKILLS = CompiledRows(
    lambda ids: ParticipantSkill.objects.filter(participant_id__in=ids).select_related("skill"),
    ids=[],
)
_NEEDS = CompiledRows(
    lambda ids: ParticipantAdaptationNeed.objects.filter(participant_id__in=ids).select_related(
        "adaptation"
    ),
    ids=[],
)


def _placement_page(ids: list[int], *, for_employer: bool) -> list[Placement]:
    """The placements ``ids`` (in that order) with what ``scope_queryset`` prefetches."""
    by_pk = {p.pk: p for p in _PAGE.objects(ids=ids)}
    page = [by_pk[pk] for pk in ids if pk in by_pk]  # one removed since the ids were read: gone
    found = [p.pk for p in page]
    attach_prefetched(
        page, "evaluations", _EVALUATIONS.objects(ids=found), lambda r: r.placement_id
    )
    attach_prefetched(page, "extensions", _EXTENSIONS.objects(ids=found), lambda r: r.placement_id)
    agreed = _AGREED.objects(ids=found)
    owners = {id(row.adaptation): row.placement_id for row in agreed}
    attach_prefetched(
        page, "agreed_adaptations", [row.adaptation for row in agreed], lambda a: owners[id(a)]
    )
    if for_employer:  # ``employer_view_prefetch``: what the participant may have shared
        people = [p.participant for p in page]
        pids = sorted({p.pk for p in people})
        attach_prefetched(people, "skills", _SKILLS.objects(ids=pids), lambda r: r.participant_id)
        attach_prefetched(
            people, "adaptation_needs", _NEEDS.objects(ids=pids), lambda r: r.participant_id
        )
    return page


class PlacementViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    read_roles = EVERYONE
    write_roles = GUIDES
    serializer_class = s.PlacementSerializer
    filterset_fields = [
        "participant",
        "task_profile",
        "status",
        "phase",
        "kind",
        "guide",
        "task_profile__employer",
    ]
    ordering_fields = ["planned_start", "created_at"]
    staff_only_filters = ("participant", "guide")

    def scope_queryset(self, user):
        queryset = (
            Placement.objects.visible_to(user)
            .select_related("participant", "task_profile__employer")
            .prefetch_related("evaluations", "extensions", "agreed_adaptations")
        )
        if role_of(user) == Role.EMPLOYER:  # what the participant shared, for every row at once
            queryset = queryset.prefetch_related(*employer_view_prefetch())
        return queryset

    def list(self, request, *args, **kwargs):
        if set(request.query_params) - {self.paginator.page_query_param}:
            return super().list(request, *args, **kwargs)  # filtered, searched, ordered, sized
        ids = self.paginate_queryset([pk for (pk,) in _VISIBLE_IDS.rows(user=request.user)])
        page = _placement_page(ids, for_employer=role_of(request.user) == Role.EMPLOYER)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def output(self, placement, code=status.HTTP_200_OK):
        return Response(
            s.PlacementSerializer(
                self.get_queryset().get(pk=placement.pk), context=self.get_serializer_context()
            ).data,
            status=code,
        )

    def _input(self, serializer_class, subject=None):
        data = serializer_class(data=self.request.data, context={"subject": subject})
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    @extend_schema(request=s.ProposeSerializer, responses=s.PlacementSerializer)
    def create(self, request, *args, **kwargs):
        """Propose a placement (from a match: pass ``match_decision``, or one is recorded)."""
        v = self._input(s.ProposeSerializer)
        v["participant"] = get_object_or_404(
            Participant.objects.visible_to(request.user), pk=v["participant"].pk
        )
        v["task_profile"] = get_object_or_404(
            TaskProfile.objects.visible_to(request.user).select_related("employer"),
            pk=v["task_profile"].pk,
        )
        placement = placement_propose(by=request.user, **v)
        return self.output(placement, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.PlacementSerializer)
    @action(detail=True, methods=["post"])
    def agree(self, request, pk=None):
        """Agreed with employer and participant: takes a slot (never overbooked)."""
        return self.output(placement_agree(placement=self.get_object(), by=request.user))

    @extend_schema(request=s.StartSerializer, responses=s.PlacementSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        placement = self.get_object()
        v = self._input(s.StartSerializer, placement)
        return self.output(
            placement_start(placement=placement, by=request.user, started_on=v.get("date"))
        )

    @extend_schema(request=s.EvaluateSerializer, responses=s.PlacementSerializer)
    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        placement = self.get_object()
        v = self._input(s.EvaluateSerializer, placement)
        practice_evaluate(placement=placement, by=request.user, **v)
        return self.output(placement)

    @extend_schema(request=s.ExtendSerializer, responses=s.PlacementSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        placement = self.get_object()
        v = self._input(s.ExtendSerializer, placement)
        return self.output(practice_extend(placement=placement, by=request.user, **v))

    @extend_schema(request=s.EmploymentSerializer, responses=s.PlacementSerializer)
    @action(detail=True, methods=["post"], url_path="to-employment")
    def to_employment(self, request, pk=None):
        """The practice becomes an adapted job (phase få)."""
        v = self._input(s.EmploymentSerializer)
        return self.output(
            placement_to_employment(placement=self.get_object(), by=request.user, **v)
        )

    @extend_schema(request=s.HireSerializer, responses=s.PlacementSerializer)
    @action(detail=True, methods=["post"])
    def hire(self, request, pk=None):
        """Hired: phase behålla, follow-ups until three months after hiring."""
        placement = self.get_object()
        v = self._input(s.HireSerializer, placement)
        return self.output(placement_hire(placement=placement, by=request.user, **v))

    @extend_schema(request=s.WithdrawSerializer, responses=s.PlacementSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw a proposal that was never agreed, with a structured reason."""
        v = self._input(s.WithdrawSerializer)
        return self.output(placement_withdraw(placement=self.get_object(), by=request.user, **v))

    @extend_schema(request=s.EndSerializer, responses=s.PlacementSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End or cancel; an employment ended within three months of hiring reopens matching."""
        placement = self.get_object()
        v = self._input(s.EndSerializer, placement)
        return self.output(placement_end(placement=placement, by=request.user, **v))


class ExitViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    read_roles = STAFF
    write_roles = GUIDES
    serializer_class = s.ExitSerializer
    filterset_fields = ["participant", "outcome"]

    def get_queryset(self):
        return Exit.objects.filter(
            participant__in=Participant.objects.visible_to(self.request.user)
        )

    @extend_schema(request=s.ExitInputSerializer, responses=s.ExitSerializer)
    def create(self, request, *args, **kwargs):
        data = s.ExitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        participant = get_object_or_404(
            Participant.objects.visible_to(request.user), pk=data.validated_data["participant"].pk
        )
        # Again, now that it is known whose exit it is: the exit date against their placements.
        data = s.ExitInputSerializer(
            data=request.data, context={"subject": exit_context(participant)}
        )
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        v.pop("participant")
        row = participant_exit(participant=participant, by=request.user, **v)
        return Response(s.ExitSerializer(row).data, status=status.HTTP_201_CREATED)


class FollowUpViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    read_roles = EVERYONE
    write_roles = GUIDES
    serializer_class = s.FollowUpSerializer
    filterset_fields = ["placement", "status", "with_whom", "placement__participant"]
    staff_only_filters = ("placement__participant",)
    ordering_fields = ["planned_on"]

    def scope_queryset(self, user):
        return FollowUp.objects.visible_to(user).select_related(
            "placement__participant", "placement__task_profile__employer"
        )

    def get_permissions(self):
        if self.action == "confirm":
            self.write_roles = (Role.EMPLOYER,)
        return super().get_permissions()

    def out(self, row, code=status.HTTP_200_OK):
        return Response(
            s.FollowUpSerializer(row, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(request=s.FollowUpCreateSerializer, responses=s.FollowUpSerializer)
    def create(self, request, *args, **kwargs):
        data = s.FollowUpCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        placement = get_object_or_404(
            Placement.objects.visible_to(request.user), pk=data.validated_data["placement"].pk
        )
        data = s.FollowUpCreateSerializer(data=request.data, context={"subject": placement})
        data.is_valid(raise_exception=True)
        v = {**data.validated_data, "placement": placement}
        return self.out(followup_create(by=request.user, **v), status.HTTP_201_CREATED)

    @extend_schema(request=s.FollowUpRecordSerializer, responses=s.FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        """Record a follow-up as done: with whom, how it goes (1–5), notes, next actions."""
        followup = self.get_object()
        data = s.FollowUpRecordSerializer(
            data=request.data, context={"subject": followup.placement}
        )
        data.is_valid(raise_exception=True)
        return self.out(followup_record(followup=followup, by=request.user, **data.validated_data))

    @extend_schema(request=s.RescheduleSerializer, responses={201: s.FollowUpSerializer})
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        followup = self.get_object()
        data = s.RescheduleSerializer(data=request.data, context={"subject": followup.placement})
        data.is_valid(raise_exception=True)
        return self.out(
            followup_reschedule(followup=followup, by=request.user, **data.validated_data),
            status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses=s.FollowUpSerializer)
    @action(detail=True, methods=["post"], url_path="request-confirmation")
    def request_confirmation(self, request, pk=None):
        return self.out(followup_request_confirmation(followup=self.get_object(), by=request.user))

    @extend_schema(request=None, responses=s.FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The employer's supervisor confirms the follow-up."""
        return self.out(followup_confirm_by_employer(followup=self.get_object(), by=request.user))

    @extend_schema(
        parameters=[OpenApiParameter("when", str, enum=["today", "week", "overdue"])],
        responses=s.FollowUpSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def mine(self, request):
        """The signed-in guide's follow-ups: today, this week or overdue."""
        when = request.query_params.get("when", "week")
        if when not in ("today", "week", "overdue"):
            raise ValidationError({"when": ["Choose today, week or overdue."]})
        rows = selectors.my_followups(request.user, when=when)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(
            s.FollowUpSerializer(page, many=True, context=self.get_serializer_context()).data
        )
