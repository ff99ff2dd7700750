from django.urls import path

from .apis import HomeAddressApi, MeApi, NeighborRegisterApi, TokenLoginApi

app_name = "accounts"
urlpatterns = [
    path("register/", NeighborRegisterApi.as_view(), name="register"),
    path("token/", TokenLoginApi.as_view(), name="token"),
    path("me/", MeApi.as_view(), name="me"),
    path("me/address/", HomeAddressApi.as_view(), name="address"),
]
