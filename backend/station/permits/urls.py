from django.urls import path

from .apis import (
    CheckpointVerifyApi,
    CollectivePermitCreateApi,
    PermitCatalogueApi,
    PermitDetailApi,
    PermitFlaggedQueueApi,
    PermitListCreateApi,
)

urlpatterns = [
    path("", PermitListCreateApi.as_view(), name="permits"),
    path("types/", PermitCatalogueApi.as_view(), name="permit-types"),
    path("collective/", CollectivePermitCreateApi.as_view(), name="permit-collective"),
    path("checkpoint/", CheckpointVerifyApi.as_view(), name="permit-checkpoint"),
    path("flagged/", PermitFlaggedQueueApi.as_view(), name="permit-flagged"),
    path("<str:folio>/", PermitDetailApi.as_view(), name="permit"),
]
