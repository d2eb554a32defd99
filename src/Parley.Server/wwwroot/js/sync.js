// Bringing the store in line with the server: after sign-in or a reconnect, from the session's
// conversation list; then each conversation's missed messages, fetched newest first by seq
// until they meet what is already known. The store drops seqs it has, so live events that
// arrive meanwhile are neither lost nor doubled.
import { request, target } from './api.js';
import { store, roomKey, directKey } from './store.js';
import { peerRead } from './typing.js';
import { catchUpChanges, mentionsMe as mentionsMeIn } from './messageActions.js';

export const PAGE = 50;
const CATCH_UP_PAGE = 200;
const CATCH_UP_MAX_PAGES = 5;

/**
 * Applies a login/register/resume reply: {user, rooms: [...], dms: [...]}. `replayEarly` runs
 * the events that came before the reply, after its counts and before any history is fetched,
 * so that each such message is counted against the reply's lastSeq.
 */
export async function syncSession(reply, replayEarly) {
  const seen = new Set();
  for (const room of reply.rooms) {
    const key = roomKey(room.name);
    seen.add(key);
    store.upsert(key, { name: room.name, topic: room.topic, memberCount: room.members, large: room.large === true, ...counts(key, room) });
  }
  for (const dm of reply.dms) {
    const key = directKey(dm.with);
    seen.add(key);
    store.upsert(key, { name: dm.with, ...counts(key, dm) });
  }
  // Rooms left on another device are gone; a direct conversation not yet written in stays.
  for (const conv of [...store.conversations.values()]) {
    if (!seen.has(conv.key) && (conv.kind === 'room' || conv.messages.length > 0)) store.remove(conv.key);
  }
  store.setBlocked(reply.blocked ?? []);
  replayEarly();
  // Messages first; then what was edited, recalled or reacted to meanwhile among those loaded.
  await Promise.all([...store.conversations.values()].map((conv) =>
    catchUp(conv).catch(() => {}).then(() => catchUpChanges(conv)).catch(() => {})));
}

/**
 * The reply's counts, plus any message that reached this page by a live event before the reply
 * did: it is newer than the reply's lastSeq, so the reply's unread does not count it yet.
 */
function counts(key, summary) {
  const known = store.conversation(key);
  const newer = known ? known.messages.filter((m) => m.seq > summary.lastSeq && !store.isMine(m)).length : 0;
  return {
    lastSeq: Math.max(summary.lastSeq, known?.lastSeq ?? 0),
    lastTs: Math.max(Date.parse(summary.lastTs ?? '') || 0, known?.lastTs ?? 0),
    unread: summary.unread + newer,
    mentioned: (summary.mentioned ?? 0) + (known ? known.messages.filter((m) => m.seq > summary.lastSeq && mentionsMeIn(m)).length : 0),
  };
}

/** Fetches what the conversation is missing: its newest message at least, all it missed since. */
export async function catchUp(conv) {
  if (conv.lastSeq === 0) {
    conv.hasOlder = false;
    return;
  }
  const known = store.syncedSeq(conv);
  if (known >= conv.lastSeq) {
    // Nothing missed, but receipts may have been: ask how far the other user read, if it matters.
    if (conv.kind === 'direct' && conv.messages.some((m) => store.isMine(m) && m.seq > (conv.peerRead ?? 0)))
      peerRead(conv, (await request('history', { ...target(conv), limit: 1 })).peerRead);
    return;
  }
  if (known === 0) {
    // Nothing loaded yet: a preview for the list, or a first page for the open conversation.
    await loadOlder(conv, store.activeKey === conv.key ? PAGE : 1);
    return;
  }
  const fetched = [];
  let before;
  for (let pages = 0; pages < CATCH_UP_MAX_PAGES; pages++) {
    const page = await request('history', { ...target(conv), before, limit: CATCH_UP_PAGE });
    peerRead(conv, page.peerRead);
    fetched.push(...page.messages);
    const oldest = page.messages.at(-1)?.seq;
    if (!page.more || oldest === undefined || oldest <= known + 1) {
      store.addMessages(conv, fetched);
      return;
    }
    before = oldest;
  }
  // Too much was missed to splice in: start again from the newest messages.
  conv.messages = [];
  conv.hasOlder = true;
  store.addMessages(conv, fetched);
}

/** Loads the page before the oldest loaded message (or the newest page when none is). */
export async function loadOlder(conv, limit = PAGE) {
  if (conv.loadingOlder || !conv.hasOlder) return;
  conv.loadingOlder = true;
  store.changed();
  try {
    const before = conv.messages[0]?.seq;
    const page = await request('history', { ...target(conv), before, limit });
    peerRead(conv, page.peerRead);
    conv.hasOlder = page.more;
    store.addMessages(conv, page.messages);
  } finally {
    conv.loadingOlder = false;
    store.changed();
  }
}
