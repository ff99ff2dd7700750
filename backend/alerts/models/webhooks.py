from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import Agency

from .events import EventType

# The event types an endpoint may subscribe to.
WEBHOOK_EVENT_TYPES = (
    (EventType.ALERT_CREATED, _("Alert created")),
    (EventType.ALERT_STEP_ADDED, _("Alert step added")),
    (EventType.MESSAGE_SENT, _("Mass message sent")),
    (EventType.MESSAGE_UPDATED, _("Mass message updated")),
    (EventType.MESSAGE_CANCELLED, _("Mass message cancelled")),
)


class WebhookEndpoint(models.Model):
    """An integrator's URL that receives signed event POSTs (Standard Webhooks: HMAC-SHA256 over id, time, body).

    Outsiders get the community (redacted) view of alert events. Only an endpoint an administrator marks as a
    trusted agency endpoint, scoped to precincts and/or an agency, gets the full view, and only of events in scope.
    """

    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("URL"), max_length=500)
    # "whsec_" + base64: kept in clear because signing needs it (like any webhook sender); shown in the admin.
    secret = models.CharField(_("secret"), max_length=120)
    event_types = ArrayField(
        models.CharField(max_length=40, choices=WEBHOOK_EVENT_TYPES), verbose_name=_("event types"), default=list
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_trusted_agency = models.BooleanField(
        _("trusted agency endpoint"),
        default=False,
        help_text=_("Receives full alert details, for events in its precincts and agency only."),
    )
    precincts = models.ManyToManyField(
        "geo.Precinct", blank=True, related_name="+", verbose_name=_("precincts"),
        help_text=_("Only events of these precincts (none: every precinct)."),
    )  # fmt: skip
    agency = models.CharField(_("agency"), max_length=20, choices=Agency.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RETRYING = "retrying", _("Retrying")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Given up")
    REFUSED = "refused", _("Refused (unsafe address)")


class WebhookDelivery(models.Model):
    """One event for one endpoint, with every attempt to deliver it."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    # Not a foreign key: the event log is pruned after its retention, the delivery log is kept.
    event_id = models.BigIntegerField()
    event_type = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempt_count = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            # The relay delivers at least once: a repeated batch finds the delivery it already made.
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_delivery_endpoint_event"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="webhook_delivery_status")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} to {self.endpoint_id}: {self.status}"

    @property
    def webhook_id(self) -> str:
        """The Standard Webhooks message id: the same on every retry, so receivers can drop repeats."""
        return f"vigia-event-{self.event_id}"


class WebhookAttempt(models.Model):
    """One POST of a delivery: when, how long, and what the endpoint answered (or why it could not)."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    response_excerpt = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="webhook_attempt_number_positive"),
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}"
