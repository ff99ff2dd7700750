"""``application/geo+json`` for bodies that are GeoJSON (RFC 7946 §12), JSON for everything else.

Views whose body is always GeoJSON list ``GeoJSONRenderer`` first, so a client that asks for nothing in
particular gets ``application/geo+json``, and one that sends ``Accept: application/json`` still gets
the same body as JSON. Views that return a plain object by default list it second and give their
GeoJSON form (a Feature or FeatureCollection) when asked with ``Accept: application/geo+json`` or
``?format=geojson``; ``wants_geojson`` tells them which was chosen.
"""

from typing import Any

from rest_framework.renderers import JSONRenderer

from .geojson import GEOJSON_MEDIA_TYPE, is_geojson


class GeoJSONRenderer(JSONRenderer):
    media_type = GEOJSON_MEDIA_TYPE
    format = "geojson"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: dict | None = None) -> bytes:
        response = (renderer_context or {}).get("response")
        # An error or an OPTIONS description is not GeoJSON, whatever the client asked for.
        if response is not None and not is_geojson(data):
            response["Content-Type"] = JSONRenderer.media_type
        return super().render(data, accepted_media_type, renderer_context)


GEOJSON_FIRST = [GeoJSONRenderer, JSONRenderer]
JSON_FIRST = [JSONRenderer, GeoJSONRenderer]


def wants_geojson(request) -> bool:
    return isinstance(getattr(request, "accepted_renderer", None), GeoJSONRenderer)
