from django.urls import path

from . import views

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
]
