"""The events an alert writes to the log, with the views each audience receives (shapes in ``presenters``).

* ``alert.created``            ``{"alert": alert}``
* ``alert.step_added``         ``{"alert": alert, "step": step}``
* ``alert.merged``             ``{"alert": alert, "merged_into": id}``
* ``alert.information_added``  ``{"alert": alert, "information_id": id}``
* ``alert.information_hidden`` ``{"alert": alert, "information_id": id}``
* ``alert.photo_approved``     ``{"alert": alert, "photo_id": id}``

``alert`` is the full view for dispatch, the reporter's view for the reporter, and the redacted view for
the community.
"""

from django.db import connection

from .. import presenters
from ..models import Alert, Event, EventType
from ..realtime.events import event_append


def alert_event_record(
    *,
    event_type: str,
    alert_id: int,
    extra: dict | None = None,
    community_extra: dict | None = None,
    snapshot: tuple[Alert, presenters.AlertRelated] | None = None,
) -> Event:
    """Append an alert event with the alert's current views for each audience.

    ``community_extra`` replaces ``extra`` in the redacted payload (e.g. a step without its officer).
    ``snapshot`` lets a service that just wrote the alert and all its rows skip reading them back.
    """
    if snapshot is None:
        alert = presenters.alert_for_views(alert_id)
        related = presenters.AlertRelated.of(alert)
    else:
        alert, related = snapshot
    payload = {"alert": presenters.alert_full(alert, related), **(extra or {})}
    community = community_extra if community_extra is not None else extra or {}
    return event_append(
        event_type=event_type,
        alert_id=alert.id,
        precinct_id=alert.precinct_id,
        agency=alert.agency,
        area=presenters.snapped_point(lat=alert.location.y, lon=alert.location.x),
        payload=payload,
        reporter_payload=presenters.payload_for_reporter(payload),
        community_payload={"alert": presenters.alert_redacted(alert, related), **community},
    )


# Earlier events hold the alert as it was: hiding an addition must reach them too, or a replay would show it.
# In full payloads the entry is flagged (dispatch still sees it); reporter and community payloads lose it.
_WITHOUT_ENTRY = """
    CASE WHEN {column}->'alert' ? 'information' THEN jsonb_set({column}, '{{alert,information}}', COALESCE((
        SELECT jsonb_agg(entry) FROM jsonb_array_elements({column}->'alert'->'information') AS entry
        WHERE entry->>'id' <> %(id)s), '[]'::jsonb))
    ELSE {column} END
"""
_HIDE_INFORMATION_SQL = f"""
    UPDATE {Event._meta.db_table} SET
        payload = jsonb_set(payload, '{{alert,information}}', COALESCE((
            SELECT jsonb_agg(CASE WHEN entry->>'id' = %(id)s THEN entry || '{{"is_hidden": true}}' ELSE entry END)
            FROM jsonb_array_elements(payload->'alert'->'information') AS entry), '[]'::jsonb)),
        reporter_payload = {_WITHOUT_ENTRY.format(column="reporter_payload")},
        community_payload = {_WITHOUT_ENTRY.format(column="community_payload")}
    WHERE alert_id = %(alert_id)s AND jsonb_typeof(payload->'alert'->'information') = 'array'
"""


def alert_events_information_hidden(*, alert_id: int, information_id: int) -> int:
    """Redact a hidden addition from the alert's logged events; returns how many were rewritten."""
    with connection.cursor() as cursor:
        cursor.execute(_HIDE_INFORMATION_SQL, {"id": str(information_id), "alert_id": alert_id})
        return cursor.rowcount


__all__ = ["EventType", "alert_event_record", "alert_events_information_hidden"]
