// Whose presence this page asks for (`watch`): in a large room the server sends no presence of
// its members, so the page names the people it shows: the open direct conversation's partner,
// the member panel's rows on screen, then the other direct conversations' partners, newest
// first, up to the server's `maxWatchedUsers`. The set is sent 300 ms after it last changed
// (scrolling the panel changes it many times a second), only when it differs from what the
// server has, and again on every new connection, which starts with none.
import { request } from './api.js';
import { store } from './store.js';

const DEBOUNCE_MS = 300;

let onScreen = [];      // users in the member panel's rows now in the page
let wanted = '';        // the set asked for last, as a key ('' never matches a sent one)
let sent = null;        // the key of the set this connection watches; null: none sent yet
let timer = 0;

/** The member panel's rows changed. */
export function setVisibleMembers(users) {
  onScreen = users;
}

/** A new connection (sign-in, reconnect): the server watches nothing for it yet. */
export function resetWatch() {
  sent = null;
  wanted = '';
}

/** Called after every redraw: starts the debounce when the wanted set differs from the last one. */
export function updateWatch() {
  if (!store.me || store.status !== 'online') return;
  const users = wantedUsers();
  const key = keyOf(users);
  if (key === wanted) return;
  wanted = key;
  clearTimeout(timer);
  timer = setTimeout(() => send(users, key), DEBOUNCE_MS);
}

function wantedUsers() {
  const max = store.limits.maxWatchedUsers ?? 100;
  const users = new Map();
  const add = (user) => {
    const key = user.toLowerCase();
    if (users.size < max && key !== store.me.toLowerCase() && !users.has(key)) users.set(key, user);
  };
  const active = store.active;
  if (active?.kind === 'direct') add(active.name);
  for (const user of onScreen) add(user);
  if (users.size < max) {
    for (const conv of store.sortedConversations(false)) if (conv.kind === 'direct') add(conv.name);
  }
  return [...users.values()];
}

const keyOf = (users) => users.map((u) => u.toLowerCase()).sort().join('\n') + '\n';

async function send(users, key) {
  if (key === sent || (sent === null && users.length === 0)) return;
  sent = key;
  try {
    const reply = await request('watch', { users });
    for (const { user, online } of reply.users ?? []) store.setOnline(user, online);
  } catch (error) {
    // Offline: the next connection sends it again. Anything else (a server without `watch`)
    // waits for the set to change, rather than asking again and again.
    if (error.code === 'offline') sent = null;
    // A timeout on a live connection: ask again at the next redraw, even if the set stays the same.
    if (error.code === 'timeout') sent = null, wanted = '';
  }
}
