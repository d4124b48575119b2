from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import APIRootView

from core.api.urls import router as core_router
from employers.api.urls import router as employers_router
from matching.api.urls import router as matching_router
from placements.api.urls import router as placements_router
from portal.urls import auth_urlpatterns


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico whatever the page says; send them to the static icon."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("portal/favicon.svg")


# One browsable API root listing every app's endpoint groups (each app's router would list only
# its own, and the first one included would win).
api_root = APIRootView.as_view(
    api_root_dict={
        prefix: f"{basename}-list"
        for router in (core_router, employers_router, matching_router, placements_router)
        for prefix, _viewset, basename in router.registry
    }
)

api_v1 = [
    path("", api_root, name="api-root"),
    path("", include("core.api.urls")),
    path("", include("employers.api.urls")),
    path("", include("matching.api.urls")),
    path("", include("placements.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
]

urlpatterns = [
    path("favicon.ico", FaviconView.as_view()),
    path("api/v1/", include(api_v1)),
    path("i18n/", include("django.conf.urls.i18n")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include(auth_urlpatterns)),
    path("", include("portal.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
