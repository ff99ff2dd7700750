from django.contrib.gis.db import models


class EventType(models.TextChoices):
    ALERT_CREATED = "alert.created"
    ALERT_STEP_ADDED = "alert.step_added"
    ALERT_MERGED = "alert.merged"
    ALERT_INFORMATION_ADDED = "alert.information_added"
    ALERT_INFORMATION_HIDDEN = "alert.information_hidden"
    ALERT_PHOTO_APPROVED = "alert.photo_approved"
    MESSAGE_SENT = "message.sent"
    MESSAGE_UPDATED = "message.updated"
    MESSAGE_CANCELLED = "message.cancelled"


class Event(models.Model):
    """One row of the ordered event log; websockets only notify, clients resume from here.

    Ids follow commit order (the writer takes a transaction-scoped advisory lock), so a client
    that resumes "after id N" never skips an event that committed later with a smaller id.
    """

    type = models.CharField(max_length=40, choices=EventType.choices)
    alert = models.ForeignKey("alerts.Alert", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey("alerts.MassMessage", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    precinct = models.ForeignKey("geo.Precinct", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    agency = models.CharField(max_length=20, blank=True)
    # Where the community should hear of it: the alert's snapped point or the message's area.
    area = models.GeometryField(srid=4326, null=True, blank=True)
    # Full detail for dispatch; the reporter's view of their own alert; the redacted view for community members
    # (null: not for that audience).
    payload = models.JSONField()
    reporter_payload = models.JSONField(null=True, blank=True)
    community_payload = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["precinct", "id"], name="event_precinct_id"),
            models.Index(fields=["alert", "id"], name="event_alert_id"),
        ]


class RelayCursor(models.Model):
    """How far the relay has delivered the event log: every event with a larger id is still to be sent."""

    name = models.CharField(max_length=40, primary_key=True)
    last_event_id = models.BigIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.last_event_id}"


class EventLogHorizon(models.Model):
    """How far the event log has been pruned: a client that saw an id below this may have missed events."""

    pruned_through = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"pruned through {self.pruned_through}"
