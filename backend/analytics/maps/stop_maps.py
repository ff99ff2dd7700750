"""The STOP/COMPSTAT precinct-month map: boundaries by dark figure, incidents, heat and Gi* hotspots.

Data in, HTML out: callers pass plain dicts and tuples (GeoJSON geometries in WGS 84, lon/lat
order as GeoJSON requires) and get one standalone HTML document whose assets come from
``static_url`` (see ``offline.py``).
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from typing import Any, TypedDict

import folium
from branca.colormap import LinearColormap
from branca.element import Element, JavascriptLink, MacroElement
from folium.plugins import FastMarkerCluster, HeatMap
from folium.template import Template

from backend.analytics.maps.offline import StaticUrl, asset_url, offline_map


class Boundary(TypedDict):
    code: str
    name: str
    geometry: dict[str, Any]
    dark_figure: float | None


class Basemap(TypedDict, total=False):
    """Where street tiles come from: an XYZ URL template, or a PMTiles archive (vector or raster) we serve."""

    kind: str  # "xyz" or "pmtiles"
    url: str
    attribution: str
    max_zoom: int


class HexCell(TypedDict):
    geometry: dict[str, Any]
    z: float
    bin: int
    count: int


# (latitude, longitude, label)
IncidentPoint = tuple[float, float, str]

BOUNDARIES_LAYER = "Precincts by dark figure"
FORMAL_LAYER = "Formal reports"
INFORMAL_LAYER = "Informal alerts"
HEAT_LAYER = "Incident density (kernel heat)"
HOTSPOT_LAYER = "Hotspots (Gi* hexagons)"

# Above this many points a layer shows an evenly spaced sample (the layer name says so); the heat
# layer always uses every point. Points are clustered, so 20,000 per layer still pan smoothly.
MAX_MARKERS_PER_LAYER = 20_000
# Clusters break up into single points from this zoom on (street level).
CLUSTER_UNTIL_ZOOM = 16
NOT_ESTIMABLE_LABEL = "not estimable"
NOT_ESTIMABLE_LEGEND = "Precinct: dark figure not estimable (see its tooltip)"

FORMAL_COLOR = "#1f4e9c"
INFORMAL_COLOR = "#e08a00"
NO_ESTIMATE_COLOR = "#9e9e9e"
# Dark figure D = 1 - n1/N is a share, so the scale is fixed at 0..1 to compare months.
DARK_FIGURE_COLORS = ("#fee8c8", "#fdbb84", "#e34a33")
DARK_FIGURE_CAPTION = "Dark figure (share of incidents not reported)"

# Gi* confidence bins (+-1/2/3 = 90/95/99 %) on a diverging red (hot) / blue (cold) scale.
GI_BIN_COLORS: dict[int, str] = {
    3: "#b2182b",
    2: "#ef8a62",
    1: "#fddbc7",
    0: "#f7f7f7",
    -1: "#d1e5f0",
    -2: "#67a9cf",
    -3: "#2166ac",
}
GI_BIN_LABELS: dict[int, str] = {
    3: "Hot spot, 99% confidence",
    2: "Hot spot, 95% confidence",
    1: "Hot spot, 90% confidence",
    0: "Not significant",
    -1: "Cold spot, 90% confidence",
    -2: "Cold spot, 95% confidence",
    -3: "Cold spot, 99% confidence",
}
GI_SIGNIFICANT_FILL_OPACITY = 0.6
GI_NOT_SIGNIFICANT_FILL_OPACITY = 0.05

# Used only when there is nothing to fit the view to: Santiago.
DEFAULT_LOCATION = (-33.45, -70.66)
DEFAULT_ZOOM = 11

INVALID_GI_BIN = "Gi* bin must be an integer from -3 to 3, got {value!r}."


def dark_figure_colormap() -> LinearColormap:
    """The boundary colour scale (a new object per map: branca elements belong to one parent)."""
    return LinearColormap(list(DARK_FIGURE_COLORS), vmin=0.0, vmax=1.0, caption=DARK_FIGURE_CAPTION)


def dark_figure_color(value: float | None, colormap: LinearColormap) -> str:
    """Fill colour for a precinct; grey when there is no estimate."""
    if value is None or math.isnan(value):
        return NO_ESTIMATE_COLOR
    return colormap.rgb_hex_str(value)


def gi_bin_style(gi_bin: int) -> dict[str, Any]:
    """Leaflet path style for a hexagon in Gi* confidence bin ``gi_bin``."""
    if gi_bin not in GI_BIN_COLORS:
        raise ValueError(INVALID_GI_BIN.format(value=gi_bin))
    significant = gi_bin != 0
    return {
        "fillColor": GI_BIN_COLORS[gi_bin],
        "fillOpacity": GI_SIGNIFICANT_FILL_OPACITY if significant else GI_NOT_SIGNIFICANT_FILL_OPACITY,
        "color": "#555555" if significant else "#bbbbbb",
        "weight": 0.5,
    }


def render_precinct_month_map(
    *,
    boundaries: Sequence[Boundary],
    formal_points: Sequence[IncidentPoint],
    informal_points: Sequence[IncidentPoint],
    hex_cells: Sequence[HexCell],
    static_url: StaticUrl,
    title: str,
    basemap: Basemap | None = None,
) -> str:
    """Render the commander's precinct-month map as a standalone HTML document."""
    colormap = dark_figure_colormap()
    folium_map = offline_map(
        location=DEFAULT_LOCATION,
        zoom_start=DEFAULT_ZOOM,
        static_url=static_url,
        title=title,
        prefer_canvas=True,  # one canvas instead of thousands of SVG nodes
        control_scale=True,
        # Fractional zoom lets fitBounds fill the frame instead of stopping a whole level short.
        zoomSnap=0.25,
        # Marker clusters need a maximum zoom, which a map with no tile layer otherwise lacks.
        maxZoom=19,
    )
    if basemap:
        _add_basemap(folium_map, basemap, static_url)

    _add_boundaries(folium_map, boundaries, colormap)
    colormap.add_to(folium_map)
    _add_hotspots(folium_map, hex_cells)
    _add_points(folium_map, formal_points, FORMAL_LAYER, FORMAL_COLOR)
    _add_points(folium_map, informal_points, INFORMAL_LAYER, INFORMAL_COLOR)
    _add_heat(folium_map, [*formal_points, *informal_points])
    folium.LayerControl(collapsed=False).add_to(folium_map)
    _add_overlay_html(folium_map, title)

    bounds = _bounds([b["geometry"] for b in boundaries]) or _point_bounds([*formal_points, *informal_points])
    if bounds is not None:
        folium_map.fit_bounds(bounds, padding=(12, 12))
        _refit_on_resize(folium_map, bounds)
    return folium_map.get_root().render()


class _RefitOnResize(MacroElement):
    """Fit the precincts again when the frame changes size (a lazy iframe is laid out after the map starts)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function (map, bounds) {
            var refitting = false, moved = false;
            map.on("movestart", function () { if (!refitting) moved = true; });
            window.addEventListener("resize", function () {
                if (moved) return;  // the reader has panned or zoomed: leave their view alone
                refitting = true;
                map.invalidateSize();
                map.fitBounds(bounds, {padding: [12, 12], animate: false});
                refitting = false;
            });
        })({{ this._parent.get_name() }}, {{ this.bounds|tojson }});
        {% endmacro %}"""
    )

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self.bounds = bounds


def _refit_on_resize(folium_map: folium.Map, bounds: list[list[float]]) -> None:
    _RefitOnResize(bounds).add_to(folium_map)


class _Basemap(MacroElement):
    """Street tiles under the layers: XYZ through L.tileLayer, PMTiles through protomaps-leaflet (vector) or pmtiles."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function (map, config) {
            var pane = map.createPane("basemap"); pane.style.zIndex = 150;
            var options = {pane: "basemap", attribution: config.attribution || "", maxZoom: config.max_zoom || 19};
            if (config.kind === "xyz") { L.tileLayer(config.url, options).addTo(map); return; }
            var archive = new pmtiles.PMTiles(config.url);
            archive.getHeader().then(function (header) {
                if (header.tileType === pmtiles.TileType.Mvt) {
                    var vector = Object.assign({url: archive, flavor: "light", lang: "es"}, options);
                    protomapsL.leafletLayer(vector).addTo(map);
                } else {
                    pmtiles.leafletRasterLayer(archive, options).addTo(map);
                }
            });
        })({{ this._parent.get_name() }}, {{ this.config|tojson }});
        {% endmacro %}"""
    )

    def __init__(self, config: Basemap) -> None:
        super().__init__()
        self.config = dict(config)


def _add_basemap(folium_map: folium.Map, basemap: Basemap, static_url: StaticUrl) -> None:
    if basemap.get("kind") == "pmtiles":
        for path in ("vendor/pmtiles/pmtiles.js", "vendor/protomaps-leaflet/protomaps-leaflet.js"):
            folium_map.get_root().header.add_child(JavascriptLink(asset_url(static_url, path)), name=path)
    _Basemap(basemap).add_to(folium_map)


def _add_boundaries(folium_map: folium.Map, boundaries: Sequence[Boundary], colormap: LinearColormap) -> None:
    features = []
    for boundary in boundaries:
        value = boundary["dark_figure"]
        has_estimate = value is not None and not math.isnan(value)
        reason = boundary.get("not_estimable_reason")
        features.append(
            {
                "type": "Feature",
                "geometry": boundary["geometry"],
                "properties": {
                    # Tooltips are inserted with innerHTML, so text is escaped here.
                    "code": html.escape(boundary["code"]),
                    "name": html.escape(boundary["name"]),
                    "dark_figure": f"{value:.0%}"
                    if has_estimate
                    else (f"{NOT_ESTIMABLE_LABEL}: {html.escape(reason)}" if reason else "no estimate"),
                    "fill": dark_figure_color(value, colormap),
                },
            }
        )
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=BOUNDARIES_LAYER,
        style_function=lambda feature: {
            "fillColor": feature["properties"]["fill"],
            "fillOpacity": 0.45,
            "color": "#333333",
            "weight": 1.5,
        },
        zoom_on_click=False,
    )
    if features:
        folium.GeoJsonTooltip(
            fields=["name", "code", "dark_figure"], aliases=["Precinct", "Code", "Dark figure"]
        ).add_to(layer)
    layer.add_to(folium_map)


def _add_hotspots(folium_map: folium.Map, hex_cells: Sequence[HexCell]) -> None:
    for cell in hex_cells:
        gi_bin_style(cell["bin"])  # validate every bin before anything is drawn
    features = [
        {
            "type": "Feature",
            "geometry": cell["geometry"],
            # int()/float(): numpy scalars from the estimation code are not JSON-serializable.
            "properties": {
                "bin": int(cell["bin"]),
                "label": GI_BIN_LABELS[int(cell["bin"])],
                "z": round(float(cell["z"]), 2),
                "count": int(cell["count"]),
            },
        }
        for cell in hex_cells
    ]
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=HOTSPOT_LAYER,
        style_function=lambda feature: gi_bin_style(feature["properties"]["bin"]),
        zoom_on_click=False,
    )
    if features:
        folium.GeoJsonTooltip(fields=["label", "z", "count"], aliases=["Gi*", "z", "Incidents"]).add_to(layer)
    layer.add_to(folium_map)


def _add_points(folium_map: folium.Map, points: Sequence[IncidentPoint], name: str, color: str) -> None:
    shown = _sample(points, MAX_MARKERS_PER_LAYER)
    if len(shown) < len(points):
        name = f"{name} ({len(shown):,} of {len(points):,} shown)"
    # ~1 m precision is plenty for a city map and keeps the page small; tooltips take HTML, so labels are escaped.
    rows = [[round(lat, 5), round(lon, 5), html.escape(label)] for lat, lon, label in shown]
    _PointCluster(rows, name=name, color=color).add_to(folium_map)


class _PointCluster(FastMarkerCluster):
    """One source's incidents as small circles in clusters coloured like the source, added in bulk."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var data = {{ this.data|tojson }};
            var cluster = L.markerClusterGroup({{ this.options|tojavascript }});
            cluster.options.iconCreateFunction = function (group) {
                var count = group.getChildCount();
                var size = count < 10 ? 28 : count < 100 ? 34 : 42;
                return L.divIcon({
                    html: "<div style='background:{{ this.color }};color:#fff;border:2px solid #fff;" +
                          "border-radius:50%;width:" + size + "px;height:" + size + "px;" +
                          "line-height:" + (size - 4) + "px;text-align:center;font:600 12px sans-serif;" +
                          "box-shadow:0 0 0 1px {{ this.color }}'>" + count + "</div>",
                    className: "stop-map-cluster", iconSize: [size, size]
                });
            };
            var markers = data.map(function (row) {
                var style = {radius: 4, color: "#ffffff", weight: 1, fillColor: "{{ this.color }}", fillOpacity: 0.9};
                return L.circleMarker([row[0], row[1]], style).bindTooltip(row[2]);
            });
            cluster.addLayers(markers);
            cluster.addTo({{ this._parent.get_name() }});
            return cluster;
        })();
        {% endmacro %}"""
    )

    def __init__(self, rows: list[list[Any]], *, name: str, color: str) -> None:
        super().__init__(
            rows,
            name=name,
            options={
                "disableClusteringAtZoom": CLUSTER_UNTIL_ZOOM,
                "chunkedLoading": True,
                "showCoverageOnHover": False,
                "maxClusterRadius": 45,
            },
        )
        self.color = color


def _add_heat(folium_map: folium.Map, points: Sequence[IncidentPoint]) -> None:
    if not points:
        return  # HeatMap rejects an empty point list
    HeatMap(
        [[round(lat, 5), round(lon, 5)] for lat, lon, _label in points],
        name=HEAT_LAYER,
        radius=18,
        blur=22,
        min_opacity=0.3,
        show=False,  # it hides everything under it; the commander switches it on
    ).add_to(folium_map)


def _add_overlay_html(folium_map: folium.Map, title: str) -> None:
    legend_rows = "".join(
        f'<div><span style="display:inline-block;width:12px;height:12px;margin-right:4px;'
        f'border:1px solid #777;background:{GI_BIN_COLORS[gi_bin]}"></span>{html.escape(GI_BIN_LABELS[gi_bin])}</div>'
        for gi_bin in sorted(GI_BIN_COLORS, reverse=True)
    )
    legend_rows += (
        f'<div style="margin-top:4px"><span style="display:inline-block;width:12px;height:12px;margin-right:4px;'
        f'border:1px solid #777;background:{NO_ESTIMATE_COLOR}"></span>{html.escape(NOT_ESTIMABLE_LEGEND)}</div>'
    )
    box = "position:absolute;z-index:1000;background:rgba(255,255,255,0.9);padding:4px 8px;border-radius:4px;"
    folium_map.get_root().html.add_child(
        Element(
            f'<div class="stop-map-title" style="{box}top:10px;left:60px;font-weight:600;">{html.escape(title)}</div>'
            f'<div class="stop-map-hotspot-legend" style="{box}bottom:24px;right:10px;font-size:12px;">'
            f"<div><b>{html.escape(HOTSPOT_LAYER)}</b></div>{legend_rows}</div>"
        )
    )


def _sample(points: Sequence[IncidentPoint], limit: int) -> Sequence[IncidentPoint]:
    """Every k-th point so that at most ``limit`` remain (deterministic and spread over the list)."""
    if len(points) <= limit:
        return points
    step = math.ceil(len(points) / limit)
    return points[::step]


def _coordinates(geometry: dict[str, Any]) -> Iterable[tuple[float, float]]:
    """All (lon, lat) positions in a GeoJSON geometry, however deeply nested."""
    if geometry.get("type") == "GeometryCollection":
        for part in geometry.get("geometries", []):
            yield from _coordinates(part)
        return
    stack: list[Any] = [geometry.get("coordinates", [])]
    while stack:
        item = stack.pop()
        if item and isinstance(item[0], (int, float)):
            yield float(item[0]), float(item[1])
        else:
            stack.extend(item)


def _bounds(geometries: Iterable[dict[str, Any]]) -> list[list[float]] | None:
    positions = [position for geometry in geometries for position in _coordinates(geometry)]
    if not positions:
        return None
    longitudes = [lon for lon, _lat in positions]
    latitudes = [lat for _lon, lat in positions]
    return [[min(latitudes), min(longitudes)], [max(latitudes), max(longitudes)]]


def _point_bounds(points: Sequence[IncidentPoint]) -> list[list[float]] | None:
    if not points:
        return None
    latitudes = [lat for lat, _lon, _label in points]
    longitudes = [lon for _lat, lon, _label in points]
    return [[min(latitudes), min(longitudes)], [max(latitudes), max(longitudes)]]
