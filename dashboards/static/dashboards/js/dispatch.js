// The dispatch console: the live map and list of open alerts, the selected alert's detail, and mass messages.

import { announce, apiAll, categoryLabel, clear, config, el, formatAge, t, url } from "./common.js";
import { setupComposer } from "./composer.js";
import { renderDetail, showDetailPlaceholder } from "./dispatch_detail.js";
import { LiveStream, showConnectionState } from "./live.js";
import { addPrecincts, alertMarker, createMap } from "./map.js";
import { beep, setupSoundToggle } from "./sound.js";
/* global L */

const HIGHLIGHT_MS = 15000;
const closed = new Set(config.closed_statuses);

const listNode = document.getElementById("alert-list");
const countNode = document.getElementById("open-count");
const connectionNode = document.getElementById("connection");
const alerts = new Map(); // id -> full alert view
const markers = new Map(); // id -> Leaflet marker
const highlighted = new Set();
let selectedId = null;
let composer = null;

const map = createMap("map");
const markerLayer = L.layerGroup().addTo(map);

function byUrgencyThenAge(a, b) {
  return a.category.priority - b.category.priority || a.created_at.localeCompare(b.created_at) || a.id - b.id;
}

function openAlerts() {
  return [...alerts.values()].filter((alert) => !closed.has(alert.status)).sort(byUrgencyThenAge);
}

function renderList() {
  const open = openAlerts();
  countNode.textContent = t("{n} open", { n: open.length });
  clear(listNode);
  document.getElementById("list-empty").hidden = open.length > 0;
  for (const alert of open) {
    const item = el(
      "li",
      {
        className: `alert-item priority-${alert.category.priority}${highlighted.has(alert.id) ? " is-new" : ""}${alert.id === selectedId ? " is-selected" : ""}`,
        dataset: { alertId: alert.id, status: alert.status },
      },
      el(
        "button",
        {
          type: "button",
          className: "alert-item-button",
          "aria-current": alert.id === selectedId ? "true" : null,
          onclick: () => select(alert.id),
        },
        el("span", { className: "alert-item-title", text: `#${alert.id} ${categoryLabel(alert.category)}` }),
        el("span", { className: `badge status-${alert.status}`, text: config.statuses[alert.status] || alert.status }),
        el("span", { className: "alert-item-meta", text: `${alert.precinct.name} · ${formatAge(alert.created_at)}` }),
        alert.description ? el("span", { className: "alert-item-description", text: alert.description }) : null,
      ),
    );
    listNode.append(item);
  }
}

function renderMarker(alert) {
  const existing = markers.get(alert.id);
  if (existing) markerLayer.removeLayer(existing);
  markers.delete(alert.id);
  if (closed.has(alert.status)) return;
  const marker = alertMarker(alert, { radius: alert.id === selectedId ? 13 : 9 });
  marker.bindTooltip(`#${alert.id} ${categoryLabel(alert.category)}`);
  marker.on("click", () => select(alert.id));
  marker.addTo(markerLayer);
  const path = marker.getElement();
  if (path) {
    path.classList.add("alert-marker");
    path.dataset.alertId = alert.id;
    if (highlighted.has(alert.id)) path.classList.add("is-new");
  }
  markers.set(alert.id, marker);
}

function upsert(alert) {
  const current = alerts.get(alert.id);
  // Events carry the whole alert; an older copy (fewer steps) never replaces a newer one.
  if (current && alert.steps.length < current.steps.length) return false;
  alerts.set(alert.id, alert);
  renderMarker(alert);
  return true;
}

async function select(alertId) {
  const previous = selectedId;
  selectedId = alertId;
  if (previous && alerts.has(previous)) renderMarker(alerts.get(previous));
  if (alerts.has(alertId)) renderMarker(alerts.get(alertId));
  renderList();
  await renderDetail(alertId, { onChanged: applyAlert, onSelect: select });
}

function applyAlert(alert) {
  if (upsert(alert)) renderList();
}

function highlight(alertId) {
  highlighted.add(alertId);
  window.setTimeout(() => {
    highlighted.delete(alertId);
    const item = listNode.querySelector(`[data-alert-id="${alertId}"]`);
    if (item) item.classList.remove("is-new");
    const marker = markers.get(alertId);
    if (marker && marker.getElement()) marker.getElement().classList.remove("is-new");
  }, HIGHLIGHT_MS);
}

function onEvent(frame) {
  if (frame.type.startsWith("message.")) {
    announce(t("Mass message: {headline}", { headline: frame.message.headline }));
    if (composer) composer.refresh().catch(() => {});
    return;
  }
  if (!frame.alert) return;
  const alert = frame.alert;
  if (frame.type === "alert.created" && !alerts.has(alert.id)) {
    highlight(alert.id);
    beep();
    announce(t("New alert: {category} in {precinct}", { category: categoryLabel(alert.category), precinct: alert.precinct.name }));
  }
  applyAlert(alert);
  if (alert.id === selectedId) renderDetail(alert.id, { onChanged: applyAlert, onSelect: select, quiet: true });
}

async function loadSnapshot() {
  const startedAt = Date.now();
  const query = new URLSearchParams({ page_size: "500" });
  for (const status of Object.keys(config.statuses)) if (!closed.has(status)) query.append("status", status);
  const features = await apiAll(`${url("alerts")}?${query}`);
  const listed = new Set(features.map((feature) => feature.properties.id));
  // An alert we hold as open that the snapshot no longer lists was closed meanwhile (unless it is newer).
  for (const [id, alert] of alerts) {
    if (!listed.has(id) && new Date(alert.created_at).getTime() < startedAt && !closed.has(alert.status)) {
      alerts.delete(id);
      renderMarker({ ...alert, status: config.closed_statuses[0] });
    }
  }
  for (const feature of features) upsert(feature.properties);
  renderList();
}

async function start() {
  showDetailPlaceholder();
  setupSoundToggle(document.getElementById("sound-toggle"));
  const stream = new LiveStream(config.websockets.dispatch, {
    onEvent,
    onResync: () => loadSnapshot().catch(() => {}),
    onState: (state) => showConnectionState(connectionNode, state),
  });
  // Connect first, then load: an alert created in between arrives on the socket, and upsert() keeps the newest copy.
  stream.start();
  addPrecincts(map, { focusIds: config.scope.precinct_ids }).catch(() => {});
  await loadSnapshot();
  composer = setupComposer(map);
  window.setInterval(renderList, 60000);
}

start();
