"""Admin base classes shared by the apps."""

from __future__ import annotations

from django.contrib.gis import admin

from backend.common.widgets import OfflineOpenLayersWidget


class OfflineGISAdmin(admin.GISModelAdmin):
    """GIS admin whose geometry fields use the offline OpenLayers widget (no CDN, no tiles).

    Empty fields start on Santiago at zoom 11 (the widget's defaults); set ``gis_widget_kwargs``,
    e.g. ``{"attrs": {"default_zoom": 14}}``, for a different start view.
    """

    gis_widget = OfflineOpenLayersWidget
