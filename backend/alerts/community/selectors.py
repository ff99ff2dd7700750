"""Reads for the community: alerts in a member's zones (decided on their ~100 m cells), and who follows an area."""

from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from backend.common.errors import NotFound

from ..models import Alert, Event, Zone
from ..presenters import with_views

COMMUNITY_WINDOW = timedelta(days=14)
ERROR_ALERT_NOT_FOUND = gettext_lazy("No such alert.")


def zone_member_ids(area) -> list[int]:
    """Members with a zone meeting ``area``: one query on the zones' GiST index."""
    # order_by(): the model's ordering would otherwise join DISTINCT and return one row per zone.
    members = Zone.objects.filter(boundary__intersects=area).order_by().values_list("member_id", flat=True)
    return list(members.distinct())


def community_alerts(*, member, since: datetime | None = None) -> QuerySet[Alert]:
    """Recent alerts inside any of the member's zones (one indexed spatial semi-join)."""
    # Decided on the community cell, never the exact point: probing with zones reveals no more than the view.
    in_zone = Zone.objects.filter(member=member, boundary__intersects=OuterRef("community_location"))
    since = since or timezone.now() - COMMUNITY_WINDOW
    return with_views(Alert.objects.filter(Exists(in_zone), created_at__gte=since)).order_by("-created_at", "-id")


def community_alert_get(*, member, alert_id: int) -> Alert:
    alert = community_alerts(member=member, since=timezone.now() - COMMUNITY_WINDOW).filter(id=alert_id).first()
    if alert is None:
        raise NotFound(ERROR_ALERT_NOT_FOUND)
    return alert


_EVENT_MEMBERS_SQL = f"""
    SELECT event.id, array_agg(DISTINCT zone.member_id ORDER BY zone.member_id)
    FROM {Event._meta.db_table} AS event
    JOIN {Zone._meta.db_table} AS zone ON ST_Intersects(zone.boundary, event.area)
    WHERE event.id = ANY(%s) AND event.community_payload IS NOT NULL
    GROUP BY event.id
"""


def event_member_ids(event_ids: list[int]) -> dict[int, list[int]]:
    """The members each logged event reaches (their zones meet its area), for a whole batch in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_EVENT_MEMBERS_SQL, [event_ids])
        return dict(cursor.fetchall())
