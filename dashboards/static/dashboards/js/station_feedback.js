// Feedback about officers: focus the error summary, and pick the place on a map instead of the precinct list.
// The pages work without this script (the list is enough); the point and the list exclude each other, so the
// server never gets a point in one precinct and another precinct chosen. Texts come from data-* attributes.
/* global L */

import { addPrecincts, createMap } from "./map.js";

function focusErrorSummary() {
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
}

function setupMap(form) {
  const container = document.getElementById("place-map");
  if (!container || typeof L === "undefined") return;
  container.hidden = false;
  const lat = document.getElementById("id_lat");
  const lon = document.getElementById("id_lon");
  const precinct = document.getElementById("id_precinct");
  const status = document.getElementById("place-status");
  const map = createMap(container, { zoom: 12 });
  addPrecincts(map).catch(() => {});
  let marker = null;
  const place = (latitude, longitude) => {
    lat.value = latitude.toFixed(6);
    lon.value = longitude.toFixed(6);
    precinct.value = "";
    if (marker) marker.setLatLng([latitude, longitude]);
    else marker = L.circleMarker([latitude, longitude], { radius: 9, color: "#fff", weight: 2, fillColor: "#b3261e", fillOpacity: 1 }).addTo(map);
    status.textContent = form.dataset.pointSet || "";
  };
  if (lat.value && lon.value) place(Number(lat.value), Number(lon.value));
  map.on("click", (event) => place(event.latlng.lat, event.latlng.lng));
  precinct.addEventListener("change", () => {
    if (!precinct.value) return;
    lat.value = "";
    lon.value = "";
    if (marker) marker.remove();
    marker = null;
    status.textContent = "";
  });
}

focusErrorSummary();
const form = document.getElementById("feedback-form");
if (form) setupMap(form);
