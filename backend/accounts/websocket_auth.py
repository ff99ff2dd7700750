"""Websocket authentication and the Origin rule.

A socket proves who it is with one of:

* ``?ticket=<ticket>``: a single-use ticket from ``POST /api/accounts/ws-ticket/``, valid for seconds;
* ``Sec-WebSocket-Protocol: vigia.token, <token>``: the API token, for apps that cannot make that call first
  (the server answers with the ``vigia.token`` subprotocol, so the token is never echoed);
* the session cookie, from our own pages only;
* a first message ``{"type": "auth", "token" | "ticket": ...}`` (handled by the consumers).

``?token=`` is refused: long-lived tokens in URLs end up in access logs. A credential that is presented
and fails ends the socket with 4401 rather than falling back to another.

Origin: a browser always sends it, so a foreign Origin is refused at the handshake (HTTP 403). Native apps send
none; they are let in, but their cookies are ignored: a cookie without an Origin is not a page we can trust, so
such a socket must bring a ticket or a token.
"""

from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack
from channels.middleware import BaseMiddleware
from channels.security.websocket import OriginValidator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from backend.common.asyncdb import database_read

from .authentication import token_user
from .services import websocket_ticket_redeem

SUBPROTOCOL_TOKEN = "vigia.token"
# Set on the scope when the handshake carried a credential, valid or not; the consumer closes 4401 if it failed.
SCOPE_CREDENTIALS_PRESENTED = "credentials_presented"
# The subprotocol the consumer must accept with, if any.
SCOPE_ACCEPT_SUBPROTOCOL = "accept_subprotocol"


@database_read
def user_for_token(key: str):
    return token_user(key) or AnonymousUser()


# A write, but one self-contained statement (DELETE ... RETURNING), so it needs no shared connection.
@database_read
def user_for_ticket(ticket: str):
    return websocket_ticket_redeem(ticket=ticket) or AnonymousUser()


def _token_from_subprotocols(protocols: list[str]) -> str | None:
    index = protocols.index(SUBPROTOCOL_TOKEN)
    return protocols[index + 1] if index + 1 < len(protocols) else None


class CredentialsMiddleware(BaseMiddleware):
    """Sets ``scope["user"]`` from a ticket or a subprotocol token, overriding whatever the session said."""

    async def __call__(self, scope, receive, send):
        scope = dict(scope)
        query = parse_qs(scope.get("query_string", b"").decode("latin1"))
        protocols = list(scope.get("subprotocols") or [])
        if "ticket" in query:
            scope[SCOPE_CREDENTIALS_PRESENTED] = True
            scope["user"] = await user_for_ticket(query["ticket"][0])
        elif SUBPROTOCOL_TOKEN in protocols:
            scope[SCOPE_CREDENTIALS_PRESENTED] = True
            scope[SCOPE_ACCEPT_SUBPROTOCOL] = SUBPROTOCOL_TOKEN
            token = _token_from_subprotocols(protocols)
            scope["user"] = await user_for_token(token) if token else AnonymousUser()
        elif "token" in query:
            scope[SCOPE_CREDENTIALS_PRESENTED] = True
            scope["user"] = AnonymousUser()
        return await self.inner(scope, receive, send)


class OriginPolicy(OriginValidator):
    """Channels' Origin check, except that no Origin at all is a native app: allowed, with its cookies dropped."""

    async def __call__(self, scope, receive, send):
        headers = scope.get("headers", [])
        if not any(name == b"origin" for name, _ in headers):
            scope = {**scope, "headers": [(name, value) for name, value in headers if name != b"cookie"]}
        return await super().__call__(scope, receive, send)

    def valid_origin(self, parsed_origin) -> bool:
        return parsed_origin is None or self.validate_origin(parsed_origin)


def WebsocketAuthStack(inner):  # noqa: N802 - mirrors Channels' AuthMiddlewareStack
    allowed_hosts = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed_hosts:
        allowed_hosts = ["localhost", "127.0.0.1", "[::1]"]
    return OriginPolicy(AuthMiddlewareStack(CredentialsMiddleware(inner)), allowed_hosts)
