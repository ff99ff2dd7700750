from django.urls import path

from .apis import PrecinctDetailApi, PrecinctListApi, PrecinctLocateApi

app_name = "geo"
urlpatterns = [
    path("precincts/", PrecinctListApi.as_view(), name="precinct-list"),
    path("precincts/<str:code>/", PrecinctDetailApi.as_view(), name="precinct-detail"),
    path("locate", PrecinctLocateApi.as_view(), name="locate"),
]
