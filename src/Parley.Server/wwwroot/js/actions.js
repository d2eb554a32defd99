// What the user does: open a conversation, send, scroll back, manage rooms, see members.
import { request, sendTarget, target } from './api.js';
import { store, roomKey, directKey } from './store.js';
import { loadOlder, PAGE } from './sync.js';
import { MemberList } from './members.js';
import { loadRoomSettings } from './moderation.js';

const ACTIVE_KEY = 'parley.active';
let nextTempId = 1;

export async function openConversation(key) {
  const conv = store.conversation(key);
  if (!conv) return;
  store.setActive(key);
  sessionStorage.setItem(ACTIVE_KEY, key);
  markActiveRead();
  // A search belongs to the room it was made in.
  if (store.memberSearch && store.memberSearch.room !== key) searchMembers('');
  if (conv.kind === 'room') {
    loadMembers(conv).catch(() => {});
    loadRoomSettings(conv).catch(() => {});
  }
  // Only a preview is loaded until the conversation is opened: fill up the first page.
  if (conv.messages.length < PAGE && conv.hasOlder) await loadOlder(conv, PAGE - conv.messages.length).catch(() => {});
}

export function closeConversation() {
  store.setActive(null);
  sessionStorage.removeItem(ACTIVE_KEY);
}

/** Makes <key> the conversation {@link restoreConversation} opens at the next sign-in. */
export function rememberConversation(key) {
  sessionStorage.setItem(ACTIVE_KEY, key);
}

/** The conversation open before a reload (or one remembered), if it still exists. */
export function restoreConversation() {
  const key = sessionStorage.getItem(ACTIVE_KEY);
  if (key && store.conversation(key)) openConversation(key);
}

export function openDirect(user) {
  const key = directKey(user);
  if (!store.conversation(key)) {
    store.upsert(key, { name: user, hasOlder: false });
    // Stored by the server, so the DM stays in the list across reloads and devices before
    // anyone writes in it. Refused (blocked, no such user): the first send says why.
    request('open', { with: user }).catch(() => {});
  }
  return openConversation(key);
}

// The search box also asks the directory; only the answer to the latest text is kept.
let peopleAsked = 0;

/** People whose name starts with the search text (the `users` directory), shown below the conversations. */
export async function findPeople(text) {
  const prefix = text.trim();
  const asked = ++peopleAsked;
  let found = null;
  if (prefix !== '') {
    try {
      found = { prefix, users: (await request('users', { prefix, limit: 10 })).users };
    } catch {
      // Too long a prefix, or offline: no people section.
    }
  }
  if (asked !== peopleAsked) return;
  store.people = found;
  store.changed();
}

// The search box also searches messages (`search`), a moment after typing stops; only the
// answer to the latest text is kept, and "More results" appends the next page.
const MESSAGE_SEARCH_DEBOUNCE_MS = 250;
const MESSAGE_SEARCH_PAGE = 20;
let messagesAsked = 0;
let messageTimer = 0;

/** Messages holding the search text in every conversation of the user, newest first (below the people). */
export function findMessages(text) {
  clearTimeout(messageTimer);
  const query = text.trim() === '' ? '' : text;
  const asked = ++messagesAsked;
  if (query === '') {
    store.messageHits = null;
    store.changed();
    return;
  }
  messageTimer = setTimeout(() => searchPage(query, null, asked), MESSAGE_SEARCH_DEBOUNCE_MS);
}

/** The next page of the shown hits. */
export function findMoreMessages() {
  const hits = store.messageHits;
  if (!hits || !hits.next || hits.loading) return;
  hits.loading = true;
  store.changed();
  searchPage(hits.text, hits, messagesAsked);
}

async function searchPage(text, shown, asked) {
  let page = null;
  try {
    page = await request('search', { text, before: shown?.next ?? undefined, limit: MESSAGE_SEARCH_PAGE });
  } catch (e) {
    // Too long, or offline: say so in place of the hits.
    page = { messages: [], more: false, error: e?.message ?? 'search failed' };
  }
  if (asked !== messagesAsked) return;
  store.messageHits = {
    text,
    messages: [...(shown?.messages ?? []), ...page.messages],
    next: page.more ? page.next : null,
    error: page.error ?? null,
    loading: false,
  };
  store.changed();
}

/** The list's key of the conversation a message (from history or search) belongs to. */
export const conversationKeyOf = (m) =>
  m.room ? roomKey(m.room) : directKey(m.from.toLowerCase() === store.me?.toLowerCase() ? m.to : m.from);

/**
 * Opens a search hit's conversation and shows the hit: loads history back to it if it is older
 * than what is loaded, scrolls it to the middle of the pane and flashes it.
 */
export async function openHit(hit) {
  const key = conversationKeyOf(hit);
  if (!store.conversation(key)) {
    if (hit.room) return;
    store.upsert(key, { name: hit.from.toLowerCase() === store.me?.toLowerCase() ? hit.to : hit.from, hasOlder: true });
  }
  await openConversation(key);
  const conv = store.conversation(key);
  while (conv && conv.hasOlder && !(conv.messages.length && conv.messages[0].seq <= hit.seq)) {
    const before = conv.messages.length;
    await loadOlder(conv, PAGE * 4).catch(() => {});
    if (conv.messages.length === before) break;
  }
  // The pane is drawn on the next frame: wait for the bubble, a few frames at most.
  for (let frame = 0; frame < 30; frame++) {
    await new Promise((resolve) => requestAnimationFrame(resolve));
    if (store.activeKey !== key) return;
    const bubble = document.querySelector(`#messages [data-seq="${hit.seq}"]`);
    if (bubble) {
      bubble.scrollIntoView({ block: 'center' });
      for (const flashed of document.querySelectorAll('#messages .flash')) flashed.classList.remove('flash');
      void bubble.offsetWidth; // restart the animation when the same hit is opened again
      bubble.classList.add('flash');
      return;
    }
  }
}

/** Blocks (or unblocks) a user: the server refuses its DMs; this page collapses its room messages. */
export async function setBlocked(user, on) {
  const reply = await request('block', { user, on });
  store.setBlocked([reply.user], on, false);
}

/** Tells the server the open conversation is read up to its newest message. */
export function markActiveRead() {
  const conv = store.active;
  if (!conv || document.visibilityState !== 'visible') return;
  if (conv.unread === 0 && conv.readSeq >= conv.lastSeq) return;
  const seq = conv.lastSeq;
  store.markRead(conv, seq);
  if (seq > 0) sendRead(conv, seq);
}

// Conversation key -> newest seq to mark read. At most one `read` is in flight per conversation;
// marks asked for meanwhile collapse into the newest, so a busy room does not use up the rate limit.
const readMarks = new Map();

async function sendRead(conv, seq) {
  const inFlight = readMarks.has(conv.key);
  readMarks.set(conv.key, Math.max(seq, readMarks.get(conv.key) ?? 0));
  if (inFlight) return;
  let sent = 0;
  try {
    while (readMarks.get(conv.key) > sent) {
      sent = readMarks.get(conv.key);
      await request('read', { ...target(conv), seq: sent });
    }
  } catch {
    // A read mark is a nicety; the next one carries the position.
  } finally {
    readMarks.delete(conv.key);
  }
}

/**
 * Sends the text to the open conversation; `replyTo` (a seq there) makes it a reply; `attachments`
 * (files uploaded already, uploads.js) go with it, the text then being their caption, which may be ''.
 */
export function send(text, replyTo = undefined, attachments = []) {
  const conv = store.active;
  if (!conv || (text.trim() === '' && attachments.length === 0)) return;
  const pending = { tempId: nextTempId++, text, replyTo, attachments, time: Date.now(), failed: false, error: '' };
  conv.pending.push(pending);
  conv.version++;
  store.changed();
  deliver(conv, pending);
}

/** Sends a pending message; the sender gets only the reply, so the message is built from it. */
async function deliver(conv, pending) {
  const files = pending.attachments.length ? { attachments: pending.attachments.map((a) => a.id) } : {};
  try {
    const { message } = await request('send', { ...sendTarget(conv), text: pending.text, replyTo: pending.replyTo, ...files });
    conv.pending = conv.pending.filter((p) => p !== pending);
    conv.version++;
    const fields = conv.kind === 'room' ? { room: conv.name } : { to: conv.name };
    const reply = pending.replyTo === undefined ? {} : { replyTo: pending.replyTo };
    // The reply carries the files with this user's links; the upload's do as well.
    const attached = pending.attachments.length ? { attachments: message.attachments ?? pending.attachments } : {};
    store.addMessages(conv, [{ ...message, from: store.me, ...fields, text: pending.text, ...reply, ...attached }]);
    if (store.activeKey === conv.key) markActiveRead();
  } catch (error) {
    pending.failed = true;
    pending.error = error.code === 'offline' ? 'not sent: offline' : error.message;
    conv.version++;
    store.changed();
  }
}

export function resend(conv, pending) {
  pending.failed = false;
  pending.error = '';
  conv.version++;
  store.changed();
  deliver(conv, pending);
}

/** The first page of a room's members (online first): a room of thousands is not sent whole. */
export async function loadMembers(conv) {
  const reply = await request('members', { room: conv.name });
  applyMembers(conv.key, reply);
  // After a reconnect the search is asked again too: presence may have moved its members.
  const search = store.memberSearch;
  if (search?.room === conv.key) searchMembers(search.query).catch(() => {});
}

/**
 * The page after those loaded in `list` (the member panel asks when scrolled near the end).
 * A failure (offline) is left for the next scroll to try again.
 */
export async function loadMoreMembers(list) {
  const conv = store.conversation(list.room);
  if (!conv || !list.next || list.loading) return;
  list.loading = true;
  try {
    const reply = await request('members', { room: conv.name, after: list.next, query: list.query || undefined });
    if (!isCurrent(list)) return;
    list.applyPage(reply, true);
    seePresence(reply);
    if (!list.query) noteRoomCounts(conv, reply);
  } catch {
    list.failed = true;
  } finally {
    list.loading = false;
    store.changed();
  }
}

// The search asked last: a slower reply to an earlier one is dropped.
let searchGeneration = 0;

/** Searches the open room's members for names containing `query` ('' ends the search); nothing if `room` is no longer the open one. */
export async function searchMembers(query, room = store.activeKey) {
  const conv = store.active;
  if (query.trim() !== '' && conv?.key !== room) return;
  const generation = ++searchGeneration;
  query = query.trim();
  if (!conv || conv.kind !== 'room' || query === '') {
    store.memberSearch = null;
    store.changed();
    return;
  }
  const list = new MemberList(conv.key, query);
  list.loading = true;
  store.memberSearch = list;
  store.changed();
  try {
    const reply = await request('members', { room: conv.name, query });
    if (generation !== searchGeneration || store.memberSearch !== list) return;
    list.applyPage(reply, false);
    seePresence(reply);
  } catch {
    list.failed = true;
  } finally {
    list.loading = false;
    store.changed();
  }
}

const isCurrent = (list) => store.members.get(list.room) === list || store.memberSearch === list;

/** A first members page (a members, join or create reply): a fresh list, the room's count and flag. */
function applyMembers(key, reply) {
  const list = new MemberList(key);
  list.applyPage(reply, false);
  const old = store.members.get(key);
  if (old) list.scrollTop = old.scrollTop;
  store.members.set(key, list);
  seePresence(reply);
  const conv = store.conversation(key);
  if (conv) noteRoomCounts(conv, reply);
  store.changed();
}

/** What a members page says about presence is as new as it gets: the dots everywhere follow it. */
function seePresence(reply) {
  for (const m of reply.members) store.setOnline(m.user, m.online);
}

function noteRoomCounts(conv, reply) {
  if (typeof reply.total === 'number') conv.memberCount = reply.total;
  conv.large = reply.large === true; // absent unless large
}

export async function listRooms() {
  const { rooms } = await request('rooms');
  return rooms;
}

export const createRoom = (name, topic) => enterRoom('create', { room: name, topic: topic || undefined });

export const joinRoom = (name) => enterRoom('join', { room: name });

async function enterRoom(op, fields) {
  const reply = await request(op, fields);
  const key = roomKey(reply.room);
  const conv = store.upsert(key, {
    name: reply.room, topic: reply.topic, memberCount: reply.total ?? reply.members.length, large: reply.large === true,
  });
  applyMembers(key, reply);
  // A new room has no history; a joined one is loaded when opened (the reply has no lastSeq).
  if (op === 'create') conv.hasOlder = false;
  await openConversation(key);
}
