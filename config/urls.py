from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

from core.health import healthz

api_v1 = [
    path("", include("core.audit_urls")),
    path("", include("accounts.urls")),
    path("", include("programmes.urls")),
    path("", include("vouchers.urls")),
    path("", include("providers.urls")),
    path("", include("marketplace.urls")),
    path("", include("settlement.urls")),
]

urlpatterns = [
    re_path(r"^healthz/?$", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path(
        "api/redoc/",
        SpectacularRedocView.as_view(url_name="schema", template_name="core/redoc.html"),
        name="redoc",
    ),
    path("api/v1/", include(api_v1)),
    # The portal (web pages): last, it owns `/`.
    path("", include("portal.urls")),
]

# Pages for people (the portal's), the JSON envelope for programs and under /api/.
handler400 = "portal.views.errors.bad_request"
handler403 = "portal.views.errors.permission_denied"
handler404 = "portal.views.errors.not_found"
handler500 = "portal.views.errors.server_error"
