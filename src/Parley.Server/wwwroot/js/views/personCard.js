// A person's card, opened from a room's member list: who they are (display name and status, the
// login name), whether online, their role here, a button to write to them, Block / Unblock, and
// what an admin of the room may do to them.
import { byId, el, replaceChildren, setText } from '../dom.js';
import { paintAvatar } from '../avatar.js';
import { openDirect, setBlocked } from '../actions.js';
import { shownName } from '../profiles.js';
import { actOn, fromNow, mayModerate, powersIn, roleOf } from '../moderation.js';

let current = { store: null, conv: null, user: null, drawn: null };

export function mountPersonCard(store) {
  current.store = store;
  const dialog = byId('person-dialog');
  byId('person-close').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    current.user = null;
  });
  store.subscribe(() => {
    if (!dialog.open || !current.conv) return;
    // The room is gone (left, removed, deleted): so is what the card offered in it.
    if (store.conversation(current.conv.key) !== current.conv) dialog.close();
    else if (current.conv.settings !== current.drawn) draw();
  });
}

/** Opens the card of `user` as a member of the room `conv`. */
export function openPersonCard(conv, user) {
  current.conv = conv;
  current.user = user;
  byId('person-error').textContent = '';
  draw();
  const dialog = byId('person-dialog');
  if (!dialog.open) dialog.showModal();
  byId('person-message').focus();
}

function draw() {
  const { store, conv, user } = current;
  current.drawn = conv.settings;
  const face = byId('person-avatar');
  if (face.dataset.user !== user) {
    face.dataset.user = user;
    paintAvatar(face, user);
  }
  const display = shownName(user);
  setText(byId('person-name'), display);
  const role = roleOf(conv, user);
  const status = store.profiles.get(user.toLowerCase())?.status;
  const parts = [display === user ? null : `@${user}`, store.isOnline(user) ? 'online' : 'offline', role === 'member' ? null : `${role} of ${conv.name}`];
  setText(byId('person-state'), parts.filter(Boolean).join(' · '));
  setText(byId('person-status'), status ?? '');

  const mine = user.toLowerCase() === store.me.toLowerCase();
  const actions = [
    el('button', { id: 'person-message', className: 'button primary', type: 'button', onclick: () => message(user) }, mine ? 'Note to self' : 'Message'),
  ];
  if (!mine) {
    const blocked = store.isBlocked(user);
    actions.push(action(blocked ? 'Unblock' : 'Block', () => setBlocked(user, !blocked)));
  }
  if (conv.settings && mayModerate(conv, user)) {
    const muted = conv.settings.mutes.some((m) => m.user.toLowerCase() === user.toLowerCase());
    if (powersIn(conv).owner || role !== 'admin')
      actions.push(role === 'admin'
        ? action('Remove admin', () => actOn(conv, 'role', user, { role: 'member' }))
        : action('Make admin', () => actOn(conv, 'role', user, { role: 'admin' })));
    actions.push(muted
      ? action('Unmute', () => actOn(conv, 'unmute', user))
      : action('Mute for an hour', () => actOn(conv, 'mute', user, { until: fromNow(60) })));
    actions.push(action('Remove from room', () => actOn(conv, 'kick', user), true));
    actions.push(action('Ban', () => actOn(conv, 'ban', user), true));
  }
  replaceChildren(byId('person-actions'), actions);
}

function action(label, run, danger = false) {
  return el('button', {
    className: `button${danger ? ' danger' : ''}`,
    type: 'button',
    onclick: async () => {
      byId('person-error').textContent = '';
      try {
        await run();
        draw();
      } catch (e) {
        byId('person-error').textContent = e.message;
      }
    },
  }, label);
}

function message(user) {
  byId('person-dialog').close();
  openDirect(user);
}
