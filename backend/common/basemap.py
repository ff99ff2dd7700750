"""Which street base map the pages and maps draw under our layers, from settings (none by default)."""

from __future__ import annotations

from django.conf import settings


def basemap_config() -> dict | None:
    """{"kind": "pmtiles" | "xyz", "url", "attribution", "max_zoom"}, or None for boundaries only."""
    common = {"attribution": settings.MAP_TILES_ATTRIBUTION, "max_zoom": settings.MAP_TILES_MAX_ZOOM}
    if settings.MAP_PMTILES_FILE:
        return {"kind": "pmtiles", "url": settings.MAP_PMTILES_URL, **common}
    if settings.MAP_TILES_URL:
        return {"kind": "xyz", "url": settings.MAP_TILES_URL, **common}
    return None
