from .alerts import (
    AlertCreation,
    AlertInput,
    alert_create,
    alert_merge,
    alert_transition,
    photo_approve,
)
from .community import information_add, information_hide, zone_create, zone_delete

__all__ = [
    "AlertCreation",
    "AlertInput",
    "alert_create",
    "alert_merge",
    "alert_transition",
    "information_add",
    "information_hide",
    "photo_approve",
    "zone_create",
    "zone_delete",
]
