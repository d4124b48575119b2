from django.urls import path
from rest_framework.routers import DefaultRouter

from matching.api import match_views, regional_views
from matching.participants.api import consent_link_views, progression, views

router = DefaultRouter(trailing_slash=True)
router.register("participants", views.ParticipantViewSet, basename="participant")
router.register("ocn-cases", views.OcnCaseViewSet, basename="ocn-case")
router.register("consents", views.ConsentViewSet, basename="consent")
router.register(
    "consent-invitations",
    consent_link_views.ConsentInvitationViewSet,
    basename="consent-invitation",
)
router.register("quality-assurers", views.QualityAssurerViewSet, basename="quality-assurer")
router.register("match-decisions", match_views.DecisionViewSet, basename="match-decision")
router.register("recompute-jobs", match_views.RecomputeJobViewSet, basename="recompute-job")

urlpatterns = [
    path(
        "regional-participants/",
        regional_views.RegionalParticipantListView.as_view(),
        name="regional-participants",
    ),
    path(
        "participants/<int:pk>/regional/",
        regional_views.ParticipantRegionalView.as_view(),
        name="participant-regional",
    ),
    path(
        "participants/<int:pk>/matches/",
        match_views.ParticipantMatchesView.as_view(),
        name="participant-matches",
    ),
    path(
        "task-profiles/<int:pk>/matches/",
        match_views.ProfileMatchesView.as_view(),
        name="task-profile-matches",
    ),
    path("matches/explain/", match_views.ExplainView.as_view(), name="match-explain"),
    path(
        "participants/<int:pk>/personal-link/",
        consent_link_views.PersonalLinkView.as_view(),
        name="participant-personal-link",
    ),
    path(
        "participants/<int:pk>/personal-link/revoke/",
        consent_link_views.PersonalLinkRevokeView.as_view(),
        name="participant-personal-link-revoke",
    ),
    path("match-weights/", match_views.WeightsView.as_view(), name="match-weights"),
    path(
        "progression/measurements/",
        progression.MeasurementListView.as_view(),
        name="progression-measurements",
    ),
    path(
        "progression/measurements/<int:pk>/",
        progression.MeasurementAnswersView.as_view(),
        name="progression-measurement",
    ),
    *router.urls,
]
