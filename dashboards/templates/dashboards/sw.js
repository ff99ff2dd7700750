{% load static %}// Vigía's service worker: keeps the alert button's page and assets for offline use, and shows Web Push notices.
// API responses are never cached: they carry private data and must always be fresh.
const CACHE = "vigia-shell-{{ shell_version }}";
const PAGE = "{% url 'dashboards:alert-button' %}";
const ASSETS = [
{% for path in shell_assets %}  "{% static path %}",
{% endfor %}{% for address in catalog_urls %}  "{{ address }}",
{% endfor %}];
const STATIC_PREFIX = "{% get_static_prefix %}";
const CATALOG_PREFIX = "{{ catalog_prefix }}";
const NEVER_CACHED = ["/api/", "/ws/", "/admin/", "/accounts/", "/i18n/"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith("vigia-shell-") && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) await cache.put(PAGE, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(PAGE);
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const address = new URL(request.url);
  if (address.origin !== self.location.origin || NEVER_CACHED.some((prefix) => address.pathname.startsWith(prefix))) return;
  if (request.mode === "navigate" && address.pathname === PAGE) event.respondWith(networkFirst(request));
  else if (address.pathname.startsWith(STATIC_PREFIX) || address.pathname.startsWith(CATALOG_PREFIX)) event.respondWith(cacheFirst(request));
});

self.addEventListener("push", (event) => {
  let notice = { title: "Vigía", body: "", data: {} };
  try {
    notice = { ...notice, ...event.data.json() };
  } catch {
    // A push without a JSON body still shows the generic notice.
  }
  event.waitUntil(self.registration.showNotification(notice.title, { body: notice.body, data: notice.data, icon: "{% static 'dashboards/icons/icon-192.png' %}", tag: notice.data.event_id || undefined }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = "{% url 'dashboards:community' %}";
  event.waitUntil(
    self.clients.matchAll({ type: "window" }).then((windows) => {
      const open = windows.find((client) => new URL(client.url).pathname === target);
      return open ? open.focus() : self.clients.openWindow(target);
    }),
  );
});
