"""ASGI entry point: Django for HTTP, Channels for websockets.

Run it with ``uvicorn --no-proxy-headers``: the client address is decided here, from TRUSTED_PROXIES only
(uvicorn's own default would believe X-Forwarded-For from any connection on 127.0.0.1).

Every HTTP view and middleware here is synchronous, so HTTP requests run the whole middleware chain and the
view in one hop to the worker thread (``OneHopASGIHandler``). Django's own handler, given sync middleware under
ASGI, hops between the event loop and the thread twice per middleware (``MiddlewareMixin.__acall__`` runs
``process_request`` and ``process_response`` each through ``sync_to_async``): about twenty hops a request, which
measured 2.8 ms of the 6.5 ms of server CPU the minimal write view costs (BENCHMARKS.md, issue 12).
"""

import os

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings.base")
django.setup(set_prefix=False)


class OneHopASGIHandler(ASGIHandler):
    """Django's ASGI handler with the middleware chain built synchronous, entered once per request.

    Body reading, streaming and the request signals stay Django's (``ASGIHandler.handle``); only
    ``get_response_async`` changes, to run the synchronous ``get_response`` in the thread that serves every
    synchronous call of this process (``thread_sensitive``), where the database connections live. An async view
    would still work (Django adapts it inside the chain); it would just pay a hop of its own.
    """

    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)


django_asgi_app = OneHopASGIHandler()

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
