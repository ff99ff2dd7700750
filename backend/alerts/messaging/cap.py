"""OASIS Common Alerting Protocol 1.2 XML for mass messages.

Spec: https://docs.oasis-open.org/emergency/cap/v1.2/CAP-v1.2-os.html. Two details trip people up:
CAP writes coordinates as ``lat,lon`` (GeoJSON is ``lon,lat``), and its times carry ``-00:00``
for UTC, never ``Z``, and no fractional seconds. Plain Python and lxml, no Django import.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from ..vocabularies import CERTAINTIES, SEVERITIES, URGENCIES  # noqa: F401 - re-exported with the CAP builder

CAP_NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
CAP_CONTENT_TYPE = "application/cap+xml"

STATUSES = ("Actual", "Exercise", "System", "Test", "Draft")
MESSAGE_TYPES = ("Alert", "Update", "Cancel", "Ack", "Error")
# Restricted and Private need <restriction>/<addresses>, which mass messages never use.
SCOPES = ("Public",)
CATEGORIES = (
    "Geo",
    "Met",
    "Safety",
    "Security",
    "Rescue",
    "Fire",
    "Health",
    "Env",
    "Transport",
    "Infra",
    "CBRNE",
    "Other",
)
MESSAGE_TYPES_WITH_REFERENCES = ("Update", "Cancel")
MINIMUM_POLYGON_POINTS = 4
COORDINATE_DECIMALS = 6

ERROR_NAIVE_DATETIME = "CAP times must be timezone-aware."
ERROR_INVALID_IDENTIFIER = "CAP identifiers and senders must be non-empty, without spaces, commas, '<' or '&'."
ERROR_INVALID_CHOICE = "{field} must be one of {choices}, not {value!r}."
ERROR_MISSING_REFERENCES = "Update and Cancel messages must reference the messages they replace."
ERROR_MISSING_AREA_DESCRIPTION = "The area needs a description."
ERROR_POLYGON_TOO_SHORT = "A CAP polygon needs at least 4 points, the first and last equal."
ERROR_COORDINATE_OUT_OF_RANGE = "Coordinates must be (lon, lat) with lon in [-180, 180] and lat in [-90, 90]."
ERROR_NEGATIVE_RADIUS = "A circle radius cannot be negative."
ERROR_INVALID_WEB = "The web link must be an absolute http(s) URL."

_IDENTIFIER_PATTERN = re.compile(r"[^\s,<&]+")
# XML 1.0 forbids these control characters; lxml would refuse the whole document.
_XML_FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

LonLat = tuple[float, float]


@dataclass(frozen=True, kw_only=True)
class CapReference:
    """An earlier message, named the way CAP's <references> names it."""

    sender: str
    identifier: str
    sent: datetime


@dataclass(frozen=True, kw_only=True)
class CapMessage:
    """One CAP alert with one info block and one area. Coordinates come in GeoJSON (lon, lat) order."""

    identifier: str
    sender: str
    sent: datetime
    event: str
    urgency: str
    severity: str
    certainty: str
    area_description: str
    status: str = "Actual"
    msg_type: str = "Alert"
    scope: str = "Public"
    references: Sequence[CapReference | tuple[str, str, datetime]] = ()
    language: str = "es-CL"
    category: str = "Safety"
    headline: str = ""
    description: str = ""
    instruction: str = ""
    sender_name: str = ""
    web: str = ""
    expires: datetime | None = None
    polygons: Sequence[Sequence[LonLat]] = ()
    circles: Sequence[tuple[LonLat, float]] = ()


def cap_time(value: datetime) -> str:
    """Format an aware datetime as CAP wants it: UTC, whole seconds, ``-00:00`` rather than ``Z``."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(ERROR_NAIVE_DATETIME)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S") + "-00:00"


def cap_polygon(ring: Sequence[LonLat]) -> str:
    """Turn a GeoJSON (lon, lat) ring into CAP's space-separated, closed ``lat,lon`` list."""
    points = [_checked_point(point) for point in ring]
    if points and points[0] != points[-1]:
        points.append(points[0])
    if len(points) < MINIMUM_POLYGON_POINTS:
        raise ValueError(ERROR_POLYGON_TOO_SHORT)
    return " ".join(f"{_number(lat)},{_number(lon)}" for lon, lat in points)


def cap_circle(center: LonLat, radius_km: float) -> str:
    """Turn a GeoJSON (lon, lat) centre and a radius in km into CAP's ``lat,lon radius``."""
    lon, lat = _checked_point(center)
    if radius_km < 0:
        raise ValueError(ERROR_NEGATIVE_RADIUS)
    return f"{_number(lat)},{_number(lon)} {_number(radius_km)}"


def cap_xml(message: CapMessage) -> bytes:
    """Serialize a message as a CAP 1.2 document (UTF-8, with XML declaration)."""
    _validate(message)
    alert = etree.Element(f"{{{CAP_NAMESPACE}}}alert", nsmap={None: CAP_NAMESPACE})
    # Child order follows the CAP 1.2 schema's xs:sequence; validators reject any other order.
    _add(alert, "identifier", message.identifier)
    _add(alert, "sender", message.sender)
    _add(alert, "sent", cap_time(message.sent))
    _add(alert, "status", message.status)
    _add(alert, "msgType", message.msg_type)
    _add(alert, "scope", message.scope)
    if message.references:
        _add(alert, "references", " ".join(_reference(reference) for reference in message.references))

    info = _add(alert, "info")
    _add(info, "language", message.language)
    _add(info, "category", message.category)
    _add(info, "event", message.event)
    _add(info, "urgency", message.urgency)
    _add(info, "severity", message.severity)
    _add(info, "certainty", message.certainty)
    if message.expires is not None:
        _add(info, "expires", cap_time(message.expires))
    for name, value in (
        ("senderName", message.sender_name),
        ("headline", message.headline),
        ("description", message.description),
        ("instruction", message.instruction),
        ("web", message.web),
    ):
        if value:
            _add(info, name, value)

    area = _add(info, "area")
    _add(area, "areaDesc", message.area_description)
    for ring in message.polygons:
        _add(area, "polygon", cap_polygon(ring))
    for center, radius_km in message.circles:
        _add(area, "circle", cap_circle(center, radius_km))
    return etree.tostring(alert, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _validate(message: CapMessage) -> None:
    for value in (message.identifier, message.sender):
        if not _IDENTIFIER_PATTERN.fullmatch(value):
            raise ValueError(ERROR_INVALID_IDENTIFIER)
    for field, value, choices in (
        ("status", message.status, STATUSES),
        ("msg_type", message.msg_type, MESSAGE_TYPES),
        ("scope", message.scope, SCOPES),
        ("category", message.category, CATEGORIES),
        ("urgency", message.urgency, URGENCIES),
        ("severity", message.severity, SEVERITIES),
        ("certainty", message.certainty, CERTAINTIES),
    ):
        if value not in choices:
            raise ValueError(ERROR_INVALID_CHOICE.format(field=field, choices=", ".join(choices), value=value))
    if message.msg_type in MESSAGE_TYPES_WITH_REFERENCES and not message.references:
        raise ValueError(ERROR_MISSING_REFERENCES)
    if not message.area_description.strip():
        raise ValueError(ERROR_MISSING_AREA_DESCRIPTION)
    if message.web and not message.web.startswith(("https://", "http://")):
        raise ValueError(ERROR_INVALID_WEB)


def _reference(reference: CapReference | tuple[str, str, datetime]) -> str:
    if not isinstance(reference, CapReference):
        sender, identifier, sent = reference
        reference = CapReference(sender=sender, identifier=identifier, sent=sent)
    for value in (reference.sender, reference.identifier):
        if not _IDENTIFIER_PATTERN.fullmatch(value):
            raise ValueError(ERROR_INVALID_IDENTIFIER)
    return f"{reference.sender},{reference.identifier},{cap_time(reference.sent)}"


def _checked_point(point: LonLat) -> LonLat:
    lon, lat = float(point[0]), float(point[1])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(ERROR_COORDINATE_OUT_OF_RANGE)
    return lon, lat


def _number(value: float) -> str:
    # Six decimals is about 0.1 m; trailing zeros only make the document longer.
    text = f"{value:.{COORDINATE_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _add(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{CAP_NAMESPACE}}}{name}")
    if text is not None:
        # lxml escapes <, & and > itself; only characters XML cannot carry at all are dropped.
        element.text = _XML_FORBIDDEN_CHARACTERS.sub("", text)
    return element
