// Desktop notifications for direct messages and mentions while the page is hidden (docs/web.md,
// "Notifications"). The browser's permission is asked only from the toggle in the account dialog,
// on the user's click, never on load. Granted and not turned off here, they are on.
import { store } from './store.js';
import { shownName } from './profiles.js';
import { oneLine } from './files.js';
import { mentionsMe } from './messageActions.js';
import { openConversation } from './actions.js';

const TURNED_OFF = 'parley.notifications.off';
const PREVIEW_CHARS = 140;

/** 'on', 'off', 'denied' (the browser refuses them for this site) or 'unsupported'. */
export function notificationState() {
  if (!('Notification' in window)) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  if (Notification.permission === 'granted' && localStorage.getItem(TURNED_OFF) === null) return 'on';
  return 'off';
}

/** From the toggle's click: on asks the browser for permission the first time. Returns the new state. */
export async function setNotifications(on) {
  if (!on) {
    localStorage.setItem(TURNED_OFF, '1');
    return notificationState();
  }
  localStorage.removeItem(TURNED_OFF);
  // Called straight from the click (no await before it), so the browser sees the user's gesture.
  if (Notification.permission === 'default') await Notification.requestPermission();
  return notificationState();
}

/**
 * A live message that counted as unread in `conv`: a notification when the page is hidden and it
 * is a direct message or calls this user (`@name`, `@all`). The sender's name and the text, as the
 * conversation list shows it; one per conversation at a time (the newer replaces the older).
 */
export function notifyMessage(conv, m) {
  if (document.visibilityState !== 'hidden' || notificationState() !== 'on') return;
  if (store.isBlocked(m.from)) return;
  const direct = conv.kind === 'direct';
  if (!direct && !mentionsMe(m)) return;
  const sender = shownName(m.from);
  const text = oneLine(m).replace(/\s+/g, ' ').trim();
  show(direct ? sender : `${sender} in ${conv.name}`, {
    body: text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text,
    tag: conv.key,
    renotify: true,
    icon: 'icons/icon-192.png',
    data: { key: conv.key },
  });
}

function show(title, options) {
  let notification;
  try {
    notification = new Notification(title, options);
  } catch {
    // Where a page may not construct one (Chrome on Android), the service worker shows it and
    // handles its click (sw.js), then tells this page to open the conversation (installable.js).
    navigator.serviceWorker?.ready.then((r) => r.showNotification(title, options)).catch(() => {});
    return;
  }
  notification.addEventListener('click', () => {
    window.focus();
    notification.close();
    openFromNotification(options.data.key);
  });
}

/** A notification was clicked: its conversation opens, if this user still has it. */
export function openFromNotification(key) {
  if (store.conversation(key)) openConversation(key);
}
