"""Map widgets that work without internet: OpenLayers from our static files and no tile layer."""

from __future__ import annotations

from django.contrib.gis.forms.widgets import OSMWidget

# Santiago, where the precincts we ship are; used when the field is empty.
DEFAULT_LATITUDE = -33.53
DEFAULT_LONGITUDE = -70.63
DEFAULT_ZOOM = 11


class OfflineOpenLayersWidget(OSMWidget):
    """Django's OpenLayers editing widget with vendored OpenLayers and a graticule instead of OSM tiles.

    Subclasses ``OSMWidget`` (itself an ``OpenLayersWidget``) for its default centre and zoom
    options; the template replaces only the ``base_layer`` block, so Django's own
    ``gis/js/OLMapWidget.js`` still does the drawing, editing and serializing.
    """

    template_name = "common/gis/offline_openlayers.html"
    default_lat = DEFAULT_LATITUDE
    default_lon = DEFAULT_LONGITUDE
    default_zoom = DEFAULT_ZOOM

    class Media:
        # Without extend=False Django would merge in the parent's CDN URLs for ol.js/ol.css.
        extend = False
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol/ol.js", "gis/js/OLMapWidget.js")
