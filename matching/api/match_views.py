"""Matches for staff: ranked, explained; decisions; weights; recompute jobs. Never for employers."""

import threading

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from core.choices import Role
from core.compiled import CompiledRows
from employers.models import TaskProfile
from matching.api import match_serializers as s
from matching.models import MatchDecision, MatchWeights, Participant, RecomputeJob
from matching.participants.services import audit
from matching.services import decisions, recompute, suggestions, weights

STAFF = (Role.GUIDE, Role.COORDINATOR, Role.MANAGER, Role.ADMIN)


# A plain list of matches, or (with include_excluded) a page of them. drf-spectacular's polymorphic
# proxy drops a many=True member, so the schema is written out (Match is the ExplainView's component).
_MATCH = {"$ref": "#/components/schemas/Match"}
_LINK = {"type": "string", "format": "uri", "nullable": True}
MATCHES_OR_PAGE = {
    200: {
        "oneOf": [
            {"type": "array", "items": _MATCH},
            {
                "type": "object",
                "required": ["count", "next", "previous", "results"],
                "properties": {
                    "count": {"type": "integer"},
                    "next": _LINK,
                    "previous": _LINK,
                    "results": {"type": "array", "items": _MATCH},
                },
            },
        ]
    }
}


def _page(request, q, count: int, results: list[dict]) -> Response:
    """The include_excluded listing: a page with links to its neighbours."""
    url = request.build_absolute_uri()
    page, size = q["page"], q["page_size"]
    nxt = replace_query_param(url, "page", page + 1) if page * size < count else None
    if page <= 1:
        prev = None
    elif page == 2:
        prev = remove_query_param(url, "page")
    else:
        prev = replace_query_param(url, "page", page - 1)
    return Response({"count": count, "next": nxt, "previous": prev, "results": results})


def _filters(q) -> suggestions.MatchFilter | None:
    """The list filters asked for, or None (the plain, fast ranking)."""
    if not (q.get("q") or q.get("municipality") or q.get("state")):
        return None
    return suggestions.MatchFilter(
        text=q.get("q", ""),
        municipality=q.get("municipality"),
        state=q.get("state") or ("all" if q["include_excluded"] else "included"),
    )


_QUERY_SERIALIZERS = threading.local()


def _query(serializer_class, request):
    """The validated query parameters, or a 400 naming each bad one (``ValidationError``).

    One serializer per thread, class and language validates the requests' queries: building one
    deep-copies its declared fields (a third of a warm matches request's own work), and validating
    keeps no state on it (``run_validation`` returns the values or raises the field errors). Per
    language, because a field's limit messages (``min_value``) are formatted once, in the language
    of the first request that fails them."""
    built = _QUERY_SERIALIZERS.__dict__.setdefault("by_class", {})
    key = (serializer_class, get_language())
    serializer = built.get(key)
    if serializer is None:
        serializer = built[key] = serializer_class()
    return serializer.run_validation(request.query_params)


# The matches requests' own reads, compiled once per role (``core.compiled``). The participant:
# only what ranking and the audit need (its row is wide: identity fields).
_MATCHED_PARTICIPANT = CompiledRows(
    lambda user, pk: (
        Participant.objects.visible_to(user).filter(pk=pk).only("pk", "unit_id", "code", "active")
    ),
    scoped=True,
    pk=None,
)
_MATCHED_PROFILE = CompiledRows(
    lambda user, pk: TaskProfile.objects.visible_to(user).filter(pk=pk).select_related("employer"),
    scoped=True,
    pk=None,
)


class ParticipantMatchesView(APIView):
    """The best task profiles for a participant, each with its breakdown."""

    read_roles = STAFF

    @extend_schema(parameters=[s.MatchQuerySerializer], responses=MATCHES_OR_PAGE)
    def get(self, request, pk):
        participant = _MATCHED_PARTICIPANT.one(user=request.user, pk=pk)
        if participant is None:
            raise Http404
        q = _query(s.MatchQuerySerializer, request)
        filters = _filters(q)
        if q["include_excluded"]:
            count, results = suggestions.rank_page(
                participant=participant,
                page=q["page"],
                page_size=q["page_size"],
                kind=q.get("kind"),
                max_distance_km=q.get("max_distance"),
                filters=filters,
            )
            audit.audit_participant_read(
                participant=participant, user=request.user, request=request, what="api matches"
            )
            return _page(request, q, count, results)
        if filters is not None:
            # The first ``limit`` of the filtered ranking, as a plain list like the unfiltered one.
            _count, results = suggestions.rank_page(
                participant=participant,
                page=1,
                page_size=q["limit"],
                kind=q.get("kind"),
                max_distance_km=q.get("max_distance"),
                filters=filters,
            )
            audit.audit_participant_read(
                participant=participant, user=request.user, request=request, what="api matches"
            )
            return Response(results)
        results = suggestions.rank_profiles_for(
            participant,
            limit=q["limit"],
            kind=q.get("kind"),
            max_distance_km=q.get("max_distance"),
            include_excluded=q["include_excluded"],
        )
        audit.audit_participant_read(
            participant=participant, user=request.user, request=request, what="api matches"
        )
        return Response(results)


class ProfileMatchesView(APIView):
    """The best participants for a task profile (staff only)."""

    read_roles = STAFF

    @extend_schema(parameters=[s.ProfileMatchQuerySerializer], responses=MATCHES_OR_PAGE)
    def get(self, request, pk):
        profile = _MATCHED_PROFILE.one(user=request.user, pk=pk)
        if profile is None:
            raise Http404
        q = _query(s.ProfileMatchQuerySerializer, request)
        filters = _filters(q)
        if q["include_excluded"]:
            count, results = suggestions.rank_page(
                profile=profile, page=q["page"], page_size=q["page_size"], filters=filters
            )
        elif filters is not None:
            _count, results = suggestions.rank_page(
                profile=profile, page=1, page_size=q["limit"], filters=filters
            )
        else:
            results = suggestions.rank_participants_for(profile, limit=q["limit"])
        audit.audit_participants_read(
            ids=[r.get("participant") for r in results],
            user=request.user,
            request=request,
            what="api profile matches",
        )
        if q["include_excluded"]:
            return _page(request, q, count, results)
        return Response(results)


class ExplainView(APIView):
    read_roles = STAFF

    @extend_schema(parameters=[s.ExplainQuerySerializer], responses=s.MatchSerializer)
    def get(self, request):
        q = _query(s.ExplainQuerySerializer, request)
        participant = get_object_or_404(
            Participant.objects.visible_to(request.user), pk=q["participant"]
        )
        profile = get_object_or_404(
            TaskProfile.objects.visible_to(request.user).select_related("employer"),
            pk=q["task_profile"],
        )
        return Response(suggestions.explain_pair(participant, profile))


class DecisionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    read_roles = STAFF
    write_roles = (Role.GUIDE, Role.ADMIN)
    serializer_class = s.DecisionSerializer
    filterset_fields = ["participant", "task_profile", "decision", "reason"]

    def get_queryset(self):
        return MatchDecision.objects.filter(
            participant__in=Participant.objects.visible_to(self.request.user)
        )

    @extend_schema(request=s.DecisionInputSerializer, responses=s.DecisionSerializer)
    def create(self, request, *args, **kwargs):
        data = s.DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        participant = get_object_or_404(
            Participant.objects.visible_to(request.user), pk=v["participant"].pk
        )
        profile = get_object_or_404(
            TaskProfile.objects.visible_to(request.user), pk=v["task_profile"].pk
        )
        row = decisions.decision_record(
            participant=participant,
            task_profile=profile,
            decision=v["decision"],
            reason=v.get("reason") or None,
            note=v.get("note", ""),
            by=request.user,
        )
        return Response(s.DecisionSerializer(row).data, status=status.HTTP_201_CREATED)


class WeightsView(generics.RetrieveUpdateAPIView):
    """The unit's matching weights: staff read, administrators change."""

    read_roles = STAFF
    write_roles = (Role.ADMIN,)
    serializer_class = s.WeightsSerializer
    http_method_names = ["get", "put", "patch", "head", "options"]

    def get_object(self):
        return MatchWeights.objects.filter(
            unit_id=self.request.user.unit_id
        ).first() or MatchWeights(unit_id=self.request.user.unit_id)

    def update(self, request, *args, partial=False, **kwargs):
        data = s.WeightsSerializer(self.get_object(), data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        row = weights.weights_update(unit=request.user.unit, by=request.user, **data.validated_data)
        return Response(s.WeightsSerializer(row).data)


class RecomputeJobViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Start a full recompute of the unit's suggestions and follow its progress."""

    read_roles = STAFF
    write_roles = (Role.GUIDE, Role.COORDINATOR, Role.ADMIN)
    serializer_class = s.RecomputeJobSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return RecomputeJob.objects.none()
        return RecomputeJob.objects.filter(unit_id=self.request.user.unit_id)

    @extend_schema(request=None, responses={202: s.RecomputeJobSerializer})
    def create(self, request, *args, **kwargs):
        job = recompute.recompute_job_start(unit=request.user.unit, by=request.user)
        job.refresh_from_db()
        return Response(s.RecomputeJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
