// My zones on the community page: draw a polygon, or click the map and choose a radius.
/* global L */

import { announce, api, clear, el, showError, t, url } from "./common.js";

const ZONE_STYLE = { color: "#1f5f8b", weight: 2, fillOpacity: 0.08, dashArray: "4 4" };

export async function setupZones(map, { onChanged }) {
  const list = document.getElementById("zone-list");
  const form = document.getElementById("zone-form");
  const error = document.getElementById("zone-error");
  const hint = document.getElementById("zone-hint");
  const homeButton = document.getElementById("home-button");
  const homeStatus = document.getElementById("home-status");
  const layer = L.featureGroup().addTo(map);
  const draft = L.featureGroup().addTo(map);
  let drawer = null;
  let shape = null; // {boundary} or {lat, lon}

  const kind = () => form.elements.kind.value;

  function showHint() {
    if (kind() === "polygon") hint.textContent = shape && shape.boundary ? t("Polygon drawn.") : t("Press “Draw on the map”, click the corners and click the first corner again to finish.");
    else hint.textContent = shape && shape.lat !== undefined ? t("Centre chosen. Adjust the radius and save.") : t("Click the map where the zone should be centred.");
    document.getElementById("zone-draw").hidden = kind() !== "polygon";
    document.getElementById("zone-radius-field").hidden = kind() !== "radius";
    homeButton.hidden = !(shape && shape.lat !== undefined);
  }

  function drawCircleDraft() {
    draft.clearLayers();
    if (shape && shape.lat !== undefined) {
      L.circle([shape.lat, shape.lon], { radius: Number(form.elements.radius_meters.value) || 0, ...ZONE_STYLE, color: "#6a1b9a" }).addTo(draft);
    }
  }

  async function load() {
    const { body } = await api(url("zones"));
    layer.clearLayers();
    clear(list);
    document.getElementById("zone-empty").hidden = body.length > 0;
    for (const zone of body) {
      L.geoJSON(zone.boundary, { style: ZONE_STYLE, interactive: false }).addTo(layer);
      const description = zone.kind === "radius" ? t("{m} m around a point", { m: zone.radius_meters }) : t("Drawn area");
      list.append(
        el(
          "li",
          { dataset: { zoneId: zone.id } },
          el("strong", { text: zone.name }),
          el("span", { className: "muted", text: ` · ${description}` }),
          el("button", {
            type: "button",
            className: "button-small",
            text: t("Remove"),
            "aria-label": t("Remove zone {name}", { name: zone.name }),
            onclick: async () => {
              await api(url("zone", { zone_id: zone.id }), { method: "DELETE" });
              await load();
              onChanged();
            },
          }),
        ),
      );
    }
    if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { padding: [16, 16], maxZoom: 15 });
  }

  map.on("click", (event) => {
    if (kind() !== "radius" || drawer) return;
    shape = { lat: event.latlng.lat, lon: event.latlng.lng };
    drawCircleDraft();
    showHint();
  });
  map.on(L.Draw.Event.CREATED, (event) => {
    if (!drawer) return;
    drawer = null;
    draft.clearLayers();
    draft.addLayer(event.layer);
    shape = { boundary: event.layer.toGeoJSON().geometry };
    showHint();
  });
  document.getElementById("zone-draw").addEventListener("click", () => {
    draft.clearLayers();
    shape = null;
    drawer = new L.Draw.Polygon(map, { allowIntersection: false, showArea: false, shapeOptions: { color: "#6a1b9a" } });
    drawer.enable();
    showHint();
  });
  form.elements.radius_meters.addEventListener("input", drawCircleDraft);
  for (const radio of form.querySelectorAll("input[name=kind]")) {
    radio.addEventListener("change", () => {
      shape = null;
      draft.clearLayers();
      if (drawer) drawer.disable();
      drawer = null;
      showHint();
    });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    const name = form.elements.name.value.trim() || t("My zone");
    let body;
    if (kind() === "polygon" && shape && shape.boundary) body = { name, boundary: shape.boundary };
    else if (kind() === "radius" && shape && shape.lat !== undefined) {
      body = { name, lat: shape.lat, lon: shape.lon, radius_meters: Number(form.elements.radius_meters.value) };
    } else {
      error.textContent = kind() === "polygon" ? t("Draw the zone on the map first.") : t("Click the map to choose the centre first.");
      error.hidden = false;
      return;
    }
    try {
      await api(url("zones"), { method: "POST", json: body });
      announce(t("Zone saved."));
      form.elements.name.value = "";
      shape = null;
      draft.clearLayers();
      showHint();
      await load();
      onChanged();
    } catch (failure) {
      showError(error, failure);
    }
  });

  homeButton.addEventListener("click", async () => {
    try {
      await api(url("home_address"), { method: "PUT", json: { lat: shape.lat, lon: shape.lon } });
      homeStatus.textContent = t("Home address saved.");
    } catch (failure) {
      showError(homeStatus, failure);
    }
  });

  showHint();
  await load();
  return { bounds: () => layer.getBounds() };
}
