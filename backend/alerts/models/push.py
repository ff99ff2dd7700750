from django.conf import settings
from django.db import models


class DeviceKind(models.TextChoices):
    FCM = "fcm", "Firebase Cloud Messaging token"
    WEB_PUSH = "webpush", "Web Push subscription"


class Device(models.Model):
    """A push registration: an FCM token or a browser's Web Push subscription."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="devices")
    kind = models.CharField(max_length=10, choices=DeviceKind.choices)
    # The FCM token, or the Web Push endpoint URL.
    token = models.CharField(max_length=1024)
    # Web Push keys (p256dh, auth); empty for FCM.
    keys = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_success_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "token"], name="device_kind_token")]

    def __str__(self) -> str:
        return f"{self.kind} device of user {self.user_id}"


class PushPreference(models.Model):
    """A member's choice to receive (or not) pushes for one category; absent means yes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_preferences")
    category = models.ForeignKey("alerts.Category", on_delete=models.CASCADE, related_name="+")
    is_enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "category"], name="push_preference_user_category")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.category_id} {'on' if self.is_enabled else 'off'}"
