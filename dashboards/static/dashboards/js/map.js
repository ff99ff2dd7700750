// Leaflet maps: our precinct boundaries (GeoJSON from the geo API) on a plain background, or on a street base map
// when the force configured one (an XYZ tile server, or a PMTiles archive we serve with range requests).
/* global L, pmtiles, protomapsL */

import { api, config, t } from "./common.js";

const SANTIAGO_SOUTH = [-33.53, -70.64];
const PRIORITY_COLOURS = { 1: "#b3261e", 2: "#c45a00", 3: "#7a5c00", 4: "#1f5f8b" };

export function priorityColour(priority) {
  return PRIORITY_COLOURS[priority] || "#444";
}

export function createMap(container, { zoom = 12 } = {}) {
  // maxZoom: marker clusters need one, and a map without tiles has none of its own.
  const map = L.map(container, { zoomControl: true, attributionControl: true, keyboard: true, maxZoom: 19 });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(t("Boundaries: IDE Chile (DPA 2023)"));
  map.setView(SANTIAGO_SOUTH, zoom);
  if (config.basemap) addBasemap(map, config.basemap);
  return map;
}

// Street tiles in a pane under the boundaries; vector PMTiles are drawn by protomaps-leaflet, raster ones by pmtiles.
export function addBasemap(map, basemap) {
  const pane = map.createPane("basemap");
  pane.style.zIndex = 150;
  const options = { pane: "basemap", attribution: basemap.attribution || "", maxZoom: basemap.max_zoom || 19 };
  if (basemap.kind === "xyz") {
    L.tileLayer(basemap.url, options).addTo(map);
    return Promise.resolve();
  }
  const archive = new pmtiles.PMTiles(basemap.url);
  return archive.getHeader().then((header) => {
    const layer =
      header.tileType === pmtiles.TileType.Mvt
        ? protomapsL.leafletLayer({ url: archive, flavor: "light", lang: "es", ...options })
        : pmtiles.leafletRasterLayer(archive, options);
    layer.addTo(map);
    map.getContainer().dataset.basemap = header.tileType === pmtiles.TileType.Mvt ? "vector" : "raster";
  });
}

// Draw the precinct boundaries and (with ``fit``) fit the map to those in ``focusIds`` (all when null).
export async function addPrecincts(map, { focusIds = null, fit = true } = {}) {
  const { body } = await api(config.urls.precincts);
  const features = body.features || [];
  const inFocus = (feature) => focusIds === null || focusIds.includes(feature.id);
  const layer = L.geoJSON(
    { type: "FeatureCollection", features },
    {
      interactive: false,
      style: (feature) => ({
        color: inFocus(feature) ? "#0b3d2e" : "#8a8a8a",
        weight: inFocus(feature) ? 2 : 1,
        fillColor: inFocus(feature) ? "#e4efe9" : "#f1f1f1",
        fillOpacity: 0.6,
      }),
    },
  ).addTo(map);
  const labels = L.layerGroup().addTo(map);
  for (const feature of features) {
    const centre = L.geoJSON(feature).getBounds().getCenter();
    L.marker(centre, {
      interactive: false,
      keyboard: false,
      icon: L.divIcon({ className: "precinct-label", html: "", iconSize: null }),
    })
      .addTo(labels)
      .getElement().textContent = feature.properties.name;
  }
  const focused = features.filter(inFocus);
  if (fit && focused.length) map.fitBounds(L.geoJSON({ type: "FeatureCollection", features: focused }).getBounds(), { padding: [12, 12] });
  return layer;
}

export function alertMarker(alert, { radius = 9 } = {}) {
  const colour = priorityColour(alert.category && alert.category.priority);
  return L.circleMarker([alert.location.lat, alert.location.lon], {
    radius,
    color: "#ffffff",
    weight: 2,
    fillColor: colour,
    fillOpacity: 0.95,
  });
}

// The map of a form that asks for a point (``#place-map`` with ``#id_lat``, ``#id_lon`` and ``#place-status``),
// shown only when Leaflet is there: the form works with typed coordinates without it.
export function placeMap() {
  const container = document.getElementById("place-map");
  if (!container || typeof L === "undefined") return null;
  container.hidden = false;
  return {
    container,
    map: createMap(container, { zoom: 12 }),
    lat: document.getElementById("id_lat"),
    lon: document.getElementById("id_lon"),
    status: document.getElementById("place-status"),
  };
}

// A point chosen on the map for a form's latitude and longitude inputs: a click fills them and drops a marker.
// ``place`` does the same from code (a typed or located point); ``show`` only moves the marker.
export function pointPicker(map, { lat, lon, onPlace = () => {} }) {
  let marker = null;
  const show = (latitude, longitude) => {
    if (marker) marker.setLatLng([latitude, longitude]);
    else marker = L.circleMarker([latitude, longitude], { radius: 9, color: "#fff", weight: 2, fillColor: "#b3261e", fillOpacity: 1 }).addTo(map);
  };
  const place = (latitude, longitude) => {
    lat.value = latitude.toFixed(6);
    lon.value = longitude.toFixed(6);
    show(latitude, longitude);
    onPlace();
  };
  map.on("click", (event) => place(event.latlng.lat, event.latlng.lng));
  return { place, show };
}
