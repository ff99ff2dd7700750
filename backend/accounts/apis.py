from django.contrib.auth import update_session_auth_hash
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from backend.geo.services import address_register

from .authentication import TokenAuthentication
from .models import AuthToken
from .permissions import IsNeighbor
from .serializers import (
    AddressSerializer,
    LoginSerializer,
    MeUpdateSerializer,
    PasswordChangedSerializer,
    PasswordChangeSerializer,
    RegisterSerializer,
    TokenSerializer,
    UserSerializer,
    WebsocketTicketSerializer,
)
from .services import (
    neighbor_register,
    token_issue,
    token_login,
    token_revoke,
    token_revoke_all,
    user_language_set,
    user_password_change,
    websocket_ticket_issue,
)

LOCKED_OUT = OpenApiResponse(description="Too many attempts: rate-limited or locked out (`Retry-After` says when).")


class NeighborRegisterApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "registration"

    @extend_schema(request=RegisterSerializer, responses={201: TokenSerializer, 429: LOCKED_OUT})
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = neighbor_register(**serializer.validated_data)
        issued = token_issue(user=user)
        body = TokenSerializer({"token": issued.token, "expiry": issued.expiry, "user": user}).data
        return Response(body, status=status.HTTP_201_CREATED)


class TokenLoginApi(APIView):
    """Log in: every call issues a new token for this device (the old ones stay valid until revoked or idle)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=LoginSerializer, responses={200: TokenSerializer, 429: LOCKED_OUT})
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user, issued = token_login(request=request._request, **serializer.validated_data)
        return Response(TokenSerializer({"token": issued.token, "expiry": issued.expiry, "user": user}).data)


class TokenLogoutApi(APIView):
    """Revoke the token this request carries."""

    authentication_classes = [TokenAuthentication]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenLogoutAllApi(APIView):
    """Revoke every token of the signed-in user (all devices); a browser session stays signed in."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        token_revoke_all(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeApi(APIView):
    """Change your password: revokes every token and every other browser session of yours."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "password_change"

    @extend_schema(request=PasswordChangeSerializer, responses={200: PasswordChangedSerializer, 429: LOCKED_OUT})
    def post(self, request):
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with_token = isinstance(request.auth, AuthToken)
        issued = user_password_change(user=request.user, issue_token=with_token, **serializer.validated_data)
        if not with_token:
            update_session_auth_hash(request._request, request.user)
        body = {"token": issued and issued.token, "expiry": issued and issued.expiry, "user": request.user}
        return Response(PasswordChangedSerializer(body).data)


class WebsocketTicketApi(APIView):
    """A single-use ticket for opening one websocket, so the long-lived token never goes into a URL."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "websocket_ticket"

    @extend_schema(request=None, responses={201: WebsocketTicketSerializer})
    def post(self, request):
        issued = websocket_ticket_issue(user=request.user)
        body = WebsocketTicketSerializer({"ticket": issued.ticket, "expires_at": issued.expires_at}).data
        return Response(body, status=status.HTTP_201_CREATED)


class MeApi(APIView):
    @extend_schema(responses=UserSerializer)
    def get(self, request):
        return Response(UserSerializer(request.user).data)

    @extend_schema(request=MeUpdateSerializer, responses=UserSerializer)
    def patch(self, request):
        """Change your own preferences (for now, the language)."""
        serializer = MeUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if "language" in serializer.validated_data:
            user_language_set(user=request.user, language=serializer.validated_data["language"])
        return Response(UserSerializer(request.user).data)


class HomeAddressApi(APIView):
    """A neighbor's one registered home point, routed to its precinct."""

    permission_classes = [IsNeighbor]

    @extend_schema(request=AddressSerializer, responses=UserSerializer)
    def put(self, request):
        serializer = AddressSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        address_register(user=request.user, **serializer.validated_data)
        request.user.refresh_from_db()
        return Response(UserSerializer(request.user).data)
