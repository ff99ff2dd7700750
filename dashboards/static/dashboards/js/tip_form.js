// The anonymous tip form: the place on a map (optional), the error summary's focus, one send per click.
// The page works without this script; it keeps no draft and stores nothing in the browser, on purpose.
/* global L */

import { createMap } from "./map.js";

const form = document.getElementById("tip-form");
const texts = form ? form.dataset : {};

function setupMap() {
  const container = document.getElementById("place-map");
  if (!container || typeof L === "undefined") return;
  container.hidden = false;
  const lat = document.getElementById("id_lat");
  const lon = document.getElementById("id_lon");
  const status = document.getElementById("place-status");
  const clear = document.getElementById("clear-point");
  const map = createMap(container, { zoom: 12 });
  let marker = null;
  const place = (latitude, longitude) => {
    lat.value = latitude.toFixed(6);
    lon.value = longitude.toFixed(6);
    if (marker) marker.setLatLng([latitude, longitude]);
    else marker = L.circleMarker([latitude, longitude], { radius: 9, color: "#fff", weight: 2, fillColor: "#b3261e", fillOpacity: 1 }).addTo(map);
    status.textContent = texts.pointSet || "";
    clear.hidden = false;
  };
  if (lat.value && lon.value) place(Number(lat.value), Number(lon.value));
  map.on("click", (event) => place(event.latlng.lat, event.latlng.lng));
  clear.addEventListener("click", () => {
    lat.value = "";
    lon.value = "";
    if (marker) marker.remove();
    marker = null;
    clear.hidden = true;
    status.textContent = texts.pointCleared || "";
  });
}

if (form) {
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
  setupMap();
  form.addEventListener("submit", (event) => {
    if (form.dataset.sending === "true") {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "true";
    const button = document.getElementById("send-tip");
    button.setAttribute("aria-disabled", "true");
    button.textContent = texts.submitting;
  });
}
