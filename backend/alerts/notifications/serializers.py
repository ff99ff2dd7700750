"""Input validation for push devices and push preferences."""

from rest_framework import serializers

from ..models import DeviceKind


class WebPushKeysSerializer(serializers.Serializer):
    p256dh = serializers.CharField(max_length=200)
    auth = serializers.CharField(max_length=100)


class WebPushSubscriptionSerializer(serializers.Serializer):
    """The browser's PushSubscription.toJSON()."""

    endpoint = serializers.CharField(max_length=1024)
    keys = WebPushKeysSerializer()


class DeviceRegisterSerializer(serializers.Serializer):
    """FCM: ``{"kind": "fcm", "token": ...}``; Web Push: ``{"kind": "webpush", "subscription": {...}}``."""

    kind = serializers.ChoiceField(choices=DeviceKind.choices)
    token = serializers.CharField(max_length=1024, required=False)
    subscription = WebPushSubscriptionSerializer(required=False)

    def validate(self, data: dict) -> dict:
        if data["kind"] == DeviceKind.FCM and not data.get("token"):
            raise serializers.ValidationError({"token": "An FCM device needs its registration token."})
        if data["kind"] == DeviceKind.WEB_PUSH and not data.get("subscription"):
            raise serializers.ValidationError({"subscription": "A Web Push device needs its subscription."})
        return data


class PushPreferencesSerializer(serializers.Serializer):
    """``{"preferences": {"<category code>": true|false, ...}}``."""

    preferences = serializers.DictField(child=serializers.BooleanField(), allow_empty=False)
