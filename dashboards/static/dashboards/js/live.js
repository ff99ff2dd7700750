// A websocket that stays connected: exponential backoff, keep-alive pings, and resume from the last event id.
// The server replays what we missed (see backend/alerts/consumers.py), so a reconnect leaves no gap.

import { gettext_noop, t } from "./common.js";

const BACKOFF_START_MS = 500;
const BACKOFF_MAX_MS = 30000;
const PING_EVERY_MS = 25000;
const PONG_TIMEOUT_MS = 10000;
const CLOSE_UNAUTHENTICATED = 4401;
const CLOSE_FORBIDDEN = 4403;

export const STATES = {
  connecting: "connecting",
  connected: "connected",
  reconnecting: "reconnecting",
  offline: "offline",
  denied: "denied",
};

export class LiveStream {
  // onEvent(frame) for each event; onResync() when the client must reload its snapshot;
  // onState(state) on every connection state change.
  constructor(path, { onEvent, onResync = () => {}, onState = () => {} }) {
    this.path = path;
    this.onEvent = onEvent;
    this.onResync = onResync;
    this.onState = onState;
    this.lastEventId = null;
    this.attempt = 0;
    this.socket = null;
    this.timers = {};
    this.stopped = false;
    this.hasConnectedBefore = false;
    window.addEventListener("online", () => this.reconnectNow());
    window.addEventListener("offline", () => {
      this.setState(STATES.offline);
      if (this.socket) this.socket.close();
    });
  }

  start() {
    this.setState(STATES.connecting);
    this.connect();
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.onState(state);
  }

  address() {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const query = this.lastEventId === null ? "" : `?last_event_id=${this.lastEventId}`;
    return `${scheme}//${window.location.host}${this.path}${query}`;
  }

  connect() {
    window.clearTimeout(this.timers.retry);
    if (this.stopped) return;
    let socket;
    try {
      socket = new WebSocket(this.address());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.addEventListener("message", (message) => this.receive(message));
    socket.addEventListener("close", (close) => this.closed(socket, close));
  }

  receive(message) {
    let frame;
    try {
      frame = JSON.parse(message.data);
    } catch {
      return;
    }
    if (frame.type === "hello" || frame.type === "resumed") {
      this.attempt = 0;
      this.setState(STATES.connected);
      this.keepAlive();
      // A fresh stream says which id "now" is, so a drop before the first event resumes from there exactly.
      if (this.lastEventId === null && typeof frame.after_id === "number") this.lastEventId = frame.after_id;
      const lostTrack = this.hasConnectedBefore && this.lastEventId === null;
      this.hasConnectedBefore = true;
      if (frame.full_resync || lostTrack) this.onResync();
      return;
    }
    if (frame.type === "pong") {
      window.clearTimeout(this.timers.pong);
      return;
    }
    if (typeof frame.id !== "number" || (this.lastEventId !== null && frame.id <= this.lastEventId)) return;
    this.lastEventId = frame.id;
    this.onEvent(frame);
  }

  keepAlive() {
    window.clearInterval(this.timers.ping);
    this.timers.ping = window.setInterval(() => {
      if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return;
      this.socket.send(JSON.stringify({ type: "ping" }));
      window.clearTimeout(this.timers.pong);
      // No pong: the connection is dead without the browser noticing. Close it and reconnect.
      this.timers.pong = window.setTimeout(() => this.socket && this.socket.close(), PONG_TIMEOUT_MS);
    }, PING_EVERY_MS);
  }

  closed(socket, close) {
    if (socket !== this.socket) return;
    window.clearInterval(this.timers.ping);
    window.clearTimeout(this.timers.pong);
    this.socket = null;
    if (close.code === CLOSE_UNAUTHENTICATED || close.code === CLOSE_FORBIDDEN) {
      this.stopped = true;
      this.setState(STATES.denied);
      return;
    }
    this.scheduleReconnect();
  }

  scheduleReconnect() {
    if (this.stopped) return;
    this.setState(navigator.onLine === false ? STATES.offline : STATES.reconnecting);
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** this.attempt);
    this.attempt += 1;
    window.clearTimeout(this.timers.retry);
    this.timers.retry = window.setTimeout(() => this.connect(), delay * (0.75 + Math.random() / 2));
  }

  reconnectNow() {
    if (this.stopped || (this.socket && this.socket.readyState <= WebSocket.OPEN)) return;
    this.attempt = 0;
    this.setState(STATES.reconnecting);
    this.connect();
  }

  stop() {
    this.stopped = true;
    window.clearTimeout(this.timers.retry);
    window.clearInterval(this.timers.ping);
    if (this.socket) this.socket.close();
  }
}

const STATE_TEXT = {
  connecting: gettext_noop("Connecting…"),
  connected: gettext_noop("Live"),
  reconnecting: gettext_noop("Reconnecting…"),
  offline: gettext_noop("Offline"),
  denied: gettext_noop("Not allowed to follow this feed"),
};

// Show the connection state in an element (an aria-live="polite" status region in the templates).
export function showConnectionState(node, state) {
  node.dataset.state = state;
  node.textContent = t(STATE_TEXT[state] || state);
}
