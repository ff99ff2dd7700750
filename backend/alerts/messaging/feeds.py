"""The CAP feed at ``/cap/feed.atom``: an Atom 1.0 feed of the mass messages in force, the way alert hubs publish CAP.

Each entry links to the message's CAP 1.2 document (``rel="alternate"``, ``application/cap+xml``) and carries the
same document inline in its ``<content>``, which is how hub aggregators (and capparselib) read a CAP Atom feed.
An Update or a Cancel also links to each version it replaces (``rel="related"``), and its CAP document names them
in ``<references>``. Cancel notices stay listed for ``CAP_FEED_CANCEL_HOURS``. Public, like the messages.
"""

from datetime import UTC, datetime

from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from lxml import etree

from ..models import MassMessage
from .cap import CAP_CONTENT_TYPE
from .selectors import cap_identifier, message_cap_document, message_cap_type, message_references, messages_for_cap_feed

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
ATOM_CONTENT_TYPE = "application/atom+xml; charset=utf-8"
MSG_TYPE_SCHEME = "urn:oasis:names:tc:emergency:cap:1.2#msgType"
FEED_TITLE = _("Vigía: community safety warnings in force")
FEED_AUTHOR = "Vigía"
CACHE_SECONDS = 60


def atom_time(value: datetime) -> str:
    """RFC 3339 in UTC (Atom's date construct)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: etree._Element, name: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM_NAMESPACE}}}{name}", attributes)
    if text is not None:
        element.text = text
    return element


def _entry(feed: etree._Element, message: MassMessage, *, absolute) -> None:
    entry = _add(feed, "entry")
    _add(entry, "id", f"urn:uuid:{message.identifier}")
    _add(entry, "title", message.headline)
    _add(entry, "updated", atom_time(message.sent_at))
    _add(entry, "published", atom_time(message.sent_at))
    author = _add(entry, "author")
    _add(author, "name", message.precinct.name)
    msg_type = message_cap_type(message)
    _add(entry, "category", term=msg_type, scheme=MSG_TYPE_SCHEME)
    _add(entry, "summary", message.body)
    cap_url = absolute(reverse("alerts:message-cap", kwargs={"message_id": message.id}))
    _add(entry, "link", rel="alternate", type=CAP_CONTENT_TYPE, href=cap_url, title=cap_identifier(message))
    for earlier in message_references(message):
        href = absolute(reverse("alerts:message-cap", kwargs={"message_id": earlier.id}))
        _add(entry, "link", rel="related", type=CAP_CONTENT_TYPE, href=href, title=cap_identifier(earlier))
    content = _add(entry, "content", type=CAP_CONTENT_TYPE)
    content.append(etree.fromstring(message_cap_document(message)))


def cap_feed_atom(*, messages: list[MassMessage], feed_url: str, absolute, now: datetime) -> bytes:
    """The Atom document for ``messages`` (newest first); ``absolute`` turns a path into an absolute URL."""
    feed = etree.Element(f"{{{ATOM_NAMESPACE}}}feed", nsmap={None: ATOM_NAMESPACE})
    _add(feed, "id", feed_url)
    _add(feed, "title", str(FEED_TITLE))
    # A feed changes when a message arrives; an empty one says when it was read.
    _add(feed, "updated", atom_time(messages[0].sent_at if messages else now))
    author = _add(feed, "author")
    _add(author, "name", FEED_AUTHOR)
    _add(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    for message in messages:
        _entry(feed, message, absolute=absolute)
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class CapFeedApi(View):
    """The Atom feed of CAP warnings in force (public)."""

    http_method_names = ["get", "head", "options"]

    def get(self, request):
        body = cap_feed_atom(
            messages=messages_for_cap_feed(),
            feed_url=request.build_absolute_uri(request.path),
            absolute=request.build_absolute_uri,
            now=timezone.now(),
        )
        response = HttpResponse(body, content_type=ATOM_CONTENT_TYPE)
        response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
        return response


urlpatterns = [path("feed.atom", CapFeedApi.as_view(), name="feed")]
