from django.urls import path

from .apis import (
    ReunificationDecisionApi,
    ReunificationDetailApi,
    ReunificationListCreateApi,
    ReunificationOfficerDetailApi,
    ReunificationQueueApi,
    ReunificationStepApi,
)

app_name = "reunification"
urlpatterns = [
    path("requests/", ReunificationListCreateApi.as_view(), name="requests"),
    path("requests/<str:folio>/", ReunificationDetailApi.as_view(), name="request"),
    path("queue/", ReunificationQueueApi.as_view(), name="queue"),
    path("queue/<str:folio>/", ReunificationOfficerDetailApi.as_view(), name="queue-request"),
    path("queue/<str:folio>/steps/", ReunificationStepApi.as_view(), name="queue-step"),
    path("queue/<str:folio>/decision/", ReunificationDecisionApi.as_view(), name="queue-decision"),
]
