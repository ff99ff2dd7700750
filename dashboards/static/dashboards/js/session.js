// On every page: once signed out, drop the alert button page the service worker kept (it names its owner).
if (document.body.dataset.authenticated !== "true" && "caches" in window) {
  caches.keys().then((names) => names.filter((name) => name.startsWith("vigia-shell-")).forEach((name) => caches.delete(name)));
}
