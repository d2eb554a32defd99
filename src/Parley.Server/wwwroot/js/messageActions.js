// What is done to messages once sent (docs/protocol.md, "Edit, recall, react"): replying,
// editing, recalling and reacting, what this user may do to which message, the states that come
// back (replies and edit/recall/react events, of which the higher `rev` wins), catching up with
// changes after a reconnect, and finding a replied-to message to scroll to.
import { request, target } from './api.js';
import { store } from './store.js';
import { loadOlder } from './sync.js';
import { send } from './actions.js';
import { powersIn } from './moderation.js';
import { takeReady } from './uploads.js';

/** The server's default windows (Limits:EditWindow, Limits:RecallWindow); a server with others says so when refused. */
const EDIT_WINDOW_MS = 15 * 60 * 1000;
const RECALL_WINDOW_MS = 2 * 60 * 1000;
const CHANGES_PAGE = 200;
const CHANGES_MAX_PAGES = 5;

/** The emoji offered in the reaction picker; any one emoji is accepted by the server. */
export const QUICK_EMOJI = ['👍', '❤️', '😂', '😮', '😢', '🎉', '🙏', '👀'];

// What the composer is doing besides writing a new message: answering one, or editing one.
// {kind: 'reply' | 'edit', key, seq} or null. View state, not the store's.
let composing = null;

export const composingNow = () => (composing && composing.key === store.activeKey ? composing : null);

const sameUser = (a, b) => a?.toLowerCase() === b?.toLowerCase();

/** Whether a message calls this user: by name, or everyone (`@all`). One's own never does. */
export function mentionsMe(m) {
  if (!store.me || m.system || m.recalled || sameUser(m.from, store.me)) return false;
  return m.mentionsAll === true || (m.mentions ?? []).some((name) => sameUser(name, store.me));
}

/** What this user may do to a message now: its own within the windows; a room admin recalls any. */
export function allowedActions(conv, m, now = Date.now()) {
  if (m.system || m.recalled || m.removed) return { reply: false, react: false, edit: false, recall: false };
  const mine = store.isMine(m);
  const age = now - Date.parse(m.ts);
  const admin = conv.kind === 'room' && powersIn(conv).admin;
  return {
    reply: true,
    react: true,
    edit: mine && age < EDIT_WINDOW_MS,
    recall: (mine && age < RECALL_WINDOW_MS) || admin,
  };
}

export function startReply(conv, m) {
  composing = { kind: 'reply', key: conv.key, seq: m.seq };
  store.changed();
}

export function startEdit(conv, m) {
  composing = { kind: 'edit', key: conv.key, seq: m.seq, text: m.text };
  store.changed();
}

export function cancelComposing() {
  if (!composing) return false;
  composing = null;
  store.changed();
  return true;
}

/**
 * Enter in the composer: saves the edit under way, or sends (as a reply when one is under way),
 * with the files uploaded for this conversation.
 * Resolves with an error message to show, or '' when done.
 */
export async function submitComposer(text) {
  const conv = store.active;
  const now = composingNow();
  if (!conv) return '';
  if (now?.kind === 'edit') {
    try {
      const { message } = await request('edit', { ...target(conv), seq: now.seq, text });
      applyChange(message);
      composing = null;
      store.changed();
      return '';
    } catch (error) {
      return `Not saved: ${error.message}`;
    }
  }
  composing = null;
  // The files done uploading go with the text, which is then their caption.
  send(text, now?.kind === 'reply' ? now.seq : undefined, takeReady(conv.key));
  return '';
}

/** Takes a message back (the caller has confirmed). Resolves with an error message, or ''. */
export async function recall(conv, m) {
  try {
    const { message } = await request('recall', { ...target(conv), seq: m.seq });
    applyChange(message);
    if (composing?.key === conv.key && composing.seq === m.seq) cancelComposing();
    return '';
  } catch (error) {
    return error.message;
  }
}

/** Adds this user's reaction, or takes it back when it is there. Resolves with an error message, or ''. */
export async function toggleReaction(conv, m, emoji) {
  const on = !reactedWith(m, emoji);
  try {
    const { message } = await request('react', { ...target(conv), seq: m.seq, emoji, on });
    applyChange(message);
    return '';
  } catch (error) {
    return error.message;
  }
}

export const reactedWith = (m, emoji) =>
  (m.reactions ?? []).some((r) => r.emoji === emoji && r.users.some((u) => sameUser(u, store.me)));

/** A message's new state (a reply to this page's change, or an event): kept if newer than the one held. */
export function applyChange(message) {
  const conv = store.conversation(store.keyOf(message));
  if (!conv) return;
  if ((message.rev ?? 0) > conv.rev) conv.rev = message.rev;
  const quoted = quotes.get(quoteKey(conv, message.seq));
  if (quoted && (message.rev ?? 0) > (quoted.rev ?? 0)) quotes.set(quoteKey(conv, message.seq), message);
  const i = conv.messages.findIndex((m) => m.seq === message.seq);
  if (i < 0) {
    conv.version++; // a reply quoting it redraws
    store.changed();
    return;
  }
  if ((message.rev ?? 0) <= (conv.messages[i].rev ?? 0)) return;
  conv.messages[i] = message;
  conv.version++;
  store.changed();
}

/**
 * After a reconnect: what changed in the conversation after the highest `rev` seen there, applied
 * to the messages loaded (the others are loaded as they are now when scrolled to). A few pages at
 * most; history gives the rest as it is now when it is loaded again.
 */
export async function catchUpChanges(conv) {
  if (conv.messages.length === 0) return;
  let after = conv.rev;
  for (let pages = 0; pages < CHANGES_MAX_PAGES; pages++) {
    const page = await request('changes', { ...target(conv), after, limit: CHANGES_PAGE });
    for (const message of page.messages) {
      applyChange(message);
      after = Math.max(after, message.rev ?? 0);
    }
    if (!page.more || page.messages.length === 0) return;
  }
}

// Messages quoted by replies whose original is not loaded: asked for one at a time, kept.
const quotes = new Map();
const quoteKey = (conv, seq) => `${conv.key} ${seq}`;

/** The message `seq` of the conversation, loaded or fetched for a quote; undefined while it is asked for, null if there is none. */
export function quotedMessage(conv, seq) {
  const loaded = conv.messages.find((m) => m.seq === seq);
  if (loaded) return loaded;
  const key = quoteKey(conv, seq);
  if (quotes.has(key)) return quotes.get(key);
  quotes.set(key, undefined);
  request('history', { ...target(conv), before: seq + 1, limit: 1 })
    .then((page) => {
      const found = page.messages.find((m) => m.seq === seq) ?? null;
      quotes.set(key, found);
      conv.version++;
      store.changed();
    })
    .catch(() => quotes.delete(key));
  return undefined;
}

// The message scrolled to from a quote, flashed for a moment (kept here: a redraw rebuilds the bubbles).
let flash = null;

export const flashing = (conv, seq) => flash !== null && flash.key === conv.key && flash.seq === seq && Date.now() < flash.until;

/**
 * Scrolls to message `seq` of the open conversation and flashes it, loading older history until
 * it is loaded. Resolves false when it is not there (the beginning was reached without it).
 */
export async function jumpTo(conv, seq) {
  while (!conv.messages.some((m) => m.seq === seq) && conv.hasOlder && (conv.messages[0]?.seq ?? Infinity) > seq) {
    if (conv.loadingOlder) await new Promise((resolve) => setTimeout(resolve, 50));
    else await loadOlder(conv, 200);
    if (store.activeKey !== conv.key) return true;
  }
  if (!conv.messages.some((m) => m.seq === seq && !(m.system && m.removed))) return false;
  flash = { key: conv.key, seq, until: Date.now() + 1600 };
  conv.version++;
  store.changed();
  // After the redraw that puts it in the page.
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  document.querySelector(`#messages [data-seq="${seq}"]`)?.scrollIntoView({ block: 'center' });
  setTimeout(() => {
    if (flash?.seq === seq && flash.key === conv.key) {
      flash = null;
      conv.version++;
      store.changed();
    }
  }, 1700);
  return true;
}
