from .alerts import Alert, AlertInformation, AlertPhoto, AlertStatus, AlertStep, Category, ReporterRecord
from .community import Zone, ZoneKind
from .events import Event, EventLogHorizon, EventType, RelayCursor
from .messages import MassMessage, MessageStatus
from .push import Device, DeviceKind, PushPreference

__all__ = [
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
