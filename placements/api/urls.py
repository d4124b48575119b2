from rest_framework.routers import DefaultRouter

from placements.api import views

router = DefaultRouter(trailing_slash=True)
router.register("placements", views.PlacementViewSet, basename="placement")
router.register("follow-ups", views.FollowUpViewSet, basename="follow-up")
router.register("exits", views.ExitViewSet, basename="exit")

urlpatterns = router.urls
