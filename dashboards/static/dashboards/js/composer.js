// The mass message composer: draw a polygon or a circle on the map (leaflet-draw), or pick a whole precinct.
/* global L */

import { announce, api, config, el, showError, t, url } from "./common.js";

const CHOICE_LABELS = {
  Extreme: "Extreme",
  Severe: "Severe",
  Moderate: "Moderate",
  Minor: "Minor",
  Immediate: "Immediate",
  Expected: "Expected",
  Future: "Future",
  Past: "Past",
  Observed: "Observed",
  Likely: "Likely",
  Possible: "Possible",
  Unlikely: "Unlikely",
  Unknown: "Unknown",
};

function fillSelect(select, values, chosen) {
  for (const value of values) {
    select.append(el("option", { value, selected: value === chosen, text: t(CHOICE_LABELS[value] || value) }));
  }
}

export function setupComposer(map) {
  const panel = document.getElementById("composer");
  const toggle = document.getElementById("composer-toggle");
  const form = document.getElementById("composer-form");
  const areaStatus = document.getElementById("composer-area");
  const error = document.getElementById("composer-error");
  if (!url("messages") || !panel) {
    if (toggle) toggle.hidden = true;
    return;
  }
  const precinctSelect = form.elements.precinct;
  for (const precinct of config.precincts) precinctSelect.append(el("option", { value: precinct.id, text: precinct.name }));
  fillSelect(form.elements.severity, config.message_choices.severity, "Moderate");
  fillSelect(form.elements.urgency, config.message_choices.urgency, "Expected");

  const drawn = new L.FeatureGroup().addTo(map);
  const drawControl = new L.Control.Draw({
    position: "topright",
    draw: {
      polygon: { allowIntersection: false, showArea: false, shapeOptions: { color: "#6a1b9a" } },
      circle: { shapeOptions: { color: "#6a1b9a" } },
      polyline: false,
      rectangle: false,
      marker: false,
      circlemarker: false,
    },
    edit: { featureGroup: drawn, edit: false, remove: true },
  });
  // What the server will really use: the drawing clipped to this console's precincts.
  const reach = L.geoJSON(null, { style: { color: "#b71c1c", weight: 2, fillOpacity: 0.25 }, interactive: false }).addTo(map);
  let area = null;
  let previewed = 0;

  const targetFields = () => {
    if (form.elements.target.value === "precinct" || !area) return { target: "precinct" };
    if (area.kind === "radius") return { target: "radius", center: area.center, radius_meters: area.radius_meters };
    return { target: "polygon", area: area.area };
  };

  const describeDrawing = () => {
    if (form.elements.target.value === "precinct") return t("The whole precinct will receive it.");
    if (!area) return t("Draw a polygon or a circle on the map with the tools at its top right.");
    if (area.kind === "radius") return t("Circle of {m} m drawn.", { m: area.radius_meters });
    return t("Polygon drawn.");
  };

  const showArea = async () => {
    reach.clearLayers();
    areaStatus.textContent = describeDrawing();
    if (form.elements.target.value === "precinct" || !area) return;
    const request = ++previewed;
    try {
      const { body } = await api(url("message_preview"), {
        method: "POST",
        json: { precinct: Number(precinctSelect.value), ...targetFields() },
      });
      if (request !== previewed) return; // a newer drawing superseded this answer
      reach.addData(body.area);
      if (body.is_clipped) {
        const km2 = (value) => (value / 1e6).toFixed(2);
        areaStatus.textContent = t("Only the part inside your precincts will receive it: {part} of {whole} km² (in red).", {
          part: km2(body.square_meters),
          whole: km2(body.requested_square_meters),
        });
      }
    } catch (failure) {
      if (request === previewed) areaStatus.textContent = failure.message || String(failure);
    }
  };

  map.on(L.Draw.Event.CREATED, (event) => {
    drawn.clearLayers();
    drawn.addLayer(event.layer);
    if (event.layerType === "circle") {
      const centre = event.layer.getLatLng();
      area = { kind: "radius", center: { lat: centre.lat, lon: centre.lng }, radius_meters: Math.round(event.layer.getRadius()) };
    } else {
      area = { kind: "polygon", area: event.layer.toGeoJSON().geometry };
    }
    form.elements.target.value = "drawn";
    showArea();
  });
  map.on(L.Draw.Event.DELETED, () => {
    area = null;
    showArea();
  });
  precinctSelect.addEventListener("change", showArea);

  const open = (isOpen) => {
    panel.hidden = !isOpen;
    toggle.setAttribute("aria-expanded", String(isOpen));
    if (isOpen) {
      map.addControl(drawControl);
      showArea();
      form.elements.headline.focus();
    } else {
      map.removeControl(drawControl);
    }
  };
  toggle.addEventListener("click", () => open(panel.hidden));
  document.getElementById("composer-cancel").addEventListener("click", () => open(false));
  for (const radio of form.querySelectorAll("input[name=target]")) radio.addEventListener("change", showArea);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    const target = form.elements.target.value;
    if (target === "drawn" && !area) {
      error.textContent = t("Draw the area first, or choose the whole precinct.");
      error.hidden = false;
      return;
    }
    const body = {
      precinct: Number(precinctSelect.value),
      headline: form.elements.headline.value.trim(),
      body: form.elements.body.value.trim(),
      instruction: form.elements.instruction.value.trim(),
      severity: form.elements.severity.value,
      urgency: form.elements.urgency.value,
    };
    Object.assign(body, targetFields());
    const submit = form.querySelector("button[type=submit]");
    submit.disabled = true;
    try {
      await api(url("messages"), { method: "POST", json: body });
      announce(t("Message sent."));
      document.getElementById("composer-result").textContent = t("Message sent: {headline}", { headline: body.headline });
      form.reset();
      drawn.clearLayers();
      reach.clearLayers();
      area = null;
      showArea();
    } catch (failure) {
      showError(error, failure);
    } finally {
      submit.disabled = false;
    }
  });
}
