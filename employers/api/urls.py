from rest_framework.routers import DefaultRouter

from employers.api import views

router = DefaultRouter(trailing_slash=True)
router.register("employers", views.EmployerViewSet, basename="employer")
router.register("sites", views.SiteViewSet, basename="site")
router.register("contacts", views.ContactPersonViewSet, basename="contact")
router.register("interactions", views.InteractionViewSet, basename="interaction")
router.register("task-profiles", views.TaskProfileViewSet, basename="task-profile")

urlpatterns = router.urls
