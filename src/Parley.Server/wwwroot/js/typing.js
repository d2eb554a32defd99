// Typing indicators and read receipts. Who is typing where is kept here (never stored, gone after
// 6 s without news or when the typist's message arrives); how far the other user of a direct
// conversation has read is the conversation's `peerRead` (from `history` and `receipt` events).
import { request, sendTarget } from './api.js';
import { store, roomKey, directKey } from './store.js';

const SEND_EVERY_MS = 3000;
const SHOWN_FOR_MS = 6000;

/** Conversation key -> Map(lower-cased user -> {user, until}). */
const typists = new Map();
let expiry = 0;
let sent = { key: null, at: 0 };

const sameUser = (a, b) => a?.toLowerCase() === b?.toLowerCase();

/** A `typing` event: `room`, or for a DM `to` (the receiver, as in a message), `user`, `state`. */
export function typingEvent({ room, to, user, state }) {
  if (!user || sameUser(user, store.me)) return;
  const key = room ? roomKey(room) : directKey(sameUser(to, store.me) ? user : to);
  let here = typists.get(key);
  if (state === 'active' || state === undefined) {
    if (!here) typists.set(key, here = new Map());
    here.set(user.toLowerCase(), { user, until: Date.now() + SHOWN_FOR_MS });
    scheduleExpiry();
  } else if (!here?.delete(user.toLowerCase())) {
    return;
  }
  store.changed();
}

/** A message arrived: its sender is no longer typing there. */
export function messageArrived(message) {
  const here = typists.get(store.keyOf(message));
  if (here?.delete(message.from.toLowerCase())) store.changed();
}

/** Who is typing in the conversation now, as a line to show, or ''. */
export function typingLine(key) {
  const now = Date.now();
  const names = [...(typists.get(key)?.values() ?? [])].filter((t) => t.until > now).map((t) => t.user);
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}

function scheduleExpiry() {
  if (expiry) return;
  expiry = setInterval(() => {
    const now = Date.now();
    let changed = false;
    for (const [key, here] of typists) {
      for (const [name, t] of here) if (t.until <= now) { here.delete(name); changed = true; }
      if (here.size === 0) typists.delete(key);
    }
    if (typists.size === 0) {
      clearInterval(expiry);
      expiry = 0;
    }
    if (changed) store.changed();
  }, 500);
}

/** The user typed in the composer: the conversation hears it, at most every 3 s. */
export function userTyped(text) {
  const conv = store.active;
  if (!conv || text.trim() === '') return;
  const now = Date.now();
  if (sent.key === conv.key && now - sent.at < SEND_EVERY_MS) return;
  sent = { key: conv.key, at: now };
  request('typing', sendTarget(conv)).catch(() => {});
}

/** The user sent its message: the next keystroke says so again at once. */
export function userSent() {
  sent = { key: null, at: 0 };
}

/** How far the other user has read a direct conversation (a `receipt`, or a `history` reply's `peerRead`). */
export function peerRead(conv, seq) {
  if (!conv || conv.kind !== 'direct' || typeof seq !== 'number' || seq <= (conv.peerRead ?? 0)) return;
  conv.peerRead = seq;
  conv.version++;
  store.changed();
}

/** A `receipt` event: `with` has read this user's conversation with it up to `seq`. */
export function receiptEvent({ with: peer, seq }) {
  peerRead(store.conversation(directKey(peer)), seq);
}
