// Station forms: autosave drafts, warn before the session ends, pick the place on a map, send once.
// The page works without this script (the server saves drafts and validates); this only makes it kinder.
// Texts come already translated from the page's data-* attributes.
/* global L */

import { api, config } from "./common.js";
import { addPrecincts, placeMap, pointPicker } from "./map.js";

const form = document.getElementById("station-form");
const texts = form ? form.dataset : {};
const WARN_BEFORE_SECONDS = 120;
const AUTOSAVE_DELAY_MS = 1500;

function focusErrorSummary() {
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
}

function formValues() {
  const values = {};
  for (const [name, value] of new FormData(form).entries()) {
    if (typeof value === "string" && !["csrfmiddlewaretoken", "action", "submission_key"].includes(name)) values[name] = value;
  }
  return values;
}

function setupAutosave() {
  const status = document.getElementById("draft-status");
  let timer = null;
  const save = async () => {
    try {
      await api(config.urls.draft, { method: "PUT", json: { data: formValues() } });
      if (status) status.textContent = `${texts.saved || ""} ${new Date().toLocaleTimeString(config.language, { hour: "2-digit", minute: "2-digit" })}`;
    } catch (error) {
      if (status) status.textContent = texts.notSaved || "";
    }
  };
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(save, AUTOSAVE_DELAY_MS);
  });
}

function setupSessionWarning() {
  const dialog = document.getElementById("session-warning");
  const keep = document.getElementById("session-keep");
  if (!dialog || !config.session_seconds) return;
  let timer = null;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
      keep.focus();
    }, Math.max(config.session_seconds - WARN_BEFORE_SECONDS, 1) * 1000);
  };
  keep.addEventListener("click", async () => {
    await fetch(config.urls.keepalive, { method: "POST", headers: { "X-CSRFToken": config.csrf_token }, credentials: "same-origin" });
    dialog.close ? dialog.close() : dialog.removeAttribute("open");
    arm();
  });
  arm();
}

function setupMap() {
  const found = placeMap();
  if (!found) return;
  const { map, lat, lon, status } = found;
  addPrecincts(map).catch(() => {});
  const { place } = pointPicker(map, {
    lat,
    lon,
    onPlace: () => {
      status.textContent = texts.pointSet || "";
      form.dispatchEvent(new Event("input"));
    },
  });
  if (lat.value && lon.value) place(Number(lat.value), Number(lon.value));
  const mine = document.getElementById("use-my-location");
  if (navigator.geolocation && mine) {
    mine.hidden = false;
    mine.addEventListener("click", () => {
      status.textContent = texts.locating || "";
      navigator.geolocation.getCurrentPosition(
        (position) => {
          place(position.coords.latitude, position.coords.longitude);
          map.setView([position.coords.latitude, position.coords.longitude], 15);
        },
        () => { status.textContent = texts.noLocation || ""; },
      );
    });
  }
}

function setupSendOnce() {
  // The server files a submission key once; this only spares a second request and shows progress.
  form.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (form.dataset.sending === "true") {
      event.preventDefault();
      return;
    }
    if (button && button.value === "file") {
      form.dataset.sending = "true";
      button.setAttribute("aria-disabled", "true");
      button.textContent = texts.submitting;
    }
  });
}

if (form) {
  focusErrorSummary();
  setupAutosave();
  setupSessionWarning();
  setupMap();
  setupSendOnce();
}
