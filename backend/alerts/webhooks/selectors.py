"""Which endpoints hear of an event, and what each receives. Only the event row is read, never the alert.

* An endpoint hears of the event types it subscribed to, in its precincts (none chosen: all) and its agency
  (none: all; mass messages belong to no agency).
* Mass messages are public: everyone gets them whole.
* Alert events go out as the community sees them (``community_payload``: no reporter, no description, the
  ~100 m cell). Only a trusted agency endpoint, which must be scoped to precincts or an agency, gets the full
  view (``payload``), and the filters above keep it to events in that scope.
"""

from django.db.models import Prefetch

from backend.geo.models import Precinct

from ..models import Event, WebhookEndpoint
from ..models.webhooks import WEBHOOK_EVENT_TYPES

WEBHOOK_EVENT_TYPE_NAMES = frozenset(str(event_type) for event_type, _ in WEBHOOK_EVENT_TYPES)


def webhook_endpoints_active() -> list[WebhookEndpoint]:
    return list(
        WebhookEndpoint.objects.filter(is_active=True).prefetch_related(
            Prefetch("precincts", queryset=Precinct.objects.only("id"))
        )
    )


def endpoint_has_scope(endpoint: WebhookEndpoint) -> bool:
    return bool(endpoint.agency) or bool([precinct.id for precinct in endpoint.precincts.all()])


def endpoint_hears(endpoint: WebhookEndpoint, event: Event) -> bool:
    if event.type not in endpoint.event_types:
        return False
    precinct_ids = {precinct.id for precinct in endpoint.precincts.all()}
    if precinct_ids and event.precinct_id not in precinct_ids:
        return False
    return not (endpoint.agency and event.message_id is None and event.agency != endpoint.agency)


def webhook_body(endpoint: WebhookEndpoint, event: Event) -> dict | None:
    """The JSON an endpoint receives for ``event`` (as websocket clients get it), or None if it gets nothing."""
    if not endpoint_hears(endpoint, event):
        return None
    if event.message_id is not None:
        payload = event.payload
    elif endpoint.is_trusted_agency and endpoint_has_scope(endpoint):
        payload = event.payload
    else:
        payload = event.community_payload
    if payload is None:
        return None
    return {"id": event.id, "type": event.type, "created_at": event.created_at.isoformat(), **payload}
