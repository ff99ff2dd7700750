from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from backend.alerts.messaging.feeds import urlpatterns as cap_urls
from backend.alerts.open311.apis import urlpatterns as open311_urls
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
    # Open311 GeoReport v2 for outside clients (FixMyStreet, city 311 apps) and the CAP feed for alert hubs.
    path("open311/v2/", include((open311_urls, "open311"))),
    path("cap/", include((cap_urls, "cap"))),
    path("admin/", admin.site.urls),
    # Django's set_language, which also stores a signed-in person's choice.
    path("i18n/setlang/", language_set, name="set_language"),
    # ClaveÚnica sign-in (mozilla-django-oidc): /claveunica/authenticate/ and /claveunica/callback/.
    path("claveunica/", include("backend.station.identity.urls")),
    path("", include("dashboards.urls")),
]
