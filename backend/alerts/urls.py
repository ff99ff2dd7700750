from .community.apis import urlpatterns as community_urls
from .incidents.apis import urlpatterns as incident_urls
from .messaging.apis import urlpatterns as messaging_urls
from .notifications.apis import urlpatterns as notification_urls

app_name = "alerts"
urlpatterns = [*incident_urls, *community_urls, *messaging_urls, *notification_urls]
