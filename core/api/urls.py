from django.urls import path
from rest_framework.routers import DefaultRouter

from core.api import views
from core.security.tokens import ObtainTokenView, RevokeTokenView

router = DefaultRouter(trailing_slash=True)
router.register("units", views.UnitViewSet, basename="unit")
router.register("regions", views.RegionViewSet, basename="region")
router.register("counties", views.CountyViewSet, basename="county")
router.register("municipalities", views.MunicipalityViewSet, basename="municipality")
router.register("localities", views.LocalityViewSet, basename="locality")
router.register("skills", views.SkillViewSet, basename="skill")
router.register("occupations", views.OccupationViewSet, basename="occupation")
router.register("industries", views.IndustryViewSet, basename="industry")
router.register("adaptations", views.AdaptationViewSet, basename="adaptation")
router.register("licences", views.LicenceViewSet, basename="licence")
router.register("ocn-programmes", views.OcnProgrammeViewSet, basename="ocn-programme")
router.register("kga-competences", views.KgaCompetenceViewSet, basename="kga-competence")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("auth/tokens/<int:user_id>/", RevokeTokenView.as_view(), name="api-token-revoke"),
    *router.urls,
]
