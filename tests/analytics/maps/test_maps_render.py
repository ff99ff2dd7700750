"""Rendering tests for the offline folium maps: no database, no Django."""

import re
from pathlib import Path

import folium
import pytest
from branca.colormap import LinearColormap
from folium.elements import JSCSSMixin
from folium.plugins import HeatMap

from backend.analytics.maps import offline, stop_maps
from backend.analytics.maps.offline import UNVENDORED_ASSET, VENDORED_ASSETS, ExternalAssetError, offline_map
from backend.analytics.maps.stop_maps import (
    BOUNDARIES_LAYER,
    FORMAL_LAYER,
    GI_BIN_COLORS,
    HEAT_LAYER,
    HOTSPOT_LAYER,
    INFORMAL_LAYER,
    INVALID_GI_BIN,
    NO_ESTIMATE_COLOR,
    dark_figure_color,
    dark_figure_colormap,
    gi_bin_style,
    render_precinct_month_map,
)

STATIC_ROOT = Path(__file__).resolve().parents[3] / "backend" / "common" / "static"
ASSET_TAG = re.compile(r"<script\b[^>]*\bsrc=\"([^\"]*)\"|<link\b[^>]*\bhref=\"([^\"]*)\"")


def asset_urls(html: str) -> list[str]:
    """Every URL the page loads through <script src> or <link href>."""
    return [script or link for script, link in ASSET_TAG.findall(html)]


def square(lon: float, lat: float, size: float) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def precinct_month(**overrides) -> str:
    arguments = {
        "boundaries": [
            {"code": "P1", "name": "1st Precinct", "geometry": square(-70.70, -33.50, 0.05), "dark_figure": 0.6},
            {"code": "P2", "name": "2nd Precinct", "geometry": square(-70.65, -33.50, 0.05), "dark_figure": None},
        ],
        "formal_points": [(-33.48, -70.68, "Robbery 0001"), (-33.47, -70.62, "Burglary 0002")],
        "informal_points": [(-33.46, -70.66, "Suspicious car 0003")],
        "hex_cells": [
            {"geometry": square(-70.69, -33.49, 0.004), "z": 3.4, "bin": 3, "count": 12},
            {"geometry": square(-70.64, -33.49, 0.004), "z": 0.1, "bin": 0, "count": 2},
            {"geometry": square(-70.62, -33.48, 0.004), "z": -2.7, "bin": -3, "count": 0},
        ],
        "static_url": "/static/",
        "title": "STOP 2025-01, 1st Precinct",
    }
    return render_precinct_month_map(**{**arguments, **overrides})


def test_offline_map_with_plugins_loads_only_vendored_assets():
    # given a tiles-less map with the plugins and controls folium adds assets for
    folium_map = offline_map(location=(-33.5, -70.6), zoom_start=11, static_url="/static/")
    HeatMap([[-33.5, -70.6], [-33.51, -70.61]]).add_to(folium_map)
    LinearColormap(["#ffffff", "#ff0000"], vmin=0, vmax=1).add_to(folium_map)
    folium.CircleMarker([-33.5, -70.6]).add_to(folium_map)
    folium.LayerControl().add_to(folium_map)

    # when it is rendered
    html = folium_map.get_root().render()

    # then every script and stylesheet is ours, and nothing else points at a CDN or tile server
    urls = asset_urls(html)
    assert urls[0] == "data:,"  # the empty favicon
    assert urls[1:] == [
        "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/jquery/jquery.min.js",
        "/static/vendor/bootstrap/bootstrap.bundle.min.js",
        "/static/vendor/leaflet.awesome-markers/leaflet.awesome-markers.min.js",
        "/static/vendor/leaflet/leaflet.css",
        "/static/vendor/bootstrap/bootstrap.min.css",
        "/static/vendor/fontawesome/css/all.min.css",
        "/static/vendor/leaflet.awesome-markers/leaflet.awesome-markers.css",
        "/static/vendor/folium/leaflet_heat.min.js",
        "/static/vendor/d3/d3.min.js",
    ]
    assert "bootstrap-glyphicons" not in html
    assert "tile.openstreetmap" not in html
    assert "L.tileLayer" not in html


def test_static_url_may_be_a_function_or_lack_the_trailing_slash():
    # given a static() callable, as ManifestStaticFilesStorage hashes names
    hashed = offline_map(location=(0, 0), zoom_start=3, static_url=lambda path: f"/assets/{path}?v=9")
    bare = offline_map(location=(0, 0), zoom_start=3, static_url="/assets")

    # when rendered, then its result is used verbatim, and a missing slash is added
    assert "/assets/vendor/leaflet/leaflet.js?v=9" in asset_urls(hashed.get_root().render())
    assert "/assets/vendor/leaflet/leaflet.js" in asset_urls(bare.get_root().render())


def test_an_asset_without_a_vendored_copy_fails_loudly():
    # given an element whose JavaScript lives only on a CDN
    class CdnOnly(JSCSSMixin):
        default_js = [("cdn_only", "https://cdn.example.org/plugin.js")]

    folium_map = offline_map(location=(0, 0), zoom_start=3, static_url="/static/")
    CdnOnly().add_to(folium_map)

    # when rendered, then it refuses instead of emitting the CDN URL
    message = UNVENDORED_ASSET.format(url="https://cdn.example.org/plugin.js", name="cdn_only")
    with pytest.raises(ExternalAssetError, match=re.escape(message)):
        folium_map.get_root().render()


def test_every_vendored_asset_exists_in_static_files():
    missing = [path for path in VENDORED_ASSETS.values() if path and not (STATIC_ROOT / path).is_file()]
    assert missing == []


def test_vendored_stylesheets_reference_only_files_we_ship():
    # ManifestStaticFilesStorage fails collectstatic on any url() or source map it cannot find.
    broken = []
    for css in (STATIC_ROOT / "vendor").rglob("*.css"):
        for reference in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8")):
            if reference.startswith(("data:", "#")):
                continue
            if not (css.parent / reference.split("?")[0].split("#")[0]).is_file():
                broken.append(f"{css.name}: {reference}")
    maps = [
        path.name
        for path in (STATIC_ROOT / "vendor").rglob("*")
        if path.suffix in {".js", ".css"} and "sourceMappingURL" in path.read_text(encoding="utf-8")
    ]
    assert broken == []
    assert maps == []


def test_precinct_month_map_has_every_layer_and_no_external_assets():
    html = precinct_month()

    for name in (BOUNDARIES_LAYER, FORMAL_LAYER, INFORMAL_LAYER, HEAT_LAYER, HOTSPOT_LAYER):
        assert name in html
    assert "L.control.layers(" in html
    assert "L.heatLayer(" in html
    assert [url for url in asset_urls(html) if re.match(r"(https?:)?//", url)] == []
    assert "<title>STOP 2025-01, 1st Precinct</title>" in html


def test_precinct_month_map_fits_the_boundaries():
    html = precinct_month()

    assert "fitBounds(\n                [[-33.5, -70.7], [-33.45, -70.60000000000001]]," in html


def test_gi_bins_get_diverging_colours_and_bin_zero_is_nearly_transparent():
    assert gi_bin_style(3) == {"fillColor": "#b2182b", "fillOpacity": 0.6, "color": "#555555", "weight": 0.5}
    assert gi_bin_style(-3) == {"fillColor": "#2166ac", "fillOpacity": 0.6, "color": "#555555", "weight": 0.5}
    assert gi_bin_style(0) == {"fillColor": "#f7f7f7", "fillOpacity": 0.05, "color": "#bbbbbb", "weight": 0.5}
    assert [GI_BIN_COLORS[b] for b in (1, 2, -1, -2)] == ["#fddbc7", "#ef8a62", "#d1e5f0", "#67a9cf"]

    html = precinct_month()

    assert 'return {"color": "#555555", "fillColor": "#b2182b", "fillOpacity": 0.6, "weight": 0.5};' in html
    assert 'return {"color": "#555555", "fillColor": "#2166ac", "fillOpacity": 0.6, "weight": 0.5};' in html
    assert 'return {"color": "#bbbbbb", "fillColor": "#f7f7f7", "fillOpacity": 0.05, "weight": 0.5};' in html


def test_a_bin_outside_minus_three_to_three_is_rejected():
    cell = {"geometry": square(-70.69, -33.49, 0.004), "z": 4.2, "bin": 4, "count": 20}

    with pytest.raises(ValueError, match=re.escape(INVALID_GI_BIN.format(value=4))):
        precinct_month(hex_cells=[cell])


def test_a_precinct_without_a_dark_figure_estimate_is_grey():
    colormap = dark_figure_colormap()

    assert dark_figure_color(None, colormap) == NO_ESTIMATE_COLOR == "#9e9e9e"
    assert dark_figure_color(float("nan"), colormap) == "#9e9e9e"
    assert dark_figure_color(0.0, colormap) == "#fee8c8"
    assert dark_figure_color(1.0, colormap) == "#e34a33"

    html = precinct_month()

    assert '"dark_figure": "no estimate", "fill": "#9e9e9e", "name": "2nd Precinct"' in html
    assert '"dark_figure": "60%", "fill": "#fc8d59"' not in html  # sanity: colour comes from the map
    assert f'"dark_figure": "60%", "fill": "{colormap.rgb_hex_str(0.6)}", "name": "1st Precinct"' in html


def test_labels_and_title_are_html_escaped():
    html = precinct_month(
        formal_points=[(-33.48, -70.68, "<img src=x onerror=alert(1)>")],
        title="</title><script>alert(2)</script>",
    )

    assert "<img src=x" not in html
    assert "<script>alert(2)" not in html
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in html
    assert "<title>&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;</title>" in html


def test_points_over_the_cap_are_sampled_but_heat_uses_all(monkeypatch):
    monkeypatch.setattr(stop_maps, "MAX_MARKERS_PER_LAYER", 3)
    points = [(round(-33.41 - i / 1000, 3), -70.61, f"report-{i:02d}") for i in range(10)]

    html = precinct_month(formal_points=points, informal_points=[])

    assert "Formal reports (3 of 10 shown)" in html
    assert [f"report-{i:02d}" in html for i in range(10)] == [i in (0, 4, 8) for i in range(10)]
    heat_data = ", ".join(f"[{lat}, {lon}]" for lat, lon, _label in points)
    assert f"L.heatLayer(\n                [{heat_data}]," in html


def test_empty_month_renders_without_heat_layer():
    html = precinct_month(boundaries=[], formal_points=[], informal_points=[], hex_cells=[])

    for name in (BOUNDARIES_LAYER, FORMAL_LAYER, INFORMAL_LAYER, HOTSPOT_LAYER):
        assert name in html
    assert HEAT_LAYER not in html
    assert "fitBounds(" not in html


def test_maps_package_imports_no_django():
    source = "\n".join(path.read_text() for path in Path(offline.__file__).parent.glob("*.py"))

    assert re.search(r"^\s*(from|import)\s+django", source, re.MULTILINE) is None


def test_the_printed_map_is_svg_of_the_precinct_its_hot_cells_and_points():
    from backend.analytics.maps.svg import MAP_HEIGHT, MAP_WIDTH, precinct_map_svg, trend_chart_svg

    square = {
        "type": "Polygon",
        "coordinates": [[[-70.7, -33.5], [-70.6, -33.5], [-70.6, -33.4], [-70.7, -33.4], [-70.7, -33.5]]],
    }
    cell = {
        "type": "Polygon",
        "coordinates": [[[-70.66, -33.46], [-70.65, -33.46], [-70.65, -33.45], [-70.66, -33.46]]],
    }
    svg = precinct_map_svg(
        boundary=square,
        hexagons=[(cell, 3), (cell, 0)],
        formal_points=[(-33.45, -70.65, "a")],
        informal_points=[(-33.44, -70.64, "<b>")],
        title="Mapa de <Sur>",
    )
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Mapa de &lt;Sur&gt;"')
    assert f'viewBox="0 0 {MAP_WIDTH} {MAP_HEIGHT}"' in svg
    assert svg.count('fill="#b2182b"') == 1  # the 99 % hot cell; the not-significant one is not drawn
    assert svg.count("<circle") == 2
    chart = trend_chart_svg(current=[1, 4, 2], prior=[0, 2, 2], title="Hurto", first_label="a", last_label="b")
    assert chart.count("<polyline") == 2
    assert ">4</text>" in chart  # the axis tops out at the highest week
