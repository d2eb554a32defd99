// The list of rooms and direct conversations: avatar, name, preview, time, unread badge.
import { byId, el, replaceChildren } from '../dom.js';
import { avatar } from '../avatar.js';
import { shortTime } from '../format.js';
import { findPeople, openConversation, openDirect } from '../actions.js';
import { directKey } from '../store.js';
import { openRoomDialog } from './roomDialog.js';

export function mountConversationList(store) {
  byId('search').addEventListener('input', (e) => {
    store.search = e.target.value;
    store.changed();
    findPeople(e.target.value);
  });
  byId('new-room').addEventListener('click', openRoomDialog);
  byId('empty-new-room').addEventListener('click', openRoomDialog);
  const list = byId('conversations');
  // A conversation opens; a person found in the directory opens (and starts) a DM.
  const open = (item) => (item.dataset.user ? openDirect(item.dataset.user) : openConversation(item.dataset.key));
  list.addEventListener('click', (e) => {
    const item = e.target.closest('.conv');
    if (item) open(item);
  });
  list.addEventListener('keydown', (e) => {
    const item = e.target.closest('.conv');
    if (item && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      open(item);
    }
  });
}

let shown = '';

export function renderConversationList(store) {
  const rows = store.sortedConversations().map((conv) => row(store, conv));
  const people = peopleRows(store);
  byId('conversations-empty').hidden = rows.length > 0 || people.length > 0 || store.conversations.size === 0;
  // Rebuild only when something shown changed: a rebuild under the pointer can swallow a click.
  const signature = JSON.stringify([rows, people]);
  if (signature === shown) return;
  shown = signature;
  replaceChildren(byId('conversations'), rows.map(item),
    people.length ? [el('li', { className: 'conv-heading' }, 'People'), ...people.map(person)] : []);
}

/** The directory's matches for the search text that have no conversation here yet (nor are oneself). */
function peopleRows(store) {
  if (!store.people || store.people.prefix !== store.search.trim()) return [];
  return store.people.users
    .filter((u) => u.user.toLowerCase() !== store.me?.toLowerCase() && !store.conversation(directKey(u.user)))
    .map((u) => ({ user: u.user, display: u.display ?? null, online: u.online, status: u.status ?? '' }));
}

function person(p) {
  const line = [p.display ? `@${p.user}` : '', p.online ? 'online' : 'offline', p.status].filter(Boolean).join(' · ');
  return el('li', { className: 'conv person', dataset: { user: p.user }, role: 'button', tabindex: '0' },
    avatar(p.user),
    el('div', { className: 'conv-main' },
      el('div', { className: 'conv-top' }, el('span', { className: 'conv-name' }, p.display ?? p.user)),
      el('div', { className: 'conv-preview' }, line)));
}

/** What one list item shows, as plain data. */
function row(store, conv) {
  const when = store.lastActivity(conv);
  return {
    key: conv.key,
    name: conv.name,
    room: conv.kind === 'room',
    active: conv.key === store.activeKey,
    unread: conv.unread,
    mentioned: conv.unread > 0 && conv.mentioned > 0,
    time: when ? shortTime(new Date(when)) : '',
    preview: preview(store, conv, conv.messages.at(-1), conv.pending.at(-1)),
  };
}

function item(r) {
  const face = avatar(r.name, { room: r.room });
  if (r.unread > 0) face.append(el('span', { className: 'badge' }, r.unread > 99 ? '99+' : String(r.unread)));
  // An unread message here calls this user.
  if (r.mentioned) face.append(el('span', { className: 'badge mention-badge', title: 'You were mentioned' }, '@'));
  return el('li', { className: `conv${r.active ? ' active' : ''}`, dataset: { key: r.key }, role: 'button', tabindex: '0' },
    face,
    el('div', { className: 'conv-main' },
      el('div', { className: 'conv-top' },
        el('span', { className: 'conv-name' }, r.name),
        el('span', { className: 'conv-time' }, r.time)),
      el('div', { className: 'conv-preview' }, r.preview)));
}

function preview(store, conv, last, pending) {
  if (pending && (!last || pending.time >= Date.parse(last.ts))) return pending.text;
  if (!last) return conv.kind === 'room' ? conv.topic : '';
  const who = conv.kind === 'room' && !store.isMine(last) && !last.system ? `${last.from}: ` : '';
  if (last.recalled) return `${store.isMine({ from: last.recalledBy ?? last.from }) ? 'You' : last.recalledBy ?? last.from} recalled a message`;
  return who + last.text;
}
