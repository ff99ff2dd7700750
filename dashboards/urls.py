from django.urls import path

from . import js_catalog, tiles, views
from .station import elections as station_elections
from .station import reunification as station_reunification
from .station import views as station

app_name = "dashboards"
urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/register/", views.register, name="register"),
    path("alerta/", views.alert_button, name="alert-button"),
    path("comunidad/", views.community, name="community"),
    path("despacho/", views.dispatch, name="dispatch"),
    path("mando/", views.command, name="command"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("jsi18n/<str:language>/", js_catalog.javascript_catalog, name="javascript-catalog"),
    path("tiles/basemap.pmtiles", tiles.basemap_archive, name="basemap-archive"),
    # Comisaría Virtual
    path("comisaria/", station.services, name="station-services"),
    path("comisaria/denuncias/<slug:code>/", station.complaint_form, name="station-complaint"),
    path("comisaria/constancias/<slug:code>/", station.constancia_form, name="station-constancia"),
    path("comisaria/documentos/", station.my_documents, name="station-documents"),
    path("comisaria/documentos/<str:folio>/", station.document_detail, name="station-document"),
    path("comisaria/documentos/<str:folio>/pdf/", station.document_pdf, name="station-document-pdf"),
    path("comisaria/sesion/", station.session_keepalive, name="station-keepalive"),
    path("comisaria/revision/", station.review_list, name="station-review"),
    path("comisaria/revision/<str:folio>/", station.review_detail, name="station-review-detail"),
    path(
        "comisaria/revision/<str:folio>/evidencia/<int:evidence_id>/",
        station.review_evidence,
        name="station-review-evidence",
    ),
    path("comisaria/excusa-electoral/", station_elections.excuse_form, name="station-excuse-form"),
    path("comisaria/excusa-electoral/mis-solicitudes/", station_elections.my_excuses, name="station-excuses"),
    path("comisaria/excusa-electoral/<str:folio>/", station_elections.excuse_status, name="station-excuse"),
    path("comisaria/excusas/", station_elections.desk, name="station-excuse-desk"),
    path("comisaria/excusas/<str:folio>/", station_elections.desk_detail, name="station-excuse-desk-detail"),
    path("comisaria/reencuentro/", station_reunification.request_form, name="station-reunification-form"),
    path("comisaria/reencuentro/mis-solicitudes/", station_reunification.my_requests, name="station-reunifications"),
    path("comisaria/reencuentro/<str:folio>/", station_reunification.request_status, name="station-reunification"),
    path("comisaria/reencuentros/", station_reunification.queue, name="station-reunification-queue"),
    path(
        "comisaria/reencuentros/<str:folio>/",
        station_reunification.queue_detail,
        name="station-reunification-detail",
    ),
    path("verificar/", station.verify, name="station-verify"),
    path("verificar/<str:code>/", station.verify, name="station-verify-code"),
]
