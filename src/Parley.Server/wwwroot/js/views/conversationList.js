// The list of rooms and direct conversations: avatar, name, preview, time, unread badge.
import { byId, el, replaceChildren } from '../dom.js';
import { avatar } from '../avatar.js';
import { fullTime, shortTime } from '../format.js';
import { findMessages, findMoreMessages, findPeople, openConversation, openDirect, openHit } from '../actions.js';
import { directKey } from '../store.js';
import { oneLine } from '../files.js';
import { openRoomDialog } from './roomDialog.js';

export function mountConversationList(store) {
  byId('search').addEventListener('input', (e) => {
    store.search = e.target.value;
    store.changed();
    findPeople(e.target.value);
    findMessages(e.target.value);
  });
  byId('new-room').addEventListener('click', openRoomDialog);
  byId('empty-new-room').addEventListener('click', openRoomDialog);
  const list = byId('conversations');
  // A conversation opens; a person found in the directory opens (and starts) a DM; a message
  // found opens its conversation at it; "More results" asks for the next page of messages.
  const open = (item) => {
    if (item.dataset.more) return findMoreMessages();
    if (item.dataset.hit) return openHit(store.messageHits.messages[Number(item.dataset.hit)]);
    return item.dataset.user ? openDirect(item.dataset.user) : openConversation(item.dataset.key);
  };
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
  const hits = hitRows(store);
  byId('conversations-empty').hidden = rows.length > 0 || people.length > 0 || hits.length > 0 || store.conversations.size === 0;
  // Rebuild only when something shown changed: a rebuild under the pointer can swallow a click.
  const signature = JSON.stringify([rows, people, hits]);
  if (signature === shown) return;
  shown = signature;
  replaceChildren(byId('conversations'), rows.map(item),
    people.length ? [el('li', { className: 'conv-heading' }, 'People'), ...people.map(person)] : [],
    hits.length ? [el('li', { className: 'conv-heading' }, 'Messages'), ...hits.map(hit)] : []);
}

/** The messages found for the search text (`search`), as plain data, and a row for the next page. */
function hitRows(store) {
  const found = store.messageHits;
  if (!found || found.text !== store.search) return [];
  if (found.error) return [{ note: `Search failed: ${found.error}` }];
  if (found.messages.length === 0) return [{ note: 'No messages found' }];
  const rows = found.messages.map((m, index) => {
    return {
      index,
      room: Boolean(m.room),
      where: m.room ?? (m.from.toLowerCase() === store.me?.toLowerCase() ? m.to : m.from),
      from: m.from,
      time: shortTime(new Date(m.ts)),
      title: fullTime(new Date(m.ts)),
      text: snippet(oneLine(m), found.text),
      found: found.text,
    };
  });
  if (found.next) rows.push({ more: true, loading: found.loading });
  return rows;
}

function hit(h) {
  if (h.note) return el('li', { className: 'conv-note' }, h.note);
  if (h.more) {
    return el('li', { className: 'conv hit-more', dataset: { more: '1' }, role: 'button', tabindex: '0' },
      h.loading ? 'Loading…' : 'More results');
  }
  return el('li', { className: 'conv hit', dataset: { hit: String(h.index) }, role: 'button', tabindex: '0', title: h.title },
    avatar(h.where, { room: h.room }),
    el('div', { className: 'conv-main' },
      el('div', { className: 'conv-top' },
        el('span', { className: 'conv-name' }, h.room ? `#${h.where}` : `@${h.where}`),
        el('span', { className: 'conv-time' }, h.time)),
      el('div', { className: 'conv-preview hit-text' }, el('span', { className: 'hit-from' }, `${h.from}: `), ...highlighted(h.text, h.found))));
}

/** The text from a little before its first match, so the match shows on the preview's one line. */
function snippet(text, found) {
  const line = text.replace(/\s+/g, ' ');
  const at = line.toLowerCase().indexOf(found.toLowerCase());
  return at > 24 ? `…${line.slice(at - 16)}` : line;
}

/** The text with each occurrence of `found` (ignoring case) in a <mark>; the rest as text nodes. */
function highlighted(text, found) {
  const parts = [];
  const lowerText = text.toLowerCase();
  const lowerFound = found.toLowerCase();
  // Lower-casing can change a string's length (rare letters): then nothing is marked.
  if (lowerFound.length === 0 || lowerText.length !== text.length || lowerFound.length !== found.length) return [text];
  let from = 0;
  for (let at = lowerText.indexOf(lowerFound); at >= 0; at = lowerText.indexOf(lowerFound, from)) {
    parts.push(text.slice(from, at), el('mark', {}, text.slice(at, at + found.length)));
    from = at + found.length;
  }
  parts.push(text.slice(from));
  return parts.filter((p) => p !== '');
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
  if (pending && (!last || pending.time >= Date.parse(last.ts))) return oneLine(pending);
  if (!last) return conv.kind === 'room' ? conv.topic : '';
  const who = conv.kind === 'room' && !store.isMine(last) && !last.system ? `${last.from}: ` : '';
  if (last.recalled) return `${store.isMine({ from: last.recalledBy ?? last.from }) ? 'You' : last.recalledBy ?? last.from} recalled a message`;
  return who + oneLine(last);
}
