from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

api_patterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("geo/", include("backend.geo.urls")),
    path("accounts/", include("backend.accounts.urls")),
    path("", include("backend.alerts.urls")),
    path("analytics/", include("backend.analytics.urls")),
    path("station/", include("backend.station.urls")),
]

urlpatterns = [
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # ClaveÚnica sign-in (mozilla-django-oidc): /claveunica/authenticate/ and /claveunica/callback/.
    path("claveunica/", include("backend.station.identity.urls")),
    path("", include("dashboards.urls")),
]
