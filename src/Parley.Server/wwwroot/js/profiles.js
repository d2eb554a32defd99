// Display names of the people this page shows beside messages: asked of the server in batches
// (`profile` with `users`, at most 100 names a request), once per name, and kept up to date by
// `profile` events. Until a name's answer comes, its login name shows.
import { request } from './api.js';
import { store } from './store.js';

const BATCH = 100;
const asked = new Set(); // lower-cased names asked for, or answered by an event
let queued = [];

/** The name to show for a user: its display name once known, else its login name. Asks for it the first time. */
export function shownName(user) {
  const key = user.toLowerCase();
  if (!asked.has(key)) {
    asked.add(key);
    queued.push(user);
    if (queued.length === 1) queueMicrotask(flush);
  }
  return store.profiles.get(key)?.display ?? user;
}

async function flush() {
  const batch = queued.splice(0, BATCH);
  if (queued.length) queueMicrotask(flush);
  if (batch.length === 0) return;
  try {
    const reply = await request('profile', { users: batch });
    for (const p of reply.profiles) store.setProfile(p.user, p.display ?? null, p.status ?? null);
  } catch {
    // Offline or refused: asked again when the name is next drawn.
    for (const name of batch) asked.delete(name.toLowerCase());
  }
}

/** A `profile` event: the user's whole profile after a change. */
export function profileChanged({ user, display, status }) {
  asked.add(user.toLowerCase());
  store.setProfile(user, display ?? null, status ?? null);
}

/** A new session (another user, or a reconnect that may have missed profile events): names are asked for again as they are drawn. */
export function forgetProfiles() {
  asked.clear();
  queued = [];
}
