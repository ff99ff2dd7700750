from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from dashboards.views import language_set

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
    # Django's set_language, which also stores a signed-in person's choice.
    path("i18n/setlang/", language_set, name="set_language"),
    # ClaveÚnica sign-in (mozilla-django-oidc): /claveunica/authenticate/ and /claveunica/callback/.
    path("claveunica/", include("backend.station.identity.urls")),
    path("", include("dashboards.urls")),
]
