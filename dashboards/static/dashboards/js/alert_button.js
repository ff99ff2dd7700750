// The alert button: pick a category, press, and follow the police response live.

import {
  announce,
  api,
  categoryLabel,
  clear,
  config,
  el,
  formatTime,
  gettext_noop,
  registerServiceWorker,
  statusLabel,
  t,
  timelineList,
  url,
} from "./common.js";
import { LiveStream, showConnectionState } from "./live.js";
import * as outbox from "./outbox.js";

const POSITION_FRESH_MS = 60000;
const RETRY_EVERY_MS = 15000;

const form = document.getElementById("alert-form");
const locationStatus = document.getElementById("location-status");
const formError = document.getElementById("form-error");
const photoInput = document.getElementById("photo");
const photoName = document.getElementById("photo-name");
const outboxList = document.getElementById("outbox-list");
const timelinePanel = document.getElementById("timeline");
const networkStatus = document.getElementById("network-status");

let position = null;
let followed = null;

// --- categories -------------------------------------------------------------------------------
function renderCategories() {
  const container = document.getElementById("categories");
  clear(container);
  for (const category of config.categories) {
    const id = `category-${category.code}`;
    container.append(
      el(
        "div",
        { className: `category priority-${category.priority}` },
        el("input", { type: "radio", name: "category", id, value: category.code, required: true }),
        el("label", { for: id, text: categoryLabel(category) }),
      ),
    );
  }
}

function categoryByCode(code) {
  return config.categories.find((category) => category.code === code);
}

// --- location ---------------------------------------------------------------------------------
function showPosition() {
  if (!position) return;
  const accuracy = Math.round(position.coords.accuracy);
  locationStatus.dataset.state = accuracy <= 100 ? "good" : "rough";
  locationStatus.textContent = t("Location ready (accuracy ±{m} m)", { m: accuracy });
}

function positionFailed(error) {
  if (position) return;
  locationStatus.dataset.state = "missing";
  locationStatus.textContent =
    error && error.code === 1
      ? t("Location is blocked. Allow location for this site so the police can find you.")
      : t("Looking for your location…");
}

function watchLocation() {
  if (!("geolocation" in navigator)) {
    locationStatus.dataset.state = "missing";
    locationStatus.textContent = t("This browser cannot share your location.");
    return;
  }
  locationStatus.textContent = t("Looking for your location…");
  navigator.geolocation.watchPosition(
    (found) => {
      position = found;
      showPosition();
    },
    positionFailed,
    { enableHighAccuracy: true, maximumAge: 10000, timeout: 20000 },
  );
}

function currentPosition() {
  if (position && Date.now() - position.timestamp < POSITION_FRESH_MS) return Promise.resolve(position);
  return new Promise((resolve, reject) => {
    if (!("geolocation" in navigator)) {
      reject(new Error(t("This browser cannot share your location.")));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (found) => {
        position = found;
        showPosition();
        resolve(found);
      },
      (error) =>
        reject(
          new Error(
            error.code === 1
              ? t("Location is blocked. Allow location for this site so the police can find you.")
              : t("Your location could not be found. Try again outdoors or near a window."),
          ),
        ),
      { enableHighAccuracy: true, maximumAge: 10000, timeout: 15000 },
    );
  });
}

// --- outbox -----------------------------------------------------------------------------------
const STATE_TEXT = {
  [outbox.PENDING]: gettext_noop("Pending: will be sent when the connection is back"),
  [outbox.SENDING]: gettext_noop("Sending…"),
  [outbox.SENT]: gettext_noop("Sent"),
  [outbox.FAILED]: gettext_noop("Not sent"),
};

async function renderOutbox() {
  const records = await outbox.records();
  clear(outboxList);
  document.getElementById("outbox-empty").hidden = records.length > 0;
  for (const record of records) {
    const category = categoryByCode(record.category);
    const item = el(
      "li",
      { className: `outbox-item state-${record.state}`, dataset: { key: record.key, state: record.state } },
      el("span", { className: "outbox-title", text: categoryLabel(category) || record.category }),
      el("span", { className: "outbox-time", text: formatTime(record.createdAt, { withDate: true }) }),
      el("span", { className: `badge badge-${record.state}`, text: t(STATE_TEXT[record.state]) }),
    );
    if (record.error) item.append(el("p", { className: "field-error", text: record.error }));
    if (record.state === outbox.SENT && record.alertId) {
      item.append(
        el("button", {
          type: "button",
          className: "button-small",
          text: t("Follow"),
          "aria-label": t("Follow alert #{id}", { id: record.alertId }),
          onclick: () => follow(record.alertId),
        }),
      );
    }
    if (record.state === outbox.FAILED) {
      item.append(
        el("button", {
          type: "button",
          className: "button-small",
          text: t("Remove"),
          onclick: async () => {
            await outbox.discard(record.key);
            renderOutbox();
          },
        }),
      );
    }
    outboxList.append(item);
  }
}

let lastSentShown = null;
function recordChanged(record) {
  renderOutbox();
  if (record.state === outbox.SENT && record.alertId !== lastSentShown) {
    lastSentShown = record.alertId;
    announce(t("Alert sent. The police received it."));
    follow(record.alertId);
  } else if (record.state === outbox.FAILED) {
    announce(t("The alert was not sent: {reason}", { reason: record.error }));
  }
}

function sendPending() {
  return outbox.flush(recordChanged).then(renderOutbox);
}

function showNetwork() {
  const online = navigator.onLine !== false;
  networkStatus.dataset.state = online ? "connected" : "offline";
  networkStatus.textContent = online ? t("Online") : t("Offline: alerts are kept and sent when you reconnect");
}

// --- timeline ---------------------------------------------------------------------------------
function renderTimeline(alert) {
  const category = alert.category;
  clear(timelinePanel);
  const status = el("p", { id: "timeline-connection", className: "connection", role: "status", "aria-live": "polite" });
  timelinePanel.append(
    el("h2", { id: "timeline-heading", text: t("Alert #{id}: {category}", { id: alert.id, category: categoryLabel(category) }) }),
    status,
  );
  const steps = timelineList(alert, { "aria-label": t("Response timeline") });
  timelinePanel.append(steps);
  timelinePanel.hidden = false;
  if (followed && followed.stream) showConnectionState(status, followed.stream.state || "connecting");
}

async function loadAlert(alertId) {
  const { body } = await api(url("alert_detail", { alert_id: alertId }));
  return body;
}

async function follow(alertId) {
  if (followed && followed.id === alertId) return;
  if (followed) followed.stream.stop();
  const current = { id: alertId, alert: null, stream: null };
  followed = current;
  const show = (alert) => {
    // An event carries the whole alert; never let an older copy replace a newer one.
    if (current.alert && alert.steps.length < current.alert.steps.length) return;
    const isNewStep = current.alert && alert.steps.length > current.alert.steps.length;
    current.alert = alert;
    renderTimeline(alert);
    if (isNewStep) announce(t("Update on your alert: {status}", { status: statusLabel(alert.status) }));
  };
  current.stream = new LiveStream(config.websockets.alert.replace("{alert_id}", alertId), {
    onEvent: (frame) => frame.alert && frame.alert.id === alertId && show(frame.alert),
    onResync: () => loadAlert(alertId).then(show).catch(() => {}),
    onState: (state) => {
      const node = document.getElementById("timeline-connection");
      if (node) showConnectionState(node, state);
    },
  });
  current.stream.start();
  try {
    show(await loadAlert(alertId));
  } catch {
    // Offline: the live stream reloads the alert once it reconnects.
  }
}

// --- the button -------------------------------------------------------------------------------
async function press(event) {
  event.preventDefault();
  formError.hidden = true;
  const chosen = form.querySelector("input[name=category]:checked");
  if (!chosen) {
    formError.textContent = t("Choose what is happening first.");
    formError.hidden = false;
    form.querySelector("input[name=category]").focus();
    return;
  }
  const button = document.getElementById("alert-button");
  button.disabled = true;
  try {
    const found = await currentPosition();
    await outbox.enqueue({
      category: chosen.value,
      lat: found.coords.latitude,
      lon: found.coords.longitude,
      accuracy: found.coords.accuracy,
      description: document.getElementById("description").value.trim(),
      photo: photoInput.files[0] || null,
    });
    form.reset();
    photoName.textContent = "";
    await renderOutbox();
    announce(navigator.onLine === false ? t("No connection: your alert will be sent when you reconnect.") : t("Sending your alert…"));
    await sendPending();
  } catch (error) {
    formError.textContent = error.message;
    formError.hidden = false;
  } finally {
    button.disabled = false;
  }
}

async function start() {
  renderCategories();
  watchLocation();
  showNetwork();
  form.addEventListener("submit", press);
  photoInput.addEventListener("change", () => {
    photoName.textContent = photoInput.files[0] ? photoInput.files[0].name : "";
  });
  window.addEventListener("online", () => {
    showNetwork();
    sendPending();
  });
  window.addEventListener("offline", showNetwork);
  window.setInterval(sendPending, RETRY_EVERY_MS);
  await renderOutbox();
  const latest = (await outbox.records()).find((record) => record.state === outbox.SENT);
  await sendPending();
  if (!followed && latest) follow(latest.alertId);
  registerServiceWorker();
}

start();
