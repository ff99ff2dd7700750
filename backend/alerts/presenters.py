"""The shapes clients receive, built once and used by both the API and the event log.

Full views go to dispatch and to the reporter; redacted views go to community members.

Full alert::

    {"id", "category": {"code", "label_es", "label_en", "priority"}, "agency", "status",
     "location": {"lat", "lon"}, "accuracy_meters", "description", "precinct": {"id", "code", "name"},
     "is_overlap", "is_gap", "reporter": {"id", "name", "phone"}, "merged_into", "created_at",
     "photos": [photo], "steps": [{"status", "created_at", "note", "actor": {"id", "name"}, "photos": [id]}]}

Reporter's view (``alert_for_reporter``): the full view of their own alert without officers' identities,
with contributors anonymous (``information[].is_mine`` instead of ``author``), no hidden additions, and
others' photos only once approved.

Redacted alert (community): no reporter, no description, no notes, no officer names, the location
snapped to a ~100 m grid, and approved photos only::

    {"id", "category", "agency", "status", "location": {"lat", "lon"}, "created_at",
     "photos": [approved photo], "steps": [{"status", "created_at"}], "information": [info]}
"""

import math
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from rest_framework.response import Response
from rest_framework_gis.pagination import GeoJsonPagination

from backend.common.geojson import feature, geometry_geojson

from .models import Alert, AlertInformation, AlertPhoto, AlertStep, MassMessage
from .models.alerts import COMMUNITY_CELL_DEGREES

SNAP_DEGREES = COMMUNITY_CELL_DEGREES


def snap(value: float) -> float:
    """The centre of the ~100 m grid cell holding ``value``, so the exact point cannot be recovered."""
    return round((math.floor(value / SNAP_DEGREES) + 0.5) * SNAP_DEGREES, 6)


def snapped_point(*, lat: float, lon: float) -> Point:
    """The point the community may know of an alert: its cell's centre. Visibility is decided on it too, so
    that probing with zones can never reveal more than the redacted view shows."""
    return Point(snap(lon), snap(lat), srid=4326)


def _time(value) -> str:
    return value.isoformat()


def _category(alert: Alert) -> dict:
    category = alert.category
    return {"code": category.code, "label_es": category.label_es, "label_en": category.label_en,
            "priority": category.priority}  # fmt: skip


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.id, "name": user.get_full_name() or user.username}


def photo_view(photo: AlertPhoto) -> dict:
    return {
        "id": photo.id,
        "url": reverse("alerts:photo", kwargs={"alert_id": photo.alert_id, "photo_id": photo.id}),
        "thumbnail_url": reverse("alerts:photo-thumbnail", kwargs={"alert_id": photo.alert_id, "photo_id": photo.id}),
        "width": photo.width,
        "height": photo.height,
        "is_approved": photo.is_approved,
        "source": "dispatch" if photo.step_id else ("community" if photo.information_id else "reporter"),
    }


def step_view(step: AlertStep, *, redacted: bool, photos: list[AlertPhoto] = ()) -> dict:
    """A timeline step; ``photos`` are the alert's photos, of which the step's own are listed."""
    if redacted:
        return {"status": step.status, "created_at": _time(step.created_at)}
    return {
        "status": step.status,
        "created_at": _time(step.created_at),
        "note": step.note,
        "actor": _person(step.actor),
        "photos": [photo.id for photo in photos if photo.step_id == step.id],
    }


def information_view(information: AlertInformation, *, redacted: bool, photos: list[AlertPhoto] = ()) -> dict:
    """A member's addition; ``photos`` are the alert's photos, of which this addition's own are shown."""
    view = {
        "id": information.id,
        "text": information.text,
        "created_at": _time(information.created_at),
        "photos": [
            photo_view(photo)
            for photo in photos
            if photo.information_id == information.id and (photo.is_approved or not redacted)
        ],
    }
    if not redacted:
        view["author"] = _person(information.author)
        view["is_hidden"] = information.is_hidden
    return view


def with_views(queryset: QuerySet[Alert]) -> QuerySet[Alert]:
    """Everything the presenters read, in a fixed number of queries whatever the page size."""
    return queryset.select_related("category", "precinct", "reporter").prefetch_related(
        Prefetch("steps", queryset=AlertStep.objects.select_related("actor")),
        Prefetch("photos", queryset=AlertPhoto.objects.order_by("id")),
        Prefetch("information", queryset=AlertInformation.objects.select_related("author")),
    )


def alert_for_views(alert_id: int) -> Alert:
    """One alert with everything the presenters read."""
    return with_views(Alert.objects.all()).get(id=alert_id)


@dataclass(frozen=True)
class AlertRelated:
    """An alert's timeline, photos and information when the caller already holds them (no queries)."""

    steps: list[AlertStep]
    photos: list[AlertPhoto]
    information: list[AlertInformation]

    @classmethod
    def of(cls, alert: Alert) -> "AlertRelated":
        return cls(list(alert.steps.all()), list(alert.photos.all()), list(alert.information.all()))


def alert_full(alert: Alert, related: AlertRelated | None = None) -> dict:
    related = related or AlertRelated.of(alert)
    reporter = alert.reporter
    return {
        "id": alert.id,
        "category": _category(alert),
        "agency": alert.agency,
        "status": alert.status,
        "location": {"lat": alert.location.y, "lon": alert.location.x},
        "accuracy_meters": alert.accuracy_meters,
        "description": alert.description,
        "precinct": {"id": alert.precinct_id, "code": alert.precinct.code, "name": alert.precinct.name},
        "is_overlap": alert.is_overlap,
        "is_gap": alert.is_gap,
        "reporter": {**_person(reporter), "phone": reporter.phone},
        "merged_into": alert.merged_into_id,
        "created_at": _time(alert.created_at),
        "photos": [photo_view(photo) for photo in related.photos if photo.information_id is None],
        "steps": [step_view(step, redacted=False, photos=related.photos) for step in related.steps],
        "information": [information_view(info, redacted=False, photos=related.photos) for info in related.information],
    }


def alert_for_reporter(full: dict) -> dict:
    """The reporter's view of their own alert, derived from the full view: their own data and dispatch's
    answers, but contributors stay anonymous, hidden additions are gone, and others' photos show only once
    dispatch approves them. Officers are not named either."""
    reporter_id = full["reporter"]["id"]
    information = []
    for entry in full["information"]:
        is_mine = entry["author"]["id"] == reporter_id
        if entry["is_hidden"] and not is_mine:
            continue
        photos = [photo for photo in entry["photos"] if is_mine or photo["is_approved"]]
        information.append(
            {
                "id": entry["id"],
                "text": entry["text"],
                "created_at": entry["created_at"],
                "photos": photos,
                "is_mine": is_mine,
            }  # fmt: skip
        )
    return {
        **full,
        "photos": [photo for photo in full["photos"] if photo["source"] != "community" or photo["is_approved"]],
        "steps": [step_for_reporter(step) for step in full["steps"]],
        "information": information,
    }


def step_for_reporter(step: dict) -> dict:
    return {key: value for key, value in step.items() if key != "actor"}


def payload_for_reporter(payload: dict) -> dict:
    """An event payload (``incidents/events.py``) as the alert's reporter may receive it."""
    reporter_payload = {**payload, "alert": alert_for_reporter(payload["alert"])}
    if "step" in payload:
        reporter_payload["step"] = step_for_reporter(payload["step"])
    return reporter_payload


def alert_redacted(alert: Alert, related: AlertRelated | None = None) -> dict:
    related = related or AlertRelated.of(alert)
    return {
        "id": alert.id,
        "category": _category(alert),
        "agency": alert.agency,
        "status": alert.status,
        "location": {"lat": snap(alert.location.y), "lon": snap(alert.location.x)},
        "created_at": _time(alert.created_at),
        "merged_into": alert.merged_into_id,
        "photos": [photo_view(photo) for photo in related.photos if photo.is_approved and photo.information_id is None],
        "steps": [step_view(step, redacted=True) for step in related.steps],
        "information": [
            information_view(info, redacted=True, photos=related.photos)
            for info in related.information
            if not info.is_hidden
        ],
    }


AUDIENCE_DISPATCH = "dispatch"
AUDIENCE_REPORTER = "reporter"
AUDIENCE_COMMUNITY = "community"


def alert_view(alert: Alert, *, audience: str) -> dict:
    """The view of ``alert`` for dispatch (full), its reporter, or the community (redacted)."""
    if audience == AUDIENCE_COMMUNITY:
        return alert_redacted(alert)
    full = alert_full(alert)
    return alert_for_reporter(full) if audience == AUDIENCE_REPORTER else full


def alert_feature(view: dict) -> dict:
    """An alert view (any audience's, or with extras) as a GeoJSON Feature at the point that view shows."""
    location = view["location"]
    return feature(
        id=view["id"], geometry={"type": "Point", "coordinates": [location["lon"], location["lat"]]}, properties=view
    )


def message_view(message: MassMessage) -> dict:
    return {
        "id": message.id,
        "identifier": str(message.identifier),
        "headline": message.headline,
        "body": message.body,
        "instruction": message.instruction,
        "severity": message.severity,
        "urgency": message.urgency,
        "status": message.status,
        "area_description": message.area_description,
        "area": geometry_geojson(message.area),
        "precinct": message.precinct_id,
        "replaces": message.replaces_id,
        "sent_at": _time(message.sent_at),
        "expires_at": _time(message.expires_at) if message.expires_at else None,
        "cap_url": reverse("alerts:message-cap", kwargs={"message_id": message.id}),
    }


def message_feature(view: dict) -> dict:
    """A message view as a GeoJSON Feature whose geometry is its area."""
    properties = {name: value for name, value in view.items() if name != "area"}
    return feature(id=view["id"], geometry=view["area"], properties=properties)


class GeoJsonPage(GeoJsonPagination):
    page_size_query_param = "page_size"
    max_page_size = 500

    def respond(self, alerts, *, audience: str) -> Response:
        features = [alert_feature(alert_view(alert, audience=audience)) for alert in alerts]
        return self.get_paginated_response({"type": "FeatureCollection", "features": features})
