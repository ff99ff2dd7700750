"""Websocket authentication: a DRF token in the query string (apps), else the session cookie (pages)."""

from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser
from rest_framework.authtoken.models import Token

from backend.common.asyncdb import database_read


@database_read
def user_for_token(key: str):
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return AnonymousUser()
    return token.user


class TokenAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        tokens = parse_qs(scope.get("query_string", b"").decode()).get("token")
        if tokens:
            scope["user"] = await user_for_token(tokens[0])
        return await super().__call__(scope, receive, send)


def TokenOrSessionAuthStack(inner):  # noqa: N802 - mirrors Channels' AuthMiddlewareStack
    return AuthMiddlewareStack(TokenAuthMiddleware(inner))
