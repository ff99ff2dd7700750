from django.urls import path

from .apis import (
    HomeAddressApi,
    MeApi,
    NeighborRegisterApi,
    PasswordChangeApi,
    TokenLoginApi,
    TokenLogoutAllApi,
    TokenLogoutApi,
    WebsocketTicketApi,
)

app_name = "accounts"
urlpatterns = [
    path("register/", NeighborRegisterApi.as_view(), name="register"),
    path("token/", TokenLoginApi.as_view(), name="token"),
    path("logout/", TokenLogoutApi.as_view(), name="logout"),
    path("logout-all/", TokenLogoutAllApi.as_view(), name="logout-all"),
    path("password/", PasswordChangeApi.as_view(), name="password"),
    path("ws-ticket/", WebsocketTicketApi.as_view(), name="websocket-ticket"),
    path("me/", MeApi.as_view(), name="me"),
    path("me/address/", HomeAddressApi.as_view(), name="address"),
]
