from rest_framework.routers import DefaultRouter

from matching.api import views

router = DefaultRouter(trailing_slash=True)
router.register("participants", views.ParticipantViewSet, basename="participant")
router.register("ocn-cases", views.OcnCaseViewSet, basename="ocn-case")
router.register("consents", views.ConsentViewSet, basename="consent")

urlpatterns = router.urls
