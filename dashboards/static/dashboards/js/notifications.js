// Notification preferences per category, and this browser's Web Push subscription (when the server has a
// VAPID key and the browser supports push; otherwise the page says why and carries on).

import { api, categoryLabel, clear, config, el, showError, t, url } from "./common.js";

const DEVICE_KEY = "vigia-webpush-device";

async function setupPreferences() {
  const form = document.getElementById("preferences-form");
  const list = document.getElementById("preferences-list");
  const status = document.getElementById("preferences-status");
  if (!url("preferences")) {
    form.hidden = true;
    return;
  }
  const { body } = await api(url("preferences"));
  clear(list);
  for (const category of config.categories) {
    const id = `preference-${category.code}`;
    list.append(
      el(
        "li",
        {},
        el("input", { type: "checkbox", id, name: category.code, checked: body.preferences[category.code] !== false }),
        el("label", { for: id, text: categoryLabel(category) }),
      ),
    );
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const preferences = {};
    for (const box of list.querySelectorAll("input[type=checkbox]")) preferences[box.name] = box.checked;
    try {
      await api(url("preferences"), { method: "PUT", json: { preferences } });
      status.textContent = t("Preferences saved.");
    } catch (failure) {
      showError(status, failure);
    }
  });
}

function base64UrlToBytes(value) {
  const padded = (value + "=".repeat((4 - (value.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(padded), (char) => char.charCodeAt(0));
}

async function setupPush() {
  const button = document.getElementById("push-button");
  const status = document.getElementById("push-status");
  const say = (text) => {
    status.textContent = text;
  };
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !window.isSecureContext || !url("vapid")) {
    say(t("This browser cannot receive push notifications here. You still see alerts live while this page is open."));
    return;
  }
  let publicKey = "";
  try {
    ({ body: { public_key: publicKey } } = await api(url("vapid")));
  } catch {
    publicKey = "";
  }
  if (!publicKey) {
    say(t("Push notifications are not configured on this server. You still see alerts live while this page is open."));
    return;
  }
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  await navigator.serviceWorker.ready;
  const show = async () => {
    const subscription = await registration.pushManager.getSubscription();
    button.hidden = false;
    button.setAttribute("aria-pressed", String(Boolean(subscription)));
    button.textContent = subscription ? t("Turn off notifications on this browser") : t("Turn on notifications on this browser");
    say(subscription ? t("This browser receives notifications.") : t("This browser does not receive notifications."));
  };
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const subscription = await registration.pushManager.getSubscription();
      if (subscription) {
        const deviceId = window.localStorage.getItem(DEVICE_KEY);
        if (deviceId) await api(url("device", { device_id: deviceId }), { method: "DELETE" }).catch(() => {});
        window.localStorage.removeItem(DEVICE_KEY);
        await subscription.unsubscribe();
      } else {
        if ((await Notification.requestPermission()) !== "granted") {
          say(t("Notifications are blocked for this site in the browser settings."));
          return;
        }
        const created = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlToBytes(publicKey) });
        const { body } = await api(url("devices"), { method: "POST", json: { kind: "webpush", subscription: created.toJSON() } });
        window.localStorage.setItem(DEVICE_KEY, String(body.id));
      }
      await show();
    } catch (failure) {
      say(failure.message || t("Notifications could not be turned on in this browser."));
    } finally {
      button.disabled = false;
    }
  });
  await show();
}

export function setupNotifications() {
  setupPreferences().catch((failure) => showError(document.getElementById("preferences-status"), failure));
  setupPush().catch(() => {
    document.getElementById("push-status").textContent = t("Notifications could not be turned on in this browser.");
  });
}
