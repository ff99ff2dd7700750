from django.urls import path

from .apis import (
    AdoptionApi,
    DarkFigureApi,
    HotspotsApi,
    IncidentLinkageRunApi,
    IncidentLinkConfirmApi,
    IncidentLinkListApi,
    IncidentLinkUnlinkApi,
    PrecinctMonthMapApi,
    StopPackApi,
    StopPackPageApi,
)

app_name = "analytics"
urlpatterns = [
    path("dark-figure/", DarkFigureApi.as_view(), name="dark-figure"),
    path("stop-pack/", StopPackApi.as_view(), name="stop-pack"),
    path("stop-pack/page/", StopPackPageApi.as_view(), name="stop-pack-page"),
    path("adoption/", AdoptionApi.as_view(), name="adoption"),
    path("hotspots/", HotspotsApi.as_view(), name="hotspots"),
    path("maps/precinct-month/", PrecinctMonthMapApi.as_view(), name="map"),
    path("links/", IncidentLinkListApi.as_view(), name="link-list"),
    path("links/run/", IncidentLinkageRunApi.as_view(), name="link-run"),
    path("links/<int:link_id>/confirm/", IncidentLinkConfirmApi.as_view(), name="link-confirm"),
    path("links/<int:link_id>/unlink/", IncidentLinkUnlinkApi.as_view(), name="link-unlink"),
]
