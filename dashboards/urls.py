from django.contrib.auth import views as auth_views
from django.urls import path

from . import tiles, views

app_name = "dashboards"
urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="dashboards:login"), name="logout"),
    path("accounts/register/", views.register, name="register"),
    path("alerta/", views.alert_button, name="alert-button"),
    path("comunidad/", views.community, name="community"),
    path("despacho/", views.dispatch, name="dispatch"),
    path("mando/", views.command, name="command"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("tiles/basemap.pmtiles", tiles.basemap_archive, name="basemap-archive"),
]
