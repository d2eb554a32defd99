// "Reconnecting…" while the connection is down, and the unread count in the page title.
import { byId } from '../dom.js';

export function renderBanner(store) {
  const banner = byId('banner');
  const down = store.screen !== 'login' && store.status !== 'online';
  banner.hidden = !down;
  banner.textContent = store.status === 'reconnecting' ? 'Reconnecting…' : 'Connecting…';
}

export function renderTitle(store) {
  const total = store.totalUnread;
  const title = total > 0 ? `(${total}) Parley` : 'Parley';
  if (document.title !== title) document.title = title;
}
