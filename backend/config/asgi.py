"""ASGI entry point: Django for HTTP, Channels for websockets.

Run it with ``uvicorn --no-proxy-headers``: the client address is decided here, from TRUSTED_PROXIES only
(uvicorn's own default would believe X-Forwarded-For from any connection on 127.0.0.1).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings.base")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware  # noqa: E402

from backend.accounts.websocket_auth import WebsocketAuthStack  # noqa: E402
from backend.alerts.realtime.routing import websocket_urlpatterns  # noqa: E402

# Behind a trusted proxy, the client (and scheme) come from its X-Forwarded-* headers; from anyone else, never.
application = ProxyHeadersMiddleware(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": WebsocketAuthStack(URLRouter(websocket_urlpatterns)),
        }
    ),
    trusted_hosts=settings.TRUSTED_PROXIES,
)
