// The service worker of the installable app (docs/web.md, "Offline and updates"). The server
// writes `const SHELL = {version, files}` above this line when it serves /sw.js
// (Hosting/AppShell.cs): a hash of the web client's files, and their paths.
//
// Policy: network first for the page's own files, the cache when the network fails. Online, the
// page is always the server's newest (the files are revalidated by ETag, so that is cheap);
// offline, or with the server down, the shell still opens and says "Reconnecting…". Nothing else
// is touched: /api/ (files, thumbnails), /ws and any other path go to the network as if there were
// no worker, and are never stored.
/* global SHELL */
const PREFIX = 'parley-shell-';
const CACHE = PREFIX + SHELL.version;
const scope = new URL(self.registration.scope);
const shellPaths = new Set(SHELL.files.map((file) => new URL(file, scope).pathname));
const page = new URL('index.html', scope).href;

self.addEventListener('install', (event) => {
  // Fetched past the HTTP cache, so a new version's cache holds its own files.
  event.waitUntil(caches.open(CACHE)
    .then((cache) => cache.addAll(SHELL.files.map((file) => new Request(new URL(file, scope), { cache: 'no-cache' }))))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== scope.origin) return;
  const isPage = request.mode === 'navigate' && (url.pathname === scope.pathname || url.href === page);
  if (!isPage && !shellPaths.has(url.pathname)) return;
  event.respondWith(networkFirst(event, isPage ? page : url.href));
});

// The network's answer when there is one, else the cache's. A 5xx counts as none: behind a reverse
// proxy a Parley that is down answers 502 or 503 rather than failing. Storing the answer is
// best-effort and does not hold it up: a full or broken cache must not throw a fresh page away.
async function networkFirst(event, key) {
  const cache = await caches.open(CACHE);
  let response;
  try {
    response = await fetch(event.request);
  } catch (error) {
    const cached = await cache.match(key);
    if (cached) return cached;
    throw error;
  }
  if (response.status >= 500) {
    const cached = await cache.match(key);
    if (cached) return cached;
  } else if (response.ok && response.type === 'basic') {
    event.waitUntil(cache.put(key, response.clone()).catch(() => {}));
  }
  return response;
}

// A notification shown through the worker (where the page may not construct one, as on Android):
// a click brings the page forward and opens the conversation. With no window open, the page is
// opened at ?open=KEY, which it reads as it starts (js/installable.js): a message posted now would
// reach it before it has loaded, let alone signed in.
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const key = event.notification.data?.key;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const client = windows[0];
    if (!client) {
      await self.clients.openWindow(key ? scope.href + '?open=' + encodeURIComponent(key) : scope.href);
      return;
    }
    await client.focus?.();
    if (key) client.postMessage({ type: 'open', key });
  })());
});
