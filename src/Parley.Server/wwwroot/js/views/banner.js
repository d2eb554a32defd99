// "Reconnecting…" while the connection is down, else a notice (this user was removed from a
// room, a room was deleted) or an operator's announcement until clicked away; and the unread
// count in the page title.
import { byId } from '../dom.js';

export function renderBanner(store) {
  const banner = byId('banner');
  // On the sign-in screen only once an attempt failed (offline, server down): no flash of "Connecting…".
  const down = store.screen === 'login' ? store.status === 'reconnecting' : store.status !== 'online';
  if (down) {
    banner.textContent = store.status === 'reconnecting' ? 'Reconnecting…' : 'Connecting…';
    banner.onclick = null;
  } else if (store.notice) {
    banner.textContent = `${store.notice} (click to dismiss)`;
    banner.onclick = () => {
      store.notice = null;
      store.changed();
    };
  } else if (store.announcement) {
    banner.textContent = `Announcement from ${store.announcement.from}: ${store.announcement.text} (click to dismiss)`;
    banner.onclick = () => {
      store.announcement = null;
      store.changed();
    };
  }
  banner.hidden = !down && !store.announcement && !store.notice;
}

export function renderTitle(store) {
  const total = store.totalUnread;
  const title = total > 0 ? `(${total}) Parley` : 'Parley';
  if (document.title !== title) document.title = title;
}
