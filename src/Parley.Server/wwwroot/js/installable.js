// The installable app (docs/web.md, "Install and offline"): registers the service worker
// (/sw.js), which keeps the page's own files so the page opens offline, and opens the
// conversation of a notification the worker showed and the user clicked.
import { openFromNotification } from './notifications.js';
import { rememberConversation } from './actions.js';

/**
 * The worker opened the page at ?open=KEY for a notification clicked with no window open: that
 * conversation opens once signed in (as the one open before a reload would), and the parameter
 * leaves the address bar so a reload does not open it again. Call before connecting.
 */
export function openFromLaunchAddress() {
  const params = new URLSearchParams(location.search);
  const key = params.get('open');
  if (!key) return;
  rememberConversation(key);
  params.delete('open');
  const query = params.toString();
  history.replaceState(history.state, '', location.pathname + (query ? '?' + query : '') + location.hash);
}

export function registerServiceWorker() {
  // Missing outside a secure context (plain http on a name other than localhost or 127.0.0.1):
  // the page then works as before, online only.
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('sw.js').catch(() => {});
  navigator.serviceWorker.addEventListener('message', (event) => {
    if (event.data?.type === 'open' && typeof event.data.key === 'string') openFromNotification(event.data.key);
  });
}
