from csp.decorators import csp_update
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from portal.urls import auth_urlpatterns

DOCS_CSP = {
    "script-src": ["https://cdn.jsdelivr.net"],
    "style-src": ["https://cdn.jsdelivr.net", "https://fonts.googleapis.com", "'unsafe-inline'"],
    "img-src": ["https://cdn.jsdelivr.net", "https://cdn.redoc.ly"],
    "font-src": ["https://fonts.gstatic.com"],
    "worker-src": ["blob:"],
}

api_v1 = [
    path("", include("core.api.urls")),
    path("", include("employers.api.urls")),
    path("", include("matching.api.urls")),
    path("", include("placements.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The API docs load Swagger UI / ReDoc from their CDN and style themselves inline; only these
    # two pages relax the Content-Security-Policy (the split view serves its script as a file).
    path(
        "docs/",
        csp_update(DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api-docs",
    ),
    path(
        "redoc/",
        csp_update(DOCS_CSP)(SpectacularRedocView.as_view(url_name="schema")),
        name="api-redoc",
    ),
]

urlpatterns = [
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
