// The alert button's outbox in IndexedDB: an alert is saved here first, then sent; what could not be sent
// (no connection, server busy) stays "pending" and is sent again on the 'online' event, on load and on a timer.
// Each record keeps its Idempotency-Key, so sending it twice can never create two alerts.

import { ApiError, api, config } from "./common.js";

const DATABASE = "vigia-alert-button";
const STORE = "outbox";
const KEEP_SENT = 10;

export const PENDING = "pending";
export const SENDING = "sending";
export const SENT = "sent";
export const FAILED = "failed";

function request(idbRequest) {
  return new Promise((resolve, reject) => {
    idbRequest.onsuccess = () => resolve(idbRequest.result);
    idbRequest.onerror = () => reject(idbRequest.error);
  });
}

let databasePromise = null;
function database() {
  if (!databasePromise) {
    const opening = indexedDB.open(DATABASE, 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore(STORE, { keyPath: "key" });
    databasePromise = request(opening);
  }
  return databasePromise;
}

async function store(mode) {
  const db = await database();
  return db.transaction(STORE, mode).objectStore(STORE);
}

function newKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

// This browser's records for the signed-in person, newest first.
export async function records() {
  const all = await request((await store("readonly")).getAll());
  const mine = all.filter((record) => record.userId === config.user.id);
  return mine.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

async function save(record) {
  await request((await store("readwrite")).put(record));
  return record;
}

export async function enqueue({ category, lat, lon, accuracy, description, photo }) {
  return save({
    key: newKey(),
    userId: config.user.id,
    category,
    lat,
    lon,
    accuracy,
    description,
    photo: photo || null,
    state: PENDING,
    createdAt: new Date().toISOString(),
    alertId: null,
    error: null,
  });
}

async function prune() {
  const sent = (await records()).filter((record) => record.state === SENT);
  const os = await store("readwrite");
  await Promise.all(sent.slice(KEEP_SENT).map((record) => request(os.delete(record.key))));
}

async function send(record) {
  const form = new FormData();
  form.append("category", record.category);
  form.append("lat", String(record.lat));
  form.append("lon", String(record.lon));
  form.append("accuracy_meters", String(Math.round(record.accuracy * 100) / 100));
  form.append("description", record.description || "");
  if (record.photo) form.append("photos", record.photo, record.photo.name || "photo.jpg");
  const { body } = await api(config.urls.alerts, { method: "POST", form, headers: { "Idempotency-Key": record.key } });
  return body;
}

// Whether a failure is worth retrying later (no connection, server trouble, rate limit) or final.
function isRetryable(error) {
  if (!(error instanceof ApiError)) return true;
  return error.status >= 500 || error.status === 429 || error.status === 408;
}

let flushing = null;
let flushAgain = false;

async function flushOnce(onChange) {
  for (const record of await records()) {
    if (record.state !== PENDING && record.state !== SENDING) continue;
    if (navigator.onLine === false) return;
    await save({ ...record, state: SENDING });
    onChange({ ...record, state: SENDING });
    try {
      const alert = await send(record);
      onChange(await save({ ...record, state: SENT, alertId: alert.id, photo: null, error: null }));
    } catch (error) {
      const state = isRetryable(error) ? PENDING : FAILED;
      onChange(await save({ ...record, state, error: state === FAILED ? error.message : null }));
      if (state === PENDING) return;
    }
  }
  await prune();
}

// Send every pending record, one at a time; onChange(record) hears each state change.
// A call during a flush makes that flush run once more, so a record queued meanwhile is not left behind.
export function flush(onChange = () => {}) {
  if (flushing) {
    flushAgain = true;
    return flushing;
  }
  flushing = (async () => {
    try {
      do {
        flushAgain = false;
        await flushOnce(onChange);
      } while (flushAgain);
    } finally {
      flushing = null;
    }
  })();
  return flushing;
}

export async function discard(key) {
  await request((await store("readwrite")).delete(key));
}
