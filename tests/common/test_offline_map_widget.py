"""The admin's geometry widget: vendored OpenLayers, no tile server, still draws and serializes."""

import contextlib
import functools
import json
import math
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import django.contrib.admin
import django.contrib.gis
import pytest
from django import forms
from django.contrib.gis import forms as gis_forms
from django.contrib.gis.db import models as gis_models
from playwright.sync_api import sync_playwright

from backend.common.admin import OfflineGISAdmin
from backend.common.widgets import OfflineOpenLayersWidget

STATIC_ROOT = Path(__file__).resolve().parents[2] / "backend" / "common" / "static"
DJANGO_GIS_STATIC = Path(django.contrib.gis.__file__).parent / "static" / "gis"
DJANGO_ADMIN_STATIC = Path(django.contrib.admin.__file__).parent / "static" / "admin"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


class BoundaryForm(forms.Form):
    boundary = gis_forms.PolygonField(widget=OfflineOpenLayersWidget, required=False)


def test_widget_media_comes_only_from_our_static_files():
    media = str(BoundaryForm().media)

    assert media.splitlines() == [
        '<link href="/static/vendor/ol/ol.css" media="all" rel="stylesheet">',
        '<link href="/static/gis/css/ol3.css" media="all" rel="stylesheet">',
        '<script src="/static/vendor/ol/ol.js"></script>',
        '<script src="/static/gis/js/OLMapWidget.js"></script>',
    ]


def test_widget_uses_a_graticule_instead_of_tiles_and_starts_on_santiago():
    html = str(BoundaryForm()["boundary"])

    assert "new ol.layer.Graticule(" in html
    assert "ol.source.OSM" not in html
    assert "ol.source.XYZ" not in html
    assert "options['default_lon'] = -70.63;" in html
    assert "options['default_lat'] = -33.53;" in html
    assert "options['default_zoom'] = 11;" in html


def test_offline_gis_admin_gives_geometry_fields_the_offline_widget():
    field = gis_models.PolygonField(srid=4326)
    field.set_attributes_from_name("boundary")

    # The GIS branch of formfield_for_dbfield reads only gis_widget, so no model is needed.
    admin_instance = OfflineGISAdmin.__new__(OfflineGISAdmin)

    form_field = admin_instance.formfield_for_dbfield(field, request=None)

    assert isinstance(form_field.widget, OfflineOpenLayersWidget)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")
def test_an_administrator_draws_a_polygon_without_network(tmp_path):
    # given the widget on a page whose static files are ours and Django's, as collectstatic lays them out
    form = BoundaryForm()
    # The admin always loads widgets.css, which gives .dj_map its size.
    head = '<meta charset="utf-8"><link href="/static/admin/css/widgets.css" rel="stylesheet">'
    page_html = f"<!DOCTYPE html><html><head>{head}{form.media}</head><body>{form['boundary']}</body></html>"
    (tmp_path / "widget.html").write_text(page_html, encoding="utf-8")
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "vendor").symlink_to(STATIC_ROOT / "vendor")
    (tmp_path / "static" / "gis").symlink_to(DJANGO_GIS_STATIC)
    (tmp_path / "static" / "admin").symlink_to(DJANGO_ADMIN_STATIC)

    with serve(tmp_path) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 900, "height": 700})
            problems: list[str] = []
            page.on("requestfailed", lambda request: problems.append(f"failed {request.url}"))
            page.on("response", lambda response: response.status >= 400 and problems.append(response.url))
            page.on("request", lambda request: request.url.startswith(base_url) or problems.append(request.url))
            page.on("pageerror", lambda error: problems.append(f"error {error}"))
            page.goto(f"{base_url}/widget.html", wait_until="networkidle")

            # when the administrator clicks three corners and double-clicks the fourth
            map_box = page.locator("#id_boundary_map").bounding_box()
            for dx, dy in ((100, 100), (300, 100), (300, 300)):
                page.mouse.click(map_box["x"] + dx, map_box["y"] + dy)
            page.mouse.dblclick(map_box["x"] + 100, map_box["y"] + 300)

            # then the hidden field holds a polygon near Santiago, and nothing was fetched from outside
            value = json.loads(page.locator("#id_boundary").input_value())
            assert value["type"] == "Polygon"
            assert len(value["coordinates"][0]) == 5
            # map_srid is 3857 (metres); the map opened over Santiago, about 70.6 degrees west.
            longitude = math.degrees(value["coordinates"][0][0][0] / 6_378_137)
            assert -71.0 < longitude < -70.3
            assert page.evaluate("typeof window.ol") == "object"
            assert problems == []
        finally:
            browser.close()
