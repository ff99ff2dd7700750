"""Reads for resuming a websocket stream from the ordered event log.

A *stream* is what one socket may see:

* dispatch   events of the precincts in the staff member's scope (agency operators: their agency, plus
             mass messages, which carry no agency)
* community  events with a redacted payload whose area meets one of the member's zones
* alert      every event of one alert, for its reporter

Ids follow commit order (see ``events.py``), so "everything after id N" is a complete answer once N
has been committed.
"""

from dataclasses import dataclass

from django.contrib.gis.geos import GEOSGeometry
from django.db.models import BooleanField, Exists, ExpressionWrapper, Max, OuterRef, Q, QuerySet

from backend.accounts.models import Role
from backend.accounts.scope import DISPATCH_ROLES, staff_scope, user_has_role
from backend.geo.models import Precinct

from ..models import Alert, Event, EventLogHorizon, Zone
from ..presenters import AUDIENCE_COMMUNITY, AUDIENCE_DISPATCH, AUDIENCE_REPORTER
from .broadcasts import alert_group, dispatch_group, event_envelope

STREAM_DISPATCH = "dispatch"
STREAM_COMMUNITY = "community"
STREAM_ALERT = "alert"
# Replays are read and sent in pages, so a long resync never holds thousands of rows at once.
REPLAY_BATCH_SIZE = 500


@dataclass(frozen=True, kw_only=True)
class Stream:
    """Which events one socket may receive, and in which view (full or redacted)."""

    kind: str
    precinct_ids: frozenset[int] | None = None
    agency: str | None = None
    member_id: int | None = None
    alert_id: int | None = None

    @property
    def audience(self) -> str:
        return {STREAM_COMMUNITY: AUDIENCE_COMMUNITY, STREAM_ALERT: AUDIENCE_REPORTER}.get(self.kind, AUDIENCE_DISPATCH)

    def accepts_agency(self, agency: str) -> bool:
        # Mass messages have no agency: every console hears them.
        return self.kind != STREAM_DISPATCH or self.agency is None or agency in ("", self.agency)

    def matches(self, meta: "EventMeta", zones: list["ZoneShape"]) -> bool:
        """The in-memory twin of ``stream_events``'s filter, for checking gaps without a query."""
        if self.kind == STREAM_ALERT:
            return meta.alert_id == self.alert_id
        if self.kind == STREAM_COMMUNITY:
            return meta.has_community and meta.area is not None and any(zone.meets(meta) for zone in zones)
        if meta.precinct_id is None or not self.accepts_agency(meta.agency):
            return False
        return self.precinct_ids is None or meta.precinct_id in self.precinct_ids


@dataclass(frozen=True, kw_only=True)
class EventMeta:
    """Just enough of an event to tell which streams it belongs to."""

    id: int
    precinct_id: int | None
    agency: str
    alert_id: int | None
    has_community: bool
    area: GEOSGeometry | None
    extent: tuple[float, float, float, float] | None = None


class ZoneShape:
    """A member's zone ready for many quick tests: its bounding box in Python, then a prepared geometry."""

    def __init__(self, boundary: GEOSGeometry) -> None:
        self.extent = boundary.extent
        self.prepared = boundary.prepared

    def meets(self, meta: EventMeta) -> bool:
        # Most events are far away; comparing boxes in Python spares a GEOS call for each of them.
        (min_x, min_y, max_x, max_y), (other_min_x, other_min_y, other_max_x, other_max_y) = self.extent, meta.extent
        if other_min_x > max_x or other_max_x < min_x or other_min_y > max_y or other_max_y < min_y:
            return False
        return self.prepared.intersects(meta.area)


@dataclass(frozen=True, kw_only=True)
class ResumePlan:
    """Where a (re)connecting socket starts: replay events with ids above ``after_id``."""

    after_id: int
    is_replay: bool
    is_full_resync: bool


def _stream_filter(stream: Stream) -> QuerySet[Event]:
    events = Event.objects.all()
    if stream.kind == STREAM_ALERT:
        return events.filter(alert_id=stream.alert_id)
    if stream.kind == STREAM_COMMUNITY:
        # One query: the zones' GiST index answers the EXISTS for each candidate event.
        in_zones = Zone.objects.filter(member_id=stream.member_id, boundary__intersects=OuterRef("area"))
        return events.filter(community_payload__isnull=False).filter(Exists(in_zones))
    events = events.filter(precinct_id__isnull=False)
    if stream.precinct_ids is not None:
        events = events.filter(precinct_id__in=stream.precinct_ids)
    if stream.agency is not None:
        events = events.filter(Q(agency="") | Q(agency=stream.agency))
    return events


def stream_events(
    stream: Stream, *, after_id: int, before_id: int | None = None, limit: int = REPLAY_BATCH_SIZE
) -> list[dict]:
    """Envelopes of the stream's events with after_id < id (< before_id), oldest first, at most ``limit``."""
    events = _stream_filter(stream).filter(id__gt=after_id)
    if before_id is not None:
        events = events.filter(id__lt=before_id)
    envelopes = (event_envelope(event, audience=stream.audience) for event in events.order_by("id")[:limit])
    return [envelope for envelope in envelopes if envelope is not None]


def event_log_bounds() -> tuple[int, int]:
    """(the id through which the log was pruned, 0 if never; the newest id, or that horizon for an empty log)."""
    horizon = EventLogHorizon.objects.values_list("pruned_through", flat=True).first() or 0
    newest = Event.objects.aggregate(newest=Max("id"))["newest"] or 0
    return horizon, max(newest, horizon)


def resume_plan(*, last_event_id: int | None) -> ResumePlan:
    """Decide how a socket that last saw ``last_event_id`` (None: a fresh client) catches up.

    An id newer than the log (unknown) or older than what retention pruned cannot be resumed exactly, so the
    stream is replayed from the oldest retained event with a resync flag. Gaps in ids (a rolled-back writer,
    a flushed test database) are not losses: only pruning is.
    """
    horizon, newest = event_log_bounds()
    if last_event_id is None:
        return ResumePlan(after_id=newest, is_replay=False, is_full_resync=False)
    if last_event_id < 0 or last_event_id > newest or last_event_id < horizon:
        return ResumePlan(after_id=horizon, is_replay=True, is_full_resync=True)
    return ResumePlan(after_id=last_event_id, is_replay=True, is_full_resync=False)


def event_metas(*, after_id: int, before_id: int) -> list[EventMeta]:
    """Routing facts of every event with after_id < id < before_id, for the in-memory gap check."""
    rows = (
        Event.objects.filter(id__gt=after_id, id__lt=before_id)
        .annotate(has_community=ExpressionWrapper(Q(community_payload__isnull=False), output_field=BooleanField()))
        .order_by("id")
        .values_list("id", "precinct_id", "agency", "alert_id", "has_community", "area")
    )
    return [
        EventMeta(
            id=id_,
            precinct_id=precinct_id,
            agency=agency,
            alert_id=alert_id,
            has_community=has,
            area=area,
            extent=area.extent if area is not None else None,
        )
        for id_, precinct_id, agency, alert_id, has, area in rows
    ]


def member_zone_shapes(*, member_id: int) -> list[ZoneShape]:
    return [ZoneShape(zone.boundary) for zone in Zone.objects.filter(member_id=member_id).only("boundary")]


def dispatch_stream_for(user) -> tuple[Stream, list[str]] | None:
    """The dispatch stream and groups of a dispatcher, agency operator or administrator; None if out of scope."""
    if not (user.is_superuser or user_has_role(user, *DISPATCH_ROLES, Role.ADMINISTRATOR)):
        return None
    scope = staff_scope(user)
    if scope.precinct_ids is not None and not scope.precinct_ids:
        return None
    precinct_ids = scope.precinct_ids
    if precinct_ids is None:
        groups = [dispatch_group(precinct_id) for precinct_id in Precinct.objects.values_list("id", flat=True)]
    else:
        groups = [dispatch_group(precinct_id) for precinct_id in sorted(precinct_ids)]
    return Stream(kind=STREAM_DISPATCH, precinct_ids=precinct_ids, agency=scope.agency), groups


def community_stream_for(user) -> tuple[Stream, list[str]] | None:
    if not (user.is_authenticated and user.is_active):
        return None
    # No per-socket group: the process's ``live.CommunityHub`` routes community events to the member.
    return Stream(kind=STREAM_COMMUNITY, member_id=user.id), []


def alert_stream_for(user, *, alert_id: int) -> tuple[Stream, list[str]] | None:
    """Only the reporter follows their alert here; an unknown alert looks the same as someone else's."""
    reporter_id = Alert.objects.filter(id=alert_id).values_list("reporter_id", flat=True).first()
    if reporter_id is None or reporter_id != user.id or not user.is_active:
        return None
    return Stream(kind=STREAM_ALERT, alert_id=alert_id), [alert_group(alert_id)]
