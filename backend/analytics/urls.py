from django.urls import path

from .apis import (
    AdoptionApi,
    AnalyticsJobApi,
    AnalyticsJobResultApi,
    DarkFigureApi,
    HotspotsApi,
    IncidentLinkageRunApi,
    IncidentLinkConfirmApi,
    IncidentLinkListApi,
    IncidentLinkUnlinkApi,
    PrecinctMonthMapApi,
    StopPackApi,
    StopPackPageApi,
    StopPackPdfApi,
)

app_name = "analytics"
urlpatterns = [
    path("dark-figure/", DarkFigureApi.as_view(), name="dark-figure"),
    path("stop-pack/", StopPackApi.as_view(), name="stop-pack"),
    path("stop-pack/page/", StopPackPageApi.as_view(), name="stop-pack-page"),
    path("stop-pack/pdf/", StopPackPdfApi.as_view(), name="stop-pack-pdf"),
    path("jobs/<int:job_id>/", AnalyticsJobApi.as_view(), name="job"),
    path("jobs/<int:job_id>/result/", AnalyticsJobResultApi.as_view(), name="job-result"),
    path("adoption/", AdoptionApi.as_view(), name="adoption"),
    path("hotspots/", HotspotsApi.as_view(), name="hotspots"),
    path("maps/precinct-month/", PrecinctMonthMapApi.as_view(), name="map"),
    path("links/", IncidentLinkListApi.as_view(), name="link-list"),
    path("links/run/", IncidentLinkageRunApi.as_view(), name="link-run"),
    path("links/<int:link_id>/confirm/", IncidentLinkConfirmApi.as_view(), name="link-confirm"),
    path("links/<int:link_id>/unlink/", IncidentLinkUnlinkApi.as_view(), name="link-unlink"),
]
