from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from backend.geo.services import address_register

from .permissions import IsNeighbor
from .serializers import AddressSerializer, LoginSerializer, RegisterSerializer, TokenSerializer, UserSerializer
from .services import neighbor_register, token_issue, token_login


class NeighborRegisterApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "registration"

    @extend_schema(request=RegisterSerializer, responses={201: TokenSerializer})
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = neighbor_register(**serializer.validated_data)
        body = TokenSerializer({"token": token_issue(user=user), "user": user}).data
        return Response(body, status=status.HTTP_201_CREATED)


class TokenLoginApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=LoginSerializer, responses=TokenSerializer)
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user, token = token_login(request=request, **serializer.validated_data)
        return Response(TokenSerializer({"token": token, "user": user}).data)


class MeApi(APIView):
    @extend_schema(responses=UserSerializer)
    def get(self, request):
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
