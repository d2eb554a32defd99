// The open room's settings: topic, private / moderated / topic locked, adding people, who holds
// a role, bans and mutes, leaving and (for the owner) deleting. What this user's role may not do
// is shown, not offered; the server refuses it anyway.
import { byId, el, replaceChildren } from '../dom.js';
import { avatar } from '../avatar.js';
import { actOn, changeRoom, deleteRoom, leaveRoom, loadRoomSettings, powersIn } from '../moderation.js';

let current = { store: null, conv: null, drawn: null, deleteArmed: false };

export function mountRoomSettings(store) {
  current.store = store;
  const dialog = byId('settings-dialog');
  byId('settings-toggle').addEventListener('click', () => openRoomSettings(store.active));
  byId('settings-close').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    current.conv = null;
  });
  // Redrawn when the room's settings change while open (another admin, or this page's own action).
  store.subscribe(() => {
    const conv = current.conv;
    if (!conv || !dialog.open) return;
    if (!store.conversation(conv.key)) dialog.close();
    else if (conv.settings !== current.drawn) draw(conv);
  });
}

export async function openRoomSettings(conv) {
  if (!conv || conv.kind !== 'room') return;
  const dialog = byId('settings-dialog');
  current.conv = conv;
  current.deleteArmed = false;
  byId('settings-error').textContent = '';
  draw(conv);
  if (!dialog.open) dialog.showModal();
  await attempt(() => loadRoomSettings(conv));
}

async function attempt(action) {
  const error = byId('settings-error');
  error.textContent = '';
  try {
    await action();
  } catch (e) {
    error.textContent = e.message;
  }
}

function draw(conv) {
  current.drawn = conv.settings;
  const s = conv.settings;
  const body = byId('settings-body');
  if (!s) {
    replaceChildren(body, el('p', { className: 'room-loading' }, 'Loading…'));
    return;
  }
  const can = powersIn(conv);
  // A redraw (someone else's change, or the reply to opening) keeps what the user has typed in
  // the topic and the name to add, and where the cursor was.
  const typed = new Map([...body.querySelectorAll('input[id]')]
    .filter((i) => i.type !== 'checkbox' && i.value !== (i.dataset.drawn ?? ''))
    .map((i) => [i.id, i.value]));
  const focused = document.activeElement?.id;
  replaceChildren(body,
    el('div', { className: 'settings-room' }, avatar(s.room, { room: true }),
      el('div', {}, el('div', { className: 'room-name' }, s.room),
        el('div', { className: 'room-topic' }, `${s.members} ${s.members === 1 ? 'member' : 'members'} · you are ${article(s.role)} ${s.role}`))),
    topicSection(conv, s, can),
    toggles(conv, s, can),
    can.invite ? inviteSection(conv) : null,
    rolesSection(s),
    restrictions(conv, 'Banned', s.bans, 'Unban', (user) => actOn(conv, 'unban', user), can.admin),
    restrictions(conv, 'Muted', s.mutes, 'Unmute', (user) => actOn(conv, 'unmute', user), can.admin),
    footer(conv, can));
  for (const [id, value] of typed) {
    const input = byId(id);
    if (input && !input.disabled) input.value = value;
  }
  if (focused && byId(focused)?.tagName === 'INPUT') byId(focused).focus();
}

const article = (role) => (role === 'admin' || role === 'owner' ? 'an' : 'a');

function topicSection(conv, s, can) {
  const input = el('input', { id: 'settings-topic', 'aria-label': 'Topic', maxlength: '300', autocomplete: 'off', placeholder: 'No topic' });
  input.value = s.topic;
  input.dataset.drawn = s.topic;
  input.disabled = !can.setTopic;
  const save = el('button', { className: 'button', type: 'submit', disabled: !can.setTopic }, 'Save topic');
  return el('form', {
    className: 'settings-row',
    onsubmit: (e) => {
      e.preventDefault();
      attempt(() => changeRoom(conv, { topic: input.value.trim() }));
    },
  }, input, save);
}

function toggles(conv, s, can) {
  const toggle = (field, label, on) => {
    const box = el('input', { type: 'checkbox', disabled: !can.admin });
    box.checked = on;
    box.addEventListener('change', () => attempt(() => changeRoom(conv, { [field]: box.checked })));
    return el('label', { className: 'settings-toggle' }, box, label);
  };
  return el('div', { className: 'settings-section' },
    toggle('private', 'Private: only people an admin adds can join, and it is not listed', s.private),
    toggle('moderated', 'Only admins and voiced members speak', s.moderated),
    toggle('topicLocked', 'Only admins change the topic', s.topicLocked));
}

function inviteSection(conv) {
  const input = el('input', { id: 'settings-invite', 'aria-label': 'Add someone by name', placeholder: 'Add someone by name', maxlength: '32', autocomplete: 'off' });
  return el('form', {
    className: 'settings-row',
    onsubmit: (e) => {
      e.preventDefault();
      const user = input.value.trim();
      if (user) attempt(async () => {
        await actOn(conv, 'invite', user);
        input.value = '';
      });
    },
  }, input, el('button', { className: 'button primary', type: 'submit' }, 'Add'));
}

function rolesSection(s) {
  return el('div', { className: 'settings-section' },
    el('h3', {}, 'Roles'),
    el('ul', { className: 'settings-list' }, s.roles.map((r) =>
      el('li', { dataset: { user: r.user } }, avatar(r.user), el('span', { className: 'grow' }, r.user), el('span', { className: 'role-tag' }, r.role)))));
}

function restrictions(conv, title, list, lift, action, admin) {
  if (list.length === 0) return null;
  return el('div', { className: 'settings-section' },
    el('h3', {}, title),
    el('ul', { className: 'settings-list' }, list.map((r) =>
      el('li', { dataset: { user: r.user } }, avatar(r.user),
        el('span', { className: 'grow' }, r.user, el('span', { className: 'room-count' }, r.until ? ` until ${new Date(r.until).toLocaleString()}` : '')),
        admin ? el('button', { className: 'button', type: 'button', onclick: () => attempt(() => action(r.user)) }, lift) : null))));
}

function footer(conv, can) {
  const leave = el('button', { className: 'button', type: 'button', onclick: () => attempt(() => leaveRoom(conv)) }, 'Leave room');
  const remove = can.owner
    ? el('button', {
      className: `button danger${current.deleteArmed ? ' armed' : ''}`,
      type: 'button',
      onclick: () => {
        // A second click deletes: the first only arms the button.
        if (!current.deleteArmed) {
          current.deleteArmed = true;
          draw(conv);
          return;
        }
        attempt(() => deleteRoom(conv));
      },
    }, current.deleteArmed ? 'Click again to delete the room and its history' : 'Delete room')
    : null;
  return el('div', { className: 'settings-footer' }, leave, remove);
}
