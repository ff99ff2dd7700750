// The community page: redacted alerts in my zones (live), adding information, my zones, and notifications.
// The feed opens on the last RECENT_DAYS days (FEED_STEP alerts at most); "See more" adds FEED_STEP older ones,
// reading the API page by page, and the map clusters every alert loaded.
/* global L */

import {
  announce,
  api,
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

const RECENT_DAYS = 7;
const FEED_STEP = 20;
const API_PAGE_SIZE = 100;
const map = createMap("map", { zoom: 13 });
// Clusters break up at street level, where each alert is its own circle again.
const markerLayer = L.markerClusterGroup({ disableClusteringAtZoom: 17, maxClusterRadius: 40, showCoverageOnHover: false }).addTo(map);
const moreButton = document.getElementById("feed-more");
let zones = null;
let nextPage = null;
let shownCount = 0;
let snapshot = 0;

const recentSince = () => new Date(Date.now() - RECENT_DAYS * 86_400_000).toISOString();

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
  return el("details", { className: "add-information" }, el("summary", { text: t("Add information") }), form);
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
    // The latest step is on the badge; the whole timeline folds away so the feed stays short.
    el("details", { className: "timeline-details" }, el("summary", { text: t("Timeline ({n} steps)", { n: alert.steps.length }) }), steps),
    photos.length ? el("div", { className: "photos" }, ...photos) : null,
    information.length ? el("ul", { className: "information", "aria-label": t("Added by neighbors") }, ...information) : null,
    informationForm(alert),
  );
}

function renderFeed() {
  const sorted = [...alerts.values()].sort((a, b) => b.created_at.localeCompare(a.created_at));
  const since = recentSince();
  const recentCount = sorted.filter((alert) => alert.created_at >= since).length;
  // Keep open <details> forms open across a live redraw.
  const openForms = new Set([...feed.querySelectorAll("details.add-information[open]")].map((node) => node.closest("[data-alert-id]").dataset.alertId));
  clear(feed);
  document.getElementById("feed-empty").hidden = recentCount > 0;
  // The first screen holds the recent alerts only, FEED_STEP at most; "See more" adds older ones.
  const limit = Math.max(shownCount, Math.min(recentCount, FEED_STEP));
  let dividerShown = false;
  for (const alert of sorted.slice(0, limit)) {
    if (!dividerShown && alert.created_at < since) {
      feed.append(el("li", { className: "feed-divider", text: t("Older than {days} days", { days: RECENT_DAYS }) }));
      dividerShown = true;
    }
    const item = feedItem(alert);
    if (openForms.has(String(alert.id))) item.querySelector("details.add-information").open = true;
    feed.append(item);
  }
  moreButton.hidden = !(sorted.length > limit || nextPage);
}

// One page of the API's list (newest first); returns false once there are no more pages.
async function loadPage() {
  if (!nextPage) return false;
  const { body } = await api(nextPage);
  const page = body.results !== undefined ? body.results : body;
  for (const feature of page.features || []) upsert(feature.properties);
  nextPage = body.next || null;
  return true;
}

function oldestLoaded() {
  let oldest = null;
  for (const alert of alerts.values()) if (oldest === null || alert.created_at < oldest) oldest = alert.created_at;
  return oldest;
}

async function showMore() {
  moreButton.disabled = true;
  try {
    shownCount = Math.max(shownCount, feed.querySelectorAll(".feed-item").length) + FEED_STEP;
    while (alerts.size < shownCount && (await loadPage()));
    renderFeed();
  } finally {
    moreButton.disabled = false;
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
  const marker = markers.get(alertId);
  if (marker) markerLayer.zoomToShowLayer(marker);
  else if (alert) map.setView([alert.location.lat, alert.location.lon], Math.max(map.getZoom(), 15));
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

// The recent alerts in full, and whatever older ones share their pages; "See more" reads on from there.
async function loadSnapshot() {
  const generation = ++snapshot;
  alerts.clear();
  markerLayer.clearLayers();
  markers.clear();
  shownCount = 0;
  nextPage = `${url("alerts")}?page_size=${API_PAGE_SIZE}`;
  while (generation === snapshot && (await loadPage())) {
    const oldest = oldestLoaded();
    if (oldest !== null && oldest < recentSince()) break;
  }
  if (generation === snapshot) renderFeed();
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

moreButton.addEventListener("click", () => showMore().catch(() => {}));

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
    // Zones decide what the feed holds; the server reads them afresh for every event, so only the list reloads.
    onChanged: () => loadSnapshot().catch(() => {}),
  });
  // With no zones yet, show the whole area so the member can pick a point in it.
  precincts.then((layer) => zones.bounds().isValid() || map.fitBounds(layer.getBounds())).catch(() => {});
  await loadSnapshot();
  loadMessages().catch(() => {});
  setupNotifications();
  registerServiceWorker();
}

start();
