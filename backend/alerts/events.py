"""Writing the ordered event log, the outbox. Services call these inside their transaction; the relay
(``relay.py``) delivers what committed.

Event payloads (``Event.payload`` for dispatch and the reporter, ``Event.community_payload`` for members):

* ``alert.created``            ``{"alert": alert}``
* ``alert.step_added``         ``{"alert": alert, "step": step}``
* ``alert.merged``             ``{"alert": alert, "merged_into": id}``
* ``alert.information_added``  ``{"alert": alert, "information": information}``
* ``alert.information_hidden`` ``{"alert": alert, "information_id": id}``
* ``alert.photo_approved``     ``{"alert": alert, "photo": photo}``
* ``message.sent`` / ``message.updated`` / ``message.cancelled``  ``{"message": message}``

``alert`` is the full or redacted view from ``presenters``. Clients receive
``{"id": event_id, "type": ..., "created_at": ..., **payload}``.
"""

from django.db import connection
from django.db.models import Prefetch
from django.utils import timezone
from psycopg.types.json import Jsonb

from . import presenters
from .models import Alert, AlertInformation, AlertPhoto, AlertStep, Event, EventType, MassMessage

# Held from the event insert to commit, so event ids are handed out in commit order.
EVENT_LOG_LOCK_KEY = 0x76696769  # "vigi"
# LISTEN/NOTIFY channel on which the relay hears of new events.
EVENT_LOG_CHANNEL = "vigia_events"


def alert_for_views(alert_id: int) -> Alert:
    """An alert with everything the presenters read, in a fixed number of queries."""
    return (
        Alert.objects.select_related("category", "precinct", "reporter")
        .prefetch_related(
            Prefetch("steps", queryset=AlertStep.objects.select_related("actor")),
            Prefetch("photos", queryset=AlertPhoto.objects.order_by("id")),
            Prefetch("information", queryset=AlertInformation.objects.select_related("author")),
        )
        .get(id=alert_id)
    )


def _loaded(alert_id: int) -> tuple[Alert, presenters.AlertRelated]:
    alert = alert_for_views(alert_id)
    return alert, presenters.AlertRelated.of(alert)


# The lock and the insert travel in one statement, as the last one before COMMIT: the lock is held for the
# shortest time the client allows. (Taken in a statement of its own, it was held across the next round trip,
# and a request thread waiting for the GIL made every other writer queue behind it.) The notification wakes
# the relay; PostgreSQL sends it at commit, and only once per transaction.
_APPEND_SQL = f"""
    INSERT INTO {Event._meta.db_table}
        (type, alert_id, message_id, precinct_id, agency, area, payload, community_payload, created_at)
    SELECT %s, %s, %s, %s, %s, ST_GeomFromEWKB(%s), %s, %s, %s
    FROM (SELECT pg_advisory_xact_lock(%s)) AS event_log_lock, (SELECT pg_notify(%s, '')) AS relay_wake
    RETURNING id
"""


def _append(**fields) -> Event:
    event = Event(**fields, created_at=timezone.now())
    parameters = [
        event.type,
        event.alert_id,
        event.message_id,
        event.precinct_id,
        event.agency,
        None if event.area is None else bytes(event.area.ewkb),
        Jsonb(event.payload),
        None if event.community_payload is None else Jsonb(event.community_payload),
        event.created_at,
        EVENT_LOG_LOCK_KEY,
        EVENT_LOG_CHANNEL,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_APPEND_SQL, parameters)
        event.id = cursor.fetchone()[0]
    event._state.adding, event._state.db = False, connection.alias
    return event


def alert_event_record(
    *,
    event_type: str,
    alert_id: int,
    extra: dict | None = None,
    community_extra: dict | None = None,
    community: bool = True,
    snapshot: tuple[Alert, presenters.AlertRelated] | None = None,
) -> Event:
    """Append an alert event with the alert's current full and redacted views.

    ``community_extra`` replaces ``extra`` in the redacted payload (e.g. a step without its officer).
    ``snapshot`` lets a service that just wrote the alert and all its rows skip reading them back.
    """
    alert, related = snapshot or _loaded(alert_id)
    payload = {"alert": presenters.alert_full(alert, related), **(extra or {})}
    community_payload = (
        {
            "alert": presenters.alert_redacted(alert, related),
            **(community_extra if community_extra is not None else extra or {}),
        }
        if community
        else None
    )
    snapped = presenters.snapped_point(lat=alert.location.y, lon=alert.location.x)
    return _append(
        type=event_type,
        alert_id=alert.id,
        precinct_id=alert.precinct_id,
        agency=alert.agency,
        area=snapped,
        payload=payload,
        community_payload=community_payload,
    )


# Earlier events hold the alert as it was: hiding an addition must reach them too, or a replay would show it.
# In full payloads the entry is flagged (dispatch still sees it, the reporter's view drops it); community
# payloads lose it.
_HIDE_INFORMATION_SQL = f"""
    UPDATE {Event._meta.db_table} SET
        payload = jsonb_set(payload, '{{alert,information}}', COALESCE((
            SELECT jsonb_agg(CASE WHEN entry->>'id' = %(id)s THEN entry || '{{"is_hidden": true}}' ELSE entry END)
            FROM jsonb_array_elements(payload->'alert'->'information') AS entry), '[]'::jsonb)),
        community_payload = CASE WHEN community_payload->'alert' ? 'information'
            THEN jsonb_set(community_payload, '{{alert,information}}', COALESCE((
                SELECT jsonb_agg(entry) FROM jsonb_array_elements(community_payload->'alert'->'information') AS entry
                WHERE entry->>'id' <> %(id)s), '[]'::jsonb))
            ELSE community_payload END
    WHERE alert_id = %(alert_id)s AND jsonb_typeof(payload->'alert'->'information') = 'array'
"""


def alert_events_information_hidden(*, alert_id: int, information_id: int) -> int:
    """Redact a hidden addition from the alert's logged events; returns how many were rewritten."""
    with connection.cursor() as cursor:
        cursor.execute(_HIDE_INFORMATION_SQL, {"id": str(information_id), "alert_id": alert_id})
        return cursor.rowcount


def message_event_record(*, event_type: str, message: MassMessage) -> Event:
    view = presenters.message_view(message)
    return _append(
        type=event_type,
        message=message,
        precinct_id=message.precinct_id,
        area=message.area,
        payload={"message": view},
        community_payload={"message": view},
    )


__all__ = ["EventType", "alert_event_record", "alert_events_information_hidden", "message_event_record"]
