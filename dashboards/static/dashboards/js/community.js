// The community page: redacted alerts in my zones (live), adding information, my zones, and notifications.
/* global L */

import {
  announce,
  api,
  apiAll,
  categoryLabel,
  clear,
  config,
  el,
  formatAge,
  formatTime,
  registerServiceWorker,
  showError,
  statusLabel,
  t,
  url,
} from "./common.js";
import { LiveStream, showConnectionState } from "./live.js";
import { addPrecincts, alertMarker, createMap } from "./map.js";
import { setupNotifications } from "./notifications.js";
import { setupZones } from "./zones.js";

const feed = document.getElementById("feed");
const messagesNode = document.getElementById("messages");
const alerts = new Map();
const markers = new Map();
// Alerts this member added information to: the thanks survive the live redraw that the addition causes.
const thanked = new Set();

const map = createMap("map", { zoom: 13 });
const markerLayer = L.layerGroup().addTo(map);
let zones = null;

function informationForm(alert) {
  const textId = `info-text-${alert.id}`;
  const photoId = `info-photo-${alert.id}`;
  const error = el("p", { className: "error", role: "alert", hidden: true });
  const done = el("p", { className: "notice", role: "status" });
  if (thanked.has(alert.id)) done.textContent = t("Thank you. Dispatch can see what you added.");
  const form = el(
    "form",
    { className: "information-form", novalidate: true },
    el("div", { className: "field" }, el("label", { for: textId, text: t("What do you know about this?") }), el("textarea", { id: textId, name: "text", rows: "2", maxlength: "2000", required: true })),
    el("div", { className: "field" }, el("label", { for: photoId, text: t("Photo (optional)") }), el("input", { id: photoId, name: "photo", type: "file", accept: "image/*", capture: "environment" })),
    error,
    done,
    el("button", { type: "submit", className: "button-small", text: t("Add information") }),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    const text = form.elements.text.value.trim();
    if (!text) {
      error.textContent = t("Write something first.");
      error.hidden = false;
      return;
    }
    const body = new FormData();
    body.append("text", text);
    if (form.elements.photo.files[0]) body.append("photos", form.elements.photo.files[0]);
    try {
      await api(url("information", { alert_id: alert.id }), { method: "POST", form: body });
      form.reset();
      thanked.add(alert.id);
      // The live event for this addition may already have redrawn the feed: thank in the current form too.
      const current = feed.querySelector(`[data-alert-id="${alert.id}"] .information-form .notice`) || done;
      for (const node of new Set([done, current])) node.textContent = t("Thank you. Dispatch can see what you added.");
    } catch (failure) {
      showError(error, failure);
    }
  });
  return el("details", {}, el("summary", { text: t("Add information") }), form);
}

function feedItem(alert) {
  const steps = el("ol", { className: "timeline compact" });
  for (const step of alert.steps) {
    steps.append(
      el("li", { className: `step step-${step.status}`, dataset: { status: step.status } }, el("strong", { text: statusLabel(step.status) }), " ", el("time", { datetime: step.created_at, text: formatTime(step.created_at) })),
    );
  }
  const photos = alert.photos.map((photo) =>
    el("a", { href: photo.url, target: "_blank", rel: "noopener" }, el("img", { src: photo.thumbnail_url, alt: t("Photo of alert #{id}", { id: alert.id }), loading: "lazy" })),
  );
  const information = alert.information.map((info) =>
    el("li", {}, el("p", { text: info.text }), el("span", { className: "muted", text: formatAge(info.created_at) })),
  );
  return el(
    "li",
    { className: `feed-item priority-${alert.category.priority}`, dataset: { alertId: alert.id, status: alert.status } },
    el("h3", {}, el("button", { type: "button", className: "link-button", text: categoryLabel(alert.category), onclick: () => focusAlert(alert.id) })),
    el("p", {}, el("span", { className: `badge status-${alert.status}`, text: statusLabel(alert.status) }), " ", el("span", { className: "muted", text: formatAge(alert.created_at) })),
    steps,
    photos.length ? el("div", { className: "photos" }, ...photos) : null,
    information.length ? el("ul", { className: "information", "aria-label": t("Added by neighbors") }, ...information) : null,
    informationForm(alert),
  );
}

function renderFeed() {
  const sorted = [...alerts.values()].sort((a, b) => b.created_at.localeCompare(a.created_at));
  // Keep open <details> forms open across a live redraw.
  const openForms = new Set([...feed.querySelectorAll("details[open]")].map((node) => node.closest("[data-alert-id]").dataset.alertId));
  clear(feed);
  document.getElementById("feed-empty").hidden = sorted.length > 0;
  for (const alert of sorted) {
    const item = feedItem(alert);
    if (openForms.has(String(alert.id))) item.querySelector("details").open = true;
    feed.append(item);
  }
}

function renderMarker(alert) {
  if (markers.has(alert.id)) markerLayer.removeLayer(markers.get(alert.id));
  const marker = alertMarker(alert, { radius: 8 }).bindTooltip(`${categoryLabel(alert.category)} · ${statusLabel(alert.status)}`);
  marker.on("click", () => focusAlert(alert.id));
  marker.addTo(markerLayer);
  markers.set(alert.id, marker);
}

function focusAlert(alertId) {
  const alert = alerts.get(alertId);
  if (alert) map.setView([alert.location.lat, alert.location.lon], Math.max(map.getZoom(), 15));
  const item = feed.querySelector(`[data-alert-id="${alertId}"]`);
  if (item) {
    item.scrollIntoView({ block: "nearest" });
    item.querySelector("button").focus();
  }
}

function upsert(alert) {
  const current = alerts.get(alert.id);
  if (current && alert.steps.length < current.steps.length) return;
  alerts.set(alert.id, alert);
  renderMarker(alert);
}

function showMessage(message, { isNew = false } = {}) {
  const existing = messagesNode.querySelector(`[data-identifier="${message.identifier}"]`);
  if (existing) existing.remove();
  if (message.status === "cancelled") return;
  messagesNode.prepend(
    el(
      "li",
      { className: `message severity-${message.severity.toLowerCase()}`, dataset: { identifier: message.identifier, messageId: message.id } },
      el("strong", { text: message.headline }),
      el("p", { text: message.body }),
      message.instruction ? el("p", { className: "instruction", text: message.instruction }) : null,
      el("span", { className: "muted", text: `${message.area_description} · ${formatTime(message.sent_at, { withDate: true })}` }),
    ),
  );
  document.getElementById("messages-section").hidden = false;
  if (isNew) announce(t("Message from the police: {headline}", { headline: message.headline }));
}

function onEvent(frame) {
  if (frame.message) {
    // An update or cancellation replaces the message it references.
    if (frame.message.replaces) {
      const replaced = messagesNode.querySelectorAll("li");
      for (const node of replaced) if (node.dataset.messageId === String(frame.message.replaces)) node.remove();
    }
    showMessage(frame.message, { isNew: frame.type === "message.sent" });
    return;
  }
  if (!frame.alert) return;
  const isNew = !alerts.has(frame.alert.id);
  upsert(frame.alert);
  renderFeed();
  if (isNew) announce(t("New alert in your zones: {category}", { category: categoryLabel(frame.alert.category) }));
}

async function loadSnapshot() {
  const features = await apiAll(`${url("alerts")}?page_size=200`);
  for (const feature of features) upsert(feature.properties);
  renderFeed();
}

async function loadMessages() {
  if (!url("messages_active")) return;
  const { body } = await api(url("messages_active"));
  const zoneBounds = zones ? zones.bounds() : null;
  for (const message of body.messages.reverse()) {
    const area = L.geoJSON(message.area).getBounds();
    if (zoneBounds && zoneBounds.isValid() && area.intersects(zoneBounds)) showMessage(message);
  }
}

async function start() {
  const connection = document.getElementById("connection");
  const stream = new LiveStream(config.websockets.community, {
    onEvent,
    onResync: () => loadSnapshot().catch(() => {}),
    onState: (state) => showConnectionState(connection, state),
  });
  stream.start();
  const precincts = addPrecincts(map, { fit: false });
  zones = await setupZones(map, {
    onChanged: () => {
      // Zones decide what the feed holds; the server reads them afresh for every event, so only the list reloads.
      alerts.clear();
      markerLayer.clearLayers();
      markers.clear();
      loadSnapshot().catch(() => {});
    },
  });
  // With no zones yet, show the whole area so the member can pick a point in it.
  precincts.then((layer) => zones.bounds().isValid() || map.fitBounds(layer.getBounds())).catch(() => {});
  await loadSnapshot();
  loadMessages().catch(() => {});
  setupNotifications();
  registerServiceWorker();
}

start();
