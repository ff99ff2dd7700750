from .apis import alerts, community, devices, messages

app_name = "alerts"
urlpatterns = [*alerts.urlpatterns, *community.urlpatterns, *messages.urlpatterns, *devices.urlpatterns]
