"""Writing the ordered event log, the outbox. Services append inside their transaction; the relay
(``relay.py``) delivers what committed. This module knows nothing of what an event says: the writers in
``incidents/events.py`` and ``messaging/events.py`` build its views.

Clients receive ``{"id": event_id, "type": ..., "created_at": ..., **payload}``, where the payload is the one
for their audience: ``payload`` for dispatch, ``reporter_payload`` for the alert's reporter and
``community_payload`` for members (None: that audience does not receive the event).
"""

from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.utils import timezone
from psycopg.types.json import Jsonb

from ..models import Event, EventType

# Held from the event insert to commit, so event ids are handed out in commit order.
EVENT_LOG_LOCK_KEY = 0x76696769  # "vigi"
# LISTEN/NOTIFY channel on which the relay hears of new events.
EVENT_LOG_CHANNEL = "vigia_events"

# The lock and the insert travel in one statement, as the last one before COMMIT: the lock is held for the
# shortest time the client allows. (Taken in a statement of its own, it was held across the next round trip,
# and a request thread waiting for the GIL made every other writer queue behind it.) The notification wakes
# the relay; PostgreSQL sends it at commit, and only once per transaction.
_APPEND_SQL = f"""
    INSERT INTO {Event._meta.db_table}
        (type, alert_id, message_id, precinct_id, agency, area, payload, reporter_payload, community_payload,
         created_at)
    SELECT %s, %s, %s, %s, %s, ST_GeomFromEWKB(%s), %s, %s, %s, %s
    FROM (SELECT pg_advisory_xact_lock(%s)) AS event_log_lock, (SELECT pg_notify(%s, '')) AS relay_wake
    RETURNING id
"""


def _json(value: dict | None):
    return None if value is None else Jsonb(value)


def event_append(
    *,
    event_type: str,
    payload: dict,
    reporter_payload: dict | None = None,
    community_payload: dict | None = None,
    alert_id: int | None = None,
    message_id: int | None = None,
    precinct_id: int | None = None,
    agency: str = "",
    area: GEOSGeometry | None = None,
) -> Event:
    """Append one event; call it last in the writing transaction (it holds the ordering lock until commit)."""
    event = Event(
        type=event_type,
        alert_id=alert_id,
        message_id=message_id,
        precinct_id=precinct_id,
        agency=agency,
        area=area,
        payload=payload,
        reporter_payload=reporter_payload,
        community_payload=community_payload,
        created_at=timezone.now(),
    )
    parameters = [
        event.type,
        event.alert_id,
        event.message_id,
        event.precinct_id,
        event.agency,
        None if area is None else bytes(area.ewkb),
        Jsonb(payload),
        _json(reporter_payload),
        _json(community_payload),
        event.created_at,
        EVENT_LOG_LOCK_KEY,
        EVENT_LOG_CHANNEL,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_APPEND_SQL, parameters)
        event.id = cursor.fetchone()[0]
    event._state.adding, event._state.db = False, connection.alias
    return event


__all__ = ["EventType", "event_append"]
