// The user's own account, from the avatar in the rail: profile (display name, status), password,
// desktop notifications, sign out everywhere, delete the account (the password confirms it).
import { byId, setText } from '../dom.js';
import { request } from '../api.js';
import { changePassword, deleteAccount, logoutEverywhere } from '../session.js';
import { notificationState, setNotifications } from '../notifications.js';

const NOTIFY_STATE_TEXT = {
  unsupported: 'This browser does not show notifications.',
  denied: 'Notifications are blocked for this site in the browser\'s settings.',
};

function renderNotifyToggle(state) {
  const toggle = byId('notify-toggle');
  toggle.checked = state === 'on';
  toggle.disabled = state === 'unsupported' || state === 'denied';
  const note = byId('notify-state');
  setText(note, NOTIFY_STATE_TEXT[state] ?? '');
  note.hidden = !(state in NOTIFY_STATE_TEXT);
}

export function mountAccountDialog(store) {
  const dialog = byId('account-dialog');
  byId('me-avatar').addEventListener('click', async () => {
    clear();
    byId('delete-form').hidden = true;
    byId('password-old').value = '';
    byId('password-new').value = '';
    renderNotifyToggle(notificationState());
    dialog.showModal();
    await attempt(async () => {
      const mine = await request('profile', {});
      byId('profile-display').value = mine.display ?? '';
      byId('profile-status').value = mine.status ?? '';
    });
  });
  byId('account-close').addEventListener('click', () => dialog.close());

  byId('profile-form').addEventListener('submit', (e) => {
    e.preventDefault();
    attempt(async () => {
      const reply = await request('profile', { display: byId('profile-display').value.trim(), status: byId('profile-status').value.trim() });
      store.setProfile(reply.user, reply.display ?? null, reply.status ?? null);
      setText(byId('account-message'), 'Profile saved');
    });
  });
  byId('password-form').addEventListener('submit', (e) => {
    e.preventDefault();
    attempt(async () => {
      await changePassword(byId('password-old').value, byId('password-new').value);
      byId('password-old').value = '';
      byId('password-new').value = '';
      setText(byId('account-message'), 'Password changed; your other devices are signed out');
    });
  });
  byId('notify-toggle').addEventListener('change', async (e) => {
    renderNotifyToggle(await setNotifications(e.target.checked));
  });
  byId('logout-everywhere').addEventListener('click', () => attempt(async () => {
    await logoutEverywhere();
    dialog.close();
  }));
  byId('delete-account').addEventListener('click', () => {
    byId('delete-form').hidden = false;
    byId('delete-password').focus();
  });
  byId('delete-form').addEventListener('submit', (e) => {
    e.preventDefault();
    attempt(async () => {
      await deleteAccount(byId('delete-password').value);
      dialog.close();
    });
  });
}

function clear() {
  setText(byId('account-message'), '');
  setText(byId('account-error'), '');
}

async function attempt(action) {
  clear();
  try {
    await action();
  } catch (e) {
    setText(byId('account-error'), e.message);
  }
}
