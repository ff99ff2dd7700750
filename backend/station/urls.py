from django.urls import include, path

from .apis import ServiceCatalogueApi
from .complaints.apis import (
    ComplaintDetailApi,
    ComplaintListCreateApi,
    ComplaintReplyApi,
    ReviewActionApi,
    ReviewDetailApi,
    ReviewEvidenceApi,
    ReviewQueueApi,
)
from .constancias.apis import ConstanciaDetailApi, ConstanciaListCreateApi
from .documents.apis import (
    DocumentVerifyApi,
    MyDocumentDetailApi,
    MyDocumentListApi,
    MyDocumentPdfApi,
    SigningKeysApi,
    TokenVerifyApi,
)
from .drafts.apis import DraftApi

app_name = "station"
urlpatterns = [
    path("services/", ServiceCatalogueApi.as_view(), name="services"),
    path("complaints/", ComplaintListCreateApi.as_view(), name="complaints"),
    path("complaints/<str:folio>/", ComplaintDetailApi.as_view(), name="complaint"),
    path("complaints/<str:folio>/reply/", ComplaintReplyApi.as_view(), name="complaint-reply"),
    path("review/", ReviewQueueApi.as_view(), name="review-queue"),
    path("review/<str:folio>/", ReviewDetailApi.as_view(), name="review-complaint"),
    path("review/<str:folio>/actions/", ReviewActionApi.as_view(), name="review-action"),
    path("review/<str:folio>/evidence/<int:evidence_id>/", ReviewEvidenceApi.as_view(), name="review-evidence"),
    path("constancias/", ConstanciaListCreateApi.as_view(), name="constancias"),
    path("constancias/<str:folio>/", ConstanciaDetailApi.as_view(), name="constancia"),
    path("documents/", MyDocumentListApi.as_view(), name="documents"),
    path("documents/<str:folio>/", MyDocumentDetailApi.as_view(), name="document"),
    path("documents/<str:folio>/pdf/", MyDocumentPdfApi.as_view(), name="document-pdf"),
    path("verify/token/", TokenVerifyApi.as_view(), name="verify-token"),
    path("verify/<str:code>/", DocumentVerifyApi.as_view(), name="verify"),
    path("keys/", SigningKeysApi.as_view(), name="keys"),
    path("drafts/<str:form>/", DraftApi.as_view(), name="draft"),
    path("tips/", include("backend.station.tips.urls")),
    path("permits/", include("backend.station.permits.urls")),
    path("feedback/", include("backend.station.feedback.urls")),
    path("condolences/", include("backend.station.condolences.urls")),
    path("elections/", include("backend.station.elections.urls")),
    path("reunification/", include("backend.station.reunification.urls")),
]
