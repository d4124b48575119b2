from django.urls import path
from rest_framework.routers import DefaultRouter

from placements.api import learning, views
from placements.outreach import api as outreach
from placements.projects import api as projects
from placements.reporting.api import method, statistics

router = DefaultRouter(trailing_slash=True)
router.register("placements", views.PlacementViewSet, basename="placement")
router.register("follow-ups", views.FollowUpViewSet, basename="follow-up")
router.register("exits", views.ExitViewSet, basename="exit")
router.register("weight-proposals", learning.WeightProposalViewSet, basename="weight-proposal")
router.register("projects", projects.ProjectViewSet, basename="project")
router.register("project-enrolments", projects.EnrolmentViewSet, basename="project-enrolment")
router.register("participant-starts", projects.StartViewSet, basename="participant-start")

urlpatterns = [
    *router.urls,
    path(
        "match-weights/rollback/", learning.WeightsRollbackView.as_view(), name="weights-rollback"
    ),
    path("outreach/", outreach.OutreachListView.as_view(), name="outreach"),
    path("outreach/log-call/", outreach.OutreachLogCallView.as_view(), name="outreach-log-call"),
    path(
        "outreach/add-to-register/",
        outreach.OutreachAddEmployerView.as_view(),
        name="outreach-add-to-register",
    ),
    path("statistics/", statistics.StatisticsView.as_view(), name="statistics"),
    path("statistics/export/", statistics.StatisticsExportView.as_view(), name="statistics-export"),
    path("statistics/started/", projects.StartedPersonsView.as_view(), name="statistics-started"),
    path("statistics/scb/", statistics.ScbExportView.as_view(), name="statistics-scb"),
    path("fidelity/", method.FidelityView.as_view(), name="fidelity"),
    path("fidelity/export/", method.FidelityExportView.as_view(), name="fidelity-export"),
    path(
        "progression/statistics/",
        method.ProgressionStatisticsView.as_view(),
        name="progression-statistics",
    ),
    path(
        "progression/statistics/export/",
        method.ProgressionExportView.as_view(),
        name="progression-export",
    ),
    path("sus/", method.SusListView.as_view(), name="sus-list"),
    path("exit-follow-ups/", statistics.ExitFollowUpView.as_view(), name="exit-six-month-followup"),
    path(
        "participant-history/import/",
        statistics.HistoryImportView.as_view(),
        name="participant-history-import",
    ),
]
