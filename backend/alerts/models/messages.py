import uuid

from django.conf import settings
from django.contrib.gis.db import models


class MessageStatus(models.TextChoices):
    ACTIVE = "active"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class MassMessage(models.Model):
    """A message from dispatch or command to everyone whose zones meet an area; also served as CAP 1.2."""

    identifier = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    precinct = models.ForeignKey("geo.Precinct", on_delete=models.PROTECT, related_name="mass_messages")
    headline = models.CharField(max_length=160)
    body = models.TextField()
    instruction = models.TextField(blank=True)
    severity = models.CharField(max_length=12, default="Moderate")
    urgency = models.CharField(max_length=12, default="Expected")
    certainty = models.CharField(max_length=12, default="Likely")
    area = models.MultiPolygonField(srid=4326)
    area_description = models.CharField(max_length=200)
    # Kept so CAP can say "circle" rather than an approximating polygon.
    circle_center = models.PointField(srid=4326, null=True, blank=True)
    circle_radius_meters = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=MessageStatus.choices, default=MessageStatus.ACTIVE)
    # An update or cancellation references the message it replaces (CAP msgType Update/Cancel).
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by")
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [models.CheckConstraint(condition=models.Q(area__isvalid=True), name="message_area_valid")]
