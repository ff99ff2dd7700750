"""Folium maps that load every script and stylesheet from our own static files.

The machines that serve and view these maps have no route to CDNs or tile servers, so a map is
built with ``tiles=None`` on a plain background, and every ``<script src>`` / ``<link href>``
that folium or branca put into the page header is rewritten to ``<static>vendor/...`` at render
time. The rewrite happens on the figure header (where ``JSCSSMixin.render`` and branca's colormap
add their links), so it covers the map, every plugin and the legend without patching folium.

An asset URL that is not in ``VENDORED_ASSETS`` raises ``ExternalAssetError`` instead of silently
reaching for the internet: a folium upgrade or a new plugin fails in tests, not in a browser.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from typing import Any

import folium
from branca.element import CssLink, Element, Figure, JavascriptLink, Link

# A Django page passes settings.STATIC_URL, or django.templatetags.static.static so that
# hashed names from ManifestStaticFilesStorage are used.
StaticUrl = str | Callable[[str], str]

# CDN URL (exactly as folium 0.20 / branca write it) -> path under the static root, or None to
# leave the asset out. Files live in backend/common/static/vendor/; see README.md there.
VENDORED_ASSETS: dict[str, str | None] = {
    # folium.Map defaults
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": "vendor/leaflet/leaflet.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": "vendor/leaflet/leaflet.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "vendor/jquery/jquery.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": (
        "vendor/bootstrap/bootstrap.bundle.min.js"
    ),
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": "vendor/bootstrap/bootstrap.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": (
        "vendor/leaflet.awesome-markers/leaflet.awesome-markers.min.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": (
        "vendor/leaflet.awesome-markers/leaflet.awesome-markers.css"
    ),
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": (
        "vendor/fontawesome/css/all.min.css"
    ),
    # Only folium.Icon(prefix="glyphicon") and Icon(angle=...) need these two, and we use neither;
    # neither is published on npm.
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": None,
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css": None,
    # folium.plugins.HeatMap: folium's own patched Leaflet.heat, copied from the folium wheel.
    "https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js": (
        "vendor/folium/leaflet_heat.min.js"
    ),
    # folium.plugins.MarkerCluster / FastMarkerCluster (folium asks for 1.1.0; 1.5.3 keeps its API).
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js": (
        "vendor/leaflet.markercluster/leaflet.markercluster.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css": (
        "vendor/leaflet.markercluster/MarkerCluster.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css": (
        "vendor/leaflet.markercluster/MarkerCluster.Default.css"
    ),
    # branca.colormap legends draw with d3 v3.
    "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js": "vendor/d3/d3.min.js",
}

# Shown where tiles would be; light enough for red/blue hotspot fills to read on it.
BACKGROUND_COLOR = "#eef0f2"

UNVENDORED_ASSET = "No vendored copy of {url!r} (asset {name!r}); add it to VENDORED_ASSETS."

_EXTERNAL_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


class ExternalAssetError(RuntimeError):
    """A map asset points outside our static files and has no vendored copy."""


def asset_url(static_url: StaticUrl, path: str) -> str:
    """Return the URL of a vendored file, e.g. ``asset_url("/static/", "vendor/d3/d3.min.js")``."""
    if callable(static_url):
        return static_url(path)
    prefix = static_url if static_url.endswith("/") else static_url + "/"
    return prefix + path


class OfflineFigure(Figure):
    """A branca Figure whose header links are rewritten to vendored copies before rendering."""

    def __init__(self, *, static_url: StaticUrl, title: str | None = None, **kwargs: Any) -> None:
        # branca's template does not escape; the title is plain text (e.g. a precinct name).
        super().__init__(title=html.escape(title) if title else None, **kwargs)
        self.static_url = static_url
        # An empty icon stops the browser asking the server for /favicon.ico.
        self.header.add_child(Element('<link rel="icon" href="data:,">'), name="offline_favicon")
        self.header.add_child(
            # div.* outranks leaflet.css's ".leaflet-container" rule, which loads later.
            Element(
                f"<style>div.leaflet-container {{ background: {BACKGROUND_COLOR}; }}"
                # On a phone the legends would cover the map; the layer control and tooltips stay.
                "@media (max-width: 600px) { .stop-map-hotspot-legend, .legend { display: none; } }</style>"
            ),
            name="offline_background",
        )

    def render(self, **kwargs: Any) -> str:
        # Same as Figure.render, with the rewrite between "children add their links" and
        # "the header template prints them".
        for child in self._children.values():
            child.render(**kwargs)
        localize_links(self.header, self.static_url)
        return self._template.render(this=self, kwargs=kwargs)


def localize_links(header: Element, static_url: StaticUrl) -> None:
    """Point every script/stylesheet link in ``header`` at our static files, in place."""
    for name, child in list(header._children.items()):
        if not isinstance(child, Link) or not _EXTERNAL_URL.match(child.url):
            continue
        if child.url not in VENDORED_ASSETS:
            raise ExternalAssetError(UNVENDORED_ASSET.format(url=child.url, name=name))
        local_path = VENDORED_ASSETS[child.url]
        if local_path is None:
            del header._children[name]
            continue
        link_class = JavascriptLink if isinstance(child, JavascriptLink) else CssLink
        replacement = link_class(asset_url(static_url, local_path))
        replacement._parent = header
        header._children[name] = replacement


def make_offline(folium_map: folium.Map, *, static_url: StaticUrl, title: str | None = None) -> folium.Map:
    """Move ``folium_map`` into an ``OfflineFigure`` so that rendering it uses only local assets."""
    OfflineFigure(static_url=static_url, title=title).add_child(folium_map)
    return folium_map


def offline_map(
    *,
    location: Sequence[float],
    zoom_start: int,
    static_url: StaticUrl,
    title: str | None = None,
    **map_kwargs: Any,
) -> folium.Map:
    """A ``folium.Map`` without tiles whose rendered HTML loads nothing from outside ``static_url``.

    Render it with ``folium_map.get_root().render()``.
    """
    folium_map = folium.Map(location=list(location), zoom_start=zoom_start, tiles=None, **map_kwargs)
    return make_offline(folium_map, static_url=static_url, title=title)
