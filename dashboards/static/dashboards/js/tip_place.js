// An officer places a tip that came with no point: a click on the map fills the coordinates, which can also be
// typed. The map opens on the tip's comuna, or on the officer's precincts. The page works without this script.
/* global L */

import { config } from "./common.js";
import { addPrecincts, placeMap, pointPicker } from "./map.js";

const form = document.getElementById("place-form");

function setup() {
  const found = placeMap();
  if (!found) return;
  const { container, map, lat, lon, status } = found;
  addPrecincts(map, { focusIds: config.map_focus ?? null })
    .then(() => { container.dataset.ready = "true"; })
    .catch(() => {});
  const { show } = pointPicker(map, { lat, lon, onPlace: () => { status.textContent = form.dataset.pointSet || ""; } });
  const typed = () => {
    const latitude = Number(lat.value);
    const longitude = Number(lon.value);
    if (lat.value !== "" && lon.value !== "" && !Number.isNaN(latitude) && !Number.isNaN(longitude)) show(latitude, longitude);
  };
  for (const input of [lat, lon]) input.addEventListener("change", typed);
  typed();
}

if (form) setup();
