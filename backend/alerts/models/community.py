from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q


class ZoneKind(models.TextChoices):
    RADIUS = "radius", "Home address and radius"
    POLYGON = "polygon", "Drawn polygon"


class Zone(models.Model):
    """An area a community member follows; alerts and mass messages inside it reach them."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="zones")
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=ZoneKind.choices)
    center = models.PointField(srid=4326, null=True, blank=True)
    radius_meters = models.PositiveIntegerField(null=True, blank=True)
    # Radius zones are stored buffered too, so one indexed ST_Intersects matches every kind.
    boundary = models.PolygonField(srid=4326)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(boundary__isvalid=True), name="zone_boundary_valid"),
            models.CheckConstraint(
                condition=Q(kind="polygon") | (Q(center__isnull=False) & Q(radius_meters__isnull=False)),
                name="zone_radius_has_center",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.member_id})"
