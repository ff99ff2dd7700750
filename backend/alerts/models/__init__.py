from .alerts import Alert, AlertInformation, AlertPhoto, AlertStatus, AlertStep, Category, ReporterRecord
from .community import Zone, ZoneKind
from .events import Event, EventLogHorizon, EventType, RelayCursor
from .messages import MassMessage, MessageStatus
from .open311 import (
    LIST_DATATYPES,
    LocationSource,
    Open311ApiKey,
    Open311Attribute,
    Open311Datatype,
    Open311Request,
    Open311Service,
)
from .push import Device, DeviceKind, PushPreference
from .webhooks import WEBHOOK_EVENT_TYPES, DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = [
    "LIST_DATATYPES",
    "WEBHOOK_EVENT_TYPES",
    "DeliveryStatus",
    "LocationSource",
    "Open311ApiKey",
    "Open311Attribute",
    "Open311Datatype",
    "Open311Request",
    "Open311Service",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "Alert",
    "AlertInformation",
    "AlertPhoto",
    "AlertStatus",
    "AlertStep",
    "Category",
    "Device",
    "DeviceKind",
    "Event",
    "EventLogHorizon",
    "EventType",
    "MassMessage",
    "MessageStatus",
    "PushPreference",
    "RelayCursor",
    "ReporterRecord",
    "Zone",
    "ZoneKind",
]
