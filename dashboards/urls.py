from django.urls import path

from . import js_catalog, tiles, views
from .station import condolences as station_condolences
from .station import elections as station_elections
from .station import feedback as station_feedback
from .station import permits as station_permits
from .station import reunification as station_reunification
from .station import tips as station_tips
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
    # Anonymous tips: the public pages (no session, no cookie) and, before the complaints' <folio>, the officers'.
    path("comisaria/denuncia-anonima/", station_tips.tip_form, name="station-tip"),
    path("comisaria/denuncia-anonima/buzon/", station_tips.tip_mailbox, name="station-tip-mailbox"),
    path("comisaria/revision/denuncias-anonimas/", station_tips.tip_review_list, name="station-tip-review"),
    path(
        "comisaria/revision/denuncias-anonimas/<str:reference>/",
        station_tips.tip_review_detail,
        name="station-tip-review-detail",
    ),
    path(
        "comisaria/revision/denuncias-anonimas/<str:reference>/adjuntos/<int:attachment_id>/",
        station_tips.tip_review_attachment,
        name="station-tip-review-attachment",
    ),
    path("comisaria/revision/", station.review_list, name="station-review"),
    path("comisaria/revision/<str:folio>/", station.review_detail, name="station-review-detail"),
    path(
        "comisaria/revision/<str:folio>/evidencia/<int:evidence_id>/",
        station.review_evidence,
        name="station-review-evidence",
    ),
    path("comisaria/permisos/", station_permits.permit_request, name="station-permit-request"),
    path("comisaria/permisos/mios/", station_permits.my_permits, name="station-permits"),
    path("comisaria/permisos/<str:folio>/", station_permits.permit_detail, name="station-permit"),
    path("comisaria/control/", station_permits.checkpoint, name="station-checkpoint"),
    path("comisaria/control/revocados/", station_permits.flagged_permits, name="station-permits-flagged"),
    path("comisaria/reclamos-y-felicitaciones/", station_feedback.feedback_form, name="station-feedback"),
    path("comisaria/reclamos-y-felicitaciones/mios/", station_feedback.feedback_mine, name="station-feedback-mine"),
    path(
        "comisaria/reclamos-y-felicitaciones/<str:folio>/",
        station_feedback.feedback_detail,
        name="station-feedback-detail",
    ),
    path("comisaria/mando/reclamos/", station_feedback.feedback_queue_page, name="station-feedback-queue"),
    path("comisaria/mando/reclamos/<str:folio>/", station_feedback.feedback_review, name="station-feedback-review"),
    path("comisaria/libro-de-condolencias/", station_condolences.condolence_books, name="station-condolences"),
    path(
        "comisaria/libro-de-condolencias/<slug:slug>/",
        station_condolences.condolence_book,
        name="station-condolence-book",
    ),
    path("comisaria/moderacion/condolencias/", station_condolences.condolence_moderation, name="station-moderation"),
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
