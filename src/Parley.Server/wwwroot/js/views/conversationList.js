// The list of rooms and direct conversations: avatar, name, preview, time, unread badge.
import { byId, el, replaceChildren } from '../dom.js';
import { avatar } from '../avatar.js';
import { shortTime } from '../format.js';
import { openConversation } from '../actions.js';
import { openRoomDialog } from './roomDialog.js';

export function mountConversationList(store) {
  byId('search').addEventListener('input', (e) => {
    store.search = e.target.value;
    store.changed();
  });
  byId('new-room').addEventListener('click', openRoomDialog);
  byId('empty-new-room').addEventListener('click', openRoomDialog);
  const list = byId('conversations');
  list.addEventListener('click', (e) => {
    const item = e.target.closest('.conv');
    if (item) openConversation(item.dataset.key);
  });
  list.addEventListener('keydown', (e) => {
    const item = e.target.closest('.conv');
    if (item && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      openConversation(item.dataset.key);
    }
  });
}

let shown = '';

export function renderConversationList(store) {
  const rows = store.sortedConversations().map((conv) => row(store, conv));
  byId('conversations-empty').hidden = rows.length > 0 || store.conversations.size === 0;
  // Rebuild only when something shown changed: a rebuild under the pointer can swallow a click.
  const signature = JSON.stringify(rows);
  if (signature === shown) return;
  shown = signature;
  replaceChildren(byId('conversations'), rows.map(item));
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
    time: when ? shortTime(new Date(when)) : '',
    preview: preview(store, conv, conv.messages.at(-1), conv.pending.at(-1)),
  };
}

function item(r) {
  const face = avatar(r.name, { room: r.room });
  if (r.unread > 0) face.append(el('span', { className: 'badge' }, r.unread > 99 ? '99+' : String(r.unread)));
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
  return who + last.text;
}
