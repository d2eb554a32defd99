// What the client knows, and the only code that changes it. Views read it and subscribe;
// the session feeds it from replies and events. Messages are kept per conversation, sorted by
// seq, each seq once: whatever order or number of times a message arrives (live event,
// catch-up page, scroll-back page), it is shown once and in its place.

export const roomKey = (name) => `r:${name.toLowerCase()}`;
export const directKey = (user) => `d:${user.toLowerCase()}`;

function newConversation(key, fields) {
  return {
    key,
    kind: key.startsWith('r:') ? 'room' : 'direct',
    name: '',
    topic: '',
    memberCount: 0,
    large: false,     // a room so big the server sends no join, leave or room presence events for it
    lastSeq: 0,       // the newest seq the server has told us of
    readSeq: 0,       // how far we told the server (or it told us) this user has read
    unread: 0,
    mentioned: 0,     // unread messages that call this user (the sign-in reply's count, then live ones)
    rev: 0,           // the highest change number seen here (edit, recall, react): `changes` asks after it
    messages: [],     // stored messages, ascending seq, no duplicates
    pending: [],      // own sends not yet acknowledged, or failed
    hasOlder: true,   // history before messages[0] may exist
    loadingOlder: false,
    lastTs: 0,        // when the latest message was stored (ms), as the sign-in reply said
    settings: null,   // a room's `room` reply (roles, bans, mutes, this user's role) once asked for
    version: 0,       // bumped when messages or pending change, so the pane knows to redraw
    ...fields,
  };
}

/** What a server with default settings accepts, until its sign-in reply says (`limits`). */
const defaultLimits = {
  maxTextChars: 4000, maxTopicChars: 300, maxLineBytes: 65536, historyMax: 200, maxWatchedUsers: 100,
  maxAttachments: 10, maxUploadBytes: 25 * 1024 * 1024,
};

// Without frames (a hidden tab) a redraw still comes, so the title's unread count keeps up.
const HIDDEN_REDRAW_MS = 250;

class Store {
  constructor() {
    this.listeners = new Set();
    this.scheduled = false;
    this.limits = defaultLimits;
    this.reset(null);
  }

  reset(me) {
    this.me = me;
    this.conversations = new Map();
    this.activeKey = null;
    this.online = new Set();
    this.members = new Map(); // room key -> MemberList: the pages loaded so far
    this.memberSearch = null; // MemberList of the member panel's search in the open room, or null
    this.search = '';
    this.status = 'connecting';
    this.announcement = null;
    this.notice = null;
    this.blocked = new Set(); // lower-cased names of the users this user blocks
    this.revealed = new Set(); // ids of blocked users' messages unfolded by a click
    this.people = null; // the directory's answer to the search box: {prefix, users}, or null
    this.messageHits = null; // the search box's messages (`search`): {text, messages, next, error, loading}, or null
    this.profiles = new Map(); // lower-cased name -> {display, status}, for the names shown (profiles.js)
    this.changed();
  }

  /** A user's profile as the server gave it: a changed display name redraws the conversations (their bubbles show it). */
  setProfile(user, display, status) {
    const key = user.toLowerCase();
    const before = this.profiles.get(key);
    this.profiles.set(key, { display, status });
    if (before?.display === display) return;
    for (const conv of this.conversations.values()) conv.version++;
    this.changed();
  }

  isBlocked(name) {
    return this.blocked.has(name.toLowerCase());
  }

  /** Whom this user blocks (sign-in reply) or one change (this page, or a `block` event): rooms redraw their collapsed messages. */
  setBlocked(names, on = true, replace = true) {
    if (replace) this.blocked.clear();
    for (const name of names) {
      if (on) this.blocked.add(name.toLowerCase());
      else this.blocked.delete(name.toLowerCase());
    }
    for (const conv of this.conversations.values()) conv.version++;
    this.changed();
  }

  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Coalesces changes into one redraw per animation frame: a burst of a thousand events (people
   * joining, leaving, coming online) costs a thousand cheap store updates and one redraw a frame.
   */
  changed() {
    if (this.scheduled) return;
    this.scheduled = true;
    let frame = 0;
    let timer = 0;
    const run = () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      if (!this.scheduled) return;
      this.scheduled = false;
      for (const listener of this.listeners) listener(this);
    };
    frame = requestAnimationFrame(run);
    timer = setTimeout(run, HIDDEN_REDRAW_MS);
  }

  get active() {
    return this.activeKey ? this.conversations.get(this.activeKey) ?? null : null;
  }

  conversation(key) {
    return this.conversations.get(key) ?? null;
  }

  /** Adds the conversation or updates the given fields. */
  upsert(key, fields) {
    let conv = this.conversations.get(key);
    if (conv) Object.assign(conv, fields);
    else this.conversations.set(key, conv = newConversation(key, fields));
    this.changed();
    return conv;
  }

  remove(key) {
    this.conversations.delete(key);
    this.members.delete(key);
    if (this.memberSearch?.room === key) this.memberSearch = null;
    if (this.activeKey === key) this.activeKey = null;
    this.changed();
  }

  setActive(key) {
    this.activeKey = key;
    this.changed();
  }

  /** Key of the conversation a stored message belongs to, from this user's point of view. */
  keyOf(message) {
    if (message.room) return roomKey(message.room);
    const peer = message.from.toLowerCase() === this.me.toLowerCase() ? message.to : message.from;
    return directKey(peer);
  }

  /**
   * Puts stored messages in their conversation. Returns the ones that were new.
   * Known seqs are skipped, so a message is never shown twice.
   */
  addMessages(conv, messages) {
    const added = [];
    let replaced = false;
    for (const m of messages) {
      const inserted = insertBySeq(conv.messages, m);
      if (inserted === true) added.push(m);
      else if (inserted === 'replaced') replaced = true;
      if (m.seq > conv.lastSeq) conv.lastSeq = m.seq;
      if ((m.rev ?? 0) > conv.rev) conv.rev = m.rev;
    }
    if (replaced && !added.length) {
      conv.version++;
      this.changed();
    }
    if (added.length) {
      dropSettledFailures(conv, added, this.me);
      conv.version++;
      this.changed();
    }
    return added;
  }

  /** The end of the unbroken run of seqs from the oldest loaded message: everything up to it is known. */
  syncedSeq(conv) {
    const list = conv.messages;
    if (list.length === 0) return 0;
    let seq = list[0].seq;
    for (let i = 1; i < list.length && list[i].seq === seq + 1; i++) seq = list[i].seq;
    return seq;
  }

  isMine(message) {
    return message.from.toLowerCase() === this.me?.toLowerCase();
  }

  /** Unread after the user read up to `seq` somewhere (here or on another device). */
  markRead(conv, seq) {
    if (seq > conv.readSeq) conv.readSeq = seq;
    if (conv.readSeq >= conv.lastSeq) conv.unread = 0;
    else if (conv.messages.length && conv.messages[0].seq <= conv.readSeq + 1)
      conv.unread = conv.messages.filter((m) => m.seq > conv.readSeq && !this.isMine(m)).length;
    else conv.unread = Math.min(conv.unread, conv.lastSeq - conv.readSeq);
    if (conv.unread === 0) conv.mentioned = 0;
    this.changed();
  }

  get totalUnread() {
    let total = 0;
    for (const conv of this.conversations.values()) total += conv.unread;
    return total;
  }

  /**
   * When the conversation last had a message: the newest loaded one, the sign-in reply's lastTs
   * (so the order needs no history), or an own send on its way. 0 when it has none: only what
   * the server knows counts, so the list is the same after a reload and on every device.
   */
  lastActivity(conv) {
    const last = conv.messages.at(-1);
    const lastTime = last ? Date.parse(last.ts) : 0;
    const pendingTime = conv.pending.at(-1)?.time ?? 0;
    return Math.max(lastTime, conv.lastTs, pendingTime);
  }

  /**
   * Conversations, most recent activity first, filtered by the search box (unless `filtered` is
   * false). Those with no message yet (a room just created) come after, by name.
   */
  sortedConversations(filtered = true) {
    const needle = filtered ? this.search.trim().toLowerCase() : '';
    return [...this.conversations.values()]
      .filter((c) => !needle || c.name.toLowerCase().includes(needle))
      .sort((a, b) => this.lastActivity(b) - this.lastActivity(a) || a.name.localeCompare(b.name));
  }

  /** The member lists loaded: each room's, and the search's. */
  *memberLists() {
    yield* this.members.values();
    if (this.memberSearch) yield this.memberSearch;
  }

  /** A user came online or went offline: the dot, and the user's place in every member list loaded. */
  setOnline(user, online) {
    const key = user.toLowerCase();
    let changed = this.online.has(key) !== online;
    if (online) this.online.add(key);
    else this.online.delete(key);
    // A list may hold an older state than the set (a page from before): each is checked.
    for (const list of this.memberLists()) changed = list.setPresence(user, online) || changed;
    if (changed) this.changed();
  }

  isOnline(user) {
    return this.online.has(user.toLowerCase());
  }
}

function insertBySeq(list, message) {
  let lo = 0, hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].seq < message.seq) lo = mid + 1;
    else hi = mid;
  }
  // Known already: a newer state of it (a higher change number, `rev`) takes its place.
  if (list[lo]?.seq === message.seq) {
    if ((message.rev ?? 0) <= (list[lo].rev ?? 0)) return false;
    list[lo] = message;
    return 'replaced';
  }
  list.splice(lo, 0, message);
  return true;
}

/**
 * A send that failed because the connection dropped may still have been stored: when the
 * catch-up brings back an own message with the same text (and the same files), the failed copy
 * goes away.
 */
function dropSettledFailures(conv, added, me) {
  if (!conv.pending.some((p) => p.failed)) return;
  const sameness = (text, files) => `${(files ?? []).map((a) => a.id).join(',')}\n${text}`;
  const mine = added.filter((m) => m.from.toLowerCase() === me.toLowerCase()).map((m) => sameness(m.text, m.attachments));
  conv.pending = conv.pending.filter((p) => {
    if (!p.failed) return true;
    const i = mine.indexOf(sameness(p.text, p.attachments));
    if (i < 0) return true;
    mine.splice(i, 1);
    return false;
  });
}

export const store = new Store();
