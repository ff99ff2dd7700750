"""Push registrations (FCM tokens, Web Push subscriptions) and per-category push preferences."""

from django.conf import settings
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import schemas
from ..models import Category, Device, DeviceKind, PushPreference
from .serializers import DeviceRegisterSerializer, PushPreferencesSerializer
from .services import device_register, device_unregister, push_preferences_set


def _device_view(device: Device) -> dict:
    return {"id": device.id, "kind": device.kind, "created_at": device.created_at.isoformat()}


class DeviceListRegisterApi(APIView):
    """GET: your devices. POST: register this device (registering the same token again is harmless)."""

    @extend_schema(responses=schemas.DeviceListSerializer)
    def get(self, request):
        return Response({"devices": [_device_view(device) for device in request.user.devices.order_by("id")]})

    @extend_schema(request=DeviceRegisterSerializer, responses={201: schemas.DeviceSerializer})
    def post(self, request):
        serializer = DeviceRegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["kind"] == DeviceKind.WEB_PUSH:
            subscription = data["subscription"]
            device = device_register(
                user=request.user, kind=data["kind"], token=subscription["endpoint"], keys=dict(subscription["keys"])
            )
        else:
            device = device_register(user=request.user, kind=data["kind"], token=data["token"])
        return Response(_device_view(device), status=status.HTTP_201_CREATED)


class DeviceDeleteApi(APIView):
    """Unregister one of your devices."""

    @extend_schema(responses={204: None})
    def delete(self, request, device_id: int):
        device_unregister(user=request.user, device_id=device_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebPushKeyApi(APIView):
    """The VAPID public key browsers pass to pushManager.subscribe() as applicationServerKey."""

    @extend_schema(responses=schemas.WebPushKeySerializer)
    def get(self, request):
        return Response({"public_key": settings.WEBPUSH_VAPID_PUBLIC_KEY})


class PushPreferencesApi(APIView):
    """Per-category push switches; a category you never switched off is on."""

    def _preferences(self, user) -> dict:
        disabled = set(
            PushPreference.objects.filter(user=user, is_enabled=False).values_list("category__code", flat=True)
        )
        codes = Category.objects.filter(is_active=True).values_list("code", flat=True)
        return {"preferences": {code: code not in disabled for code in codes}}

    @extend_schema(responses=schemas.PushPreferencesViewSerializer)
    def get(self, request):
        return Response(self._preferences(request.user))

    @extend_schema(request=PushPreferencesSerializer, responses=schemas.PushPreferencesViewSerializer)
    def put(self, request):
        serializer = PushPreferencesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        push_preferences_set(user=request.user, preferences=serializer.validated_data["preferences"])
        return Response(self._preferences(request.user))


urlpatterns = [
    path("devices/", DeviceListRegisterApi.as_view(), name="device-list"),
    path("devices/webpush-key/", WebPushKeyApi.as_view(), name="device-webpush-key"),
    path("devices/<int:device_id>/", DeviceDeleteApi.as_view(), name="device-delete"),
    path("push-preferences/", PushPreferencesApi.as_view(), name="push-preferences"),
]
