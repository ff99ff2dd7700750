// The voter-excuse form: choose where you are (device location, a click on the map, or typed coordinates) and see
// the distance to your polling station before sending. The server checks again; the page works without this.
/* global L */

import { api, config } from "./common.js";
import { createMap } from "./map.js";

const form = document.getElementById("excuse-form");
const texts = form ? form.dataset : {};

function kilometres(meters) {
  const format = new Intl.NumberFormat(config.language, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return format.format(meters / 1000);
}

function setup() {
  const lat = document.getElementById("id_lat");
  const lon = document.getElementById("id_lon");
  const source = document.getElementById("id_position_source");
  const result = document.getElementById("distance-check");
  const container = document.getElementById("excuse-map");
  let map = null;
  let marker = null;
  let request = 0;

  const check = async () => {
    const latitude = Number(lat.value);
    const longitude = Number(lon.value);
    if (lat.value === "" || lon.value === "" || Number.isNaN(latitude) || Number.isNaN(longitude)) return;
    if (map) {
      if (marker) marker.setLatLng([latitude, longitude]);
      else marker = L.circleMarker([latitude, longitude], { radius: 9, color: "#fff", weight: 2, fillColor: "#b3261e", fillOpacity: 1 }).addTo(map);
    }
    const mine = ++request;
    result.textContent = texts.checking || "";
    delete result.dataset.eligible;
    try {
      const { body } = await api(`${config.urls.check}?lat=${encodeURIComponent(latitude)}&lon=${encodeURIComponent(longitude)}`);
      if (mine !== request) return;
      const template = body.is_far_enough ? texts.far : texts.near;
      result.textContent = template.replace("{km}", kilometres(body.distance_meters));
      result.dataset.eligible = body.is_far_enough ? "true" : "false";
      result.dataset.distance = String(body.distance_meters);
    } catch (error) {
      if (mine !== request) return;
      result.textContent = error.message;
      result.dataset.eligible = "false";
    }
  };

  const place = (latitude, longitude, how) => {
    lat.value = latitude.toFixed(5);
    lon.value = longitude.toFixed(5);
    source.value = how;
    check();
  };

  if (container && typeof L !== "undefined") {
    container.hidden = false;
    map = createMap(container, { zoom: 5 });
    map.on("click", (event) => place(event.latlng.lat, event.latlng.lng, "map"));
  }
  for (const input of [lat, lon]) {
    input.addEventListener("change", () => {
      source.value = "map";
      check();
    });
  }
  const locate = document.getElementById("use-my-location");
  if (navigator.geolocation && locate) {
    locate.hidden = false;
    locate.addEventListener("click", () => {
      result.textContent = texts.locating || "";
      navigator.geolocation.getCurrentPosition(
        (position) => {
          place(position.coords.latitude, position.coords.longitude, "device");
          if (map) map.setView([position.coords.latitude, position.coords.longitude], 9);
        },
        () => { result.textContent = texts.noLocation || ""; },
      );
    });
  }
  form.addEventListener("submit", (event) => {
    if (form.dataset.sending === "true") {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "true";
    const button = document.getElementById("submit-button");
    button.setAttribute("aria-disabled", "true");
    button.textContent = texts.submitting;
  });
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
  if (lat.value && lon.value) check();
}

if (form) setup();
