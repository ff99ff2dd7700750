// Shared by every page: the page's configuration, translations, API calls and safe DOM building.
// User text only ever reaches the page through textContent (el() below), never through innerHTML.

export function readJson(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : {};
}

export const config = readJson("page-config");
// Django's JavaScript catalogue (/jsi18n/<language>/, loaded by base.html before any module); English without it.
const catalog = globalThis.django || { gettext: (text) => text };

// t("Alert #{id}", {id: 4}): the translation of an English source string, with {name} placeholders filled.
// `make messages` extracts every t("...") literal; strings kept in tables are marked with gettext_noop below.
export function t(text, values = {}) {
  const translated = catalog.gettext(text);
  return translated.replace(/\{(\w+)\}/g, (match, key) => (key in values ? String(values[key]) : match));
}

// Marks a string for extraction where it is defined, for a t() call that looks it up later.
export const gettext_noop = (text) => text;

// Fill a URL pattern from the page config, e.g. url("alert_detail", {alert_id: 3}).
export function url(name, values = {}) {
  const pattern = config.urls && config.urls[name];
  if (!pattern) return null;
  return pattern.replace(/\{(\w+)\}/g, (match, key) => encodeURIComponent(values[key]));
}

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "className") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

export class ApiError extends Error {
  constructor(status, body) {
    const message = (body && body.error && body.error.message) || t("The server refused the request ({status}).", { status });
    super(message);
    this.status = status;
    this.body = body;
  }
}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : config.csrf_token;
}

// The API answers (errors included) in the language the page is shown in, whatever the browser prefers.
export const apiHeaders = () => ({ Accept: "application/json", ...(config.language ? { "Accept-Language": config.language } : {}) });

// A same-origin API call with the session cookie. Throws ApiError on 4xx/5xx and TypeError when offline.
export async function api(address, { method = "GET", json, form, headers = {} } = {}) {
  const options = { method, credentials: "same-origin", headers: { ...apiHeaders(), ...headers } };
  if (method !== "GET") options.headers["X-CSRFToken"] = csrfToken();
  if (json !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(json);
  } else if (form !== undefined) {
    options.body = form;
  }
  const response = await fetch(address, options);
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) throw new ApiError(response.status, body);
  return { status: response.status, body };
}

// Every page of a paginated list ({results} or a GeoJSON {features} with "next" links).
export async function apiAll(address) {
  const items = [];
  let next = address;
  while (next) {
    const { body } = await api(next);
    const page = body.results !== undefined ? body.results : body;
    items.push(...(page.features || page || []));
    next = body.next || null;
  }
  return items;
}

const isSpanish = () => (config.language || "es").startsWith("es");

export function categoryLabel(category) {
  if (!category) return "";
  return isSpanish() ? category.label_es : category.label_en;
}

export function statusLabel(status) {
  return (config.statuses && config.statuses[status]) || status;
}

export function formatTime(iso, { withDate = false } = {}) {
  const date = new Date(iso);
  const options = withDate
    ? { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }
    : { hour: "2-digit", minute: "2-digit", second: "2-digit" };
  return new Intl.DateTimeFormat(config.language || undefined, options).format(date);
}

// A response timeline; officers' names appear only where the view carries them (dispatch, reporter).
export function timelineList(alert, attributes = {}) {
  const list = el("ol", { className: "timeline", ...attributes });
  for (const step of alert.steps) {
    list.append(
      el(
        "li",
        { className: `step step-${step.status}`, dataset: { status: step.status } },
        el("strong", { text: statusLabel(step.status) }),
        " ",
        el("time", { datetime: step.created_at, text: formatTime(step.created_at) }),
        step.actor ? el("span", { className: "muted", text: ` · ${step.actor.name}` }) : null,
        step.note ? el("p", { className: "note", text: step.note }) : null,
      ),
    );
  }
  return list;
}

export function formatAge(iso, now = Date.now()) {
  const minutes = Math.max(0, Math.round((now - new Date(iso).getTime()) / 60000));
  if (minutes < 1) return t("just now");
  if (minutes < 60) return t("{n} min ago", { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t("{n} h ago", { n: hours });
  return t("{n} days ago", { n: Math.floor(hours / 24) });
}

// Screen readers hear this at once (the #announcer region is aria-live="assertive").
export function announce(text) {
  const region = document.getElementById("announcer");
  if (!region) return;
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
}

export function showError(node, error) {
  node.textContent = error instanceof TypeError ? t("No connection. Try again when you are back online.") : error.message;
  node.hidden = false;
}

export function registerServiceWorker() {
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
  }
}
