// The inspector's pages offline: a service worker for /inspections/ that keeps the last copy of
// the inspector's visit pages, their list and the files they need, and serves that copy when
// the phone has no signal. Network first, so a page is always the latest when online; nothing
// outside the inspector's own pages is kept.
"use strict";
const CACHE = "minsheng-inspections-v1";
const KEPT = [/^\/inspections\/visits\/\d+\/$/, /^\/inspections\/mine\/$/, /^\/static\//];

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !KEPT.some(function (p) { return p.test(url.pathname); })) {
    return;
  }
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && !response.redirected) {
        const copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request).then(function (kept) {
        return kept || new Response("当前没有网络，且本机没有保存这个页面。", {
          status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" }
        });
      });
    })
  );
});
