from django.urls import path

from .apis import (
    ExcuseConfirmApi,
    ExcuseDeskApi,
    ExcuseDeskDetailApi,
    VoterExcuseCheckApi,
    VoterExcuseDetailApi,
    VoterExcuseListCreateApi,
)

app_name = "elections"
urlpatterns = [
    path("check/", VoterExcuseCheckApi.as_view(), name="check"),
    path("excuses/", VoterExcuseListCreateApi.as_view(), name="excuses"),
    path("excuses/<str:folio>/", VoterExcuseDetailApi.as_view(), name="excuse"),
    path("desk/", ExcuseDeskApi.as_view(), name="desk"),
    path("desk/<str:folio>/", ExcuseDeskDetailApi.as_view(), name="desk-excuse"),
    path("desk/<str:folio>/confirm/", ExcuseConfirmApi.as_view(), name="desk-confirm"),
]
