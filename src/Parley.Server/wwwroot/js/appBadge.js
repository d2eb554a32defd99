// The unread count on the installed app's icon (the Badging API, where the browser has it): the
// same total as the title's "(3) Parley", cleared when it is 0 or nobody is signed in.
let shown = null;

export function renderAppBadge(store) {
  if (!('setAppBadge' in navigator)) return;
  const total = store.screen === 'app' ? store.totalUnread : 0;
  if (total === shown) return;
  shown = total;
  (total > 0 ? navigator.setAppBadge(total) : navigator.clearAppBadge()).catch(() => {});
}
