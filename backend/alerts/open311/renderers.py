"""GeoReport v2's two formats. XML is the required one; JSON follows it by the Spark convention: a list element
(``<services>``) becomes an array of its items, anything else an object, and empty elements become ``null``.

Views answer with a ``Document``: the XML root's name and its content, which both renderers turn into bytes.
"""

import json
from dataclasses import dataclass
from typing import Any

from lxml import etree
from rest_framework.renderers import BaseRenderer

# A list under these names holds items of the singular name (the spec's "⇊ / ↴" structure).
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


@dataclass(frozen=True)
class Document:
    """One GeoReport v2 response: ``root`` names the XML root element, ``content`` is a list or a dict."""

    root: str
    content: list | dict


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: etree._Element, value: Any) -> None:
    if isinstance(value, dict):
        for name, child in value.items():
            _fill(etree.SubElement(element, name), child)
    elif isinstance(value, list):
        item_name = ITEM_NAMES[element.tag]
        for item in value:
            _fill(etree.SubElement(element, item_name), item)
    else:
        element.text = _text(value)


def document_xml(document: Document) -> bytes:
    root = etree.Element(document.root)
    _fill(root, document.content)
    return XML_DECLARATION + etree.tostring(root, encoding="UTF-8", pretty_print=True)


def _content(data: Any) -> Any:
    return data.content if isinstance(data, Document) else data


class Open311XmlRenderer(BaseRenderer):
    media_type = "text/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if not isinstance(data, Document):
            # Anything else DRF renders on its own (an OPTIONS description): not part of the spec, kept plain.
            data = Document(root="response", content={"detail": json.dumps(data, default=str)})
        return document_xml(data)


class Open311JsonRenderer(BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return json.dumps(_content(data), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# XML first: a client that names no format gets the one the spec requires.
OPEN311_RENDERERS = [Open311XmlRenderer, Open311JsonRenderer]
