// The narrow dark bar on the left: own avatar, chats, rooms, log out.
import { byId } from '../dom.js';
import { paintAvatar } from '../avatar.js';
import { logout } from '../session.js';
import { openRoomDialog } from './roomDialog.js';

export function mountRail() {
  byId('rail-rooms').addEventListener('click', openRoomDialog);
  byId('logout').addEventListener('click', logout);
}

export function renderRail(store) {
  if (!store.me) return;
  const avatar = byId('me-avatar');
  if (avatar.dataset.user !== store.me) {
    avatar.dataset.user = store.me;
    paintAvatar(avatar, store.me);
    avatar.title = store.me;
    byId('me-name').textContent = store.me;
  }
}
