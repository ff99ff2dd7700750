from django.urls import path

from .views import ClaveUnicaCallbackView, ClaveUnicaStartView

# The names are mozilla-django-oidc's, which reverses them itself.
urlpatterns = [
    path("authenticate/", ClaveUnicaStartView.as_view(), name="oidc_authentication_init"),
    path("callback/", ClaveUnicaCallbackView.as_view(), name="oidc_authentication_callback"),
]
