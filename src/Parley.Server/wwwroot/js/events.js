// Server events (frames without a matching request id) applied to the store.
import { request } from './api.js';
import { store, roomKey, directKey } from './store.js';
import { loadOlder } from './sync.js';
import { loadMembers, markActiveRead } from './actions.js';
import { loadRoomSettings } from './moderation.js';
import { profileChanged } from './profiles.js';
import { typingEvent, messageArrived, receiptEvent } from './typing.js';
import { applyChange, mentionsMe } from './messageActions.js';
import { notifyMessage } from './notifications.js';

const handlers = {
  message(m) {
    messageArrived(m);
    const key = store.keyOf(m);
    const conv = store.conversation(key)
      ?? store.upsert(key, { name: m.room ?? (store.isMine(m) ? m.to : m.from) });
    const previousLast = conv.lastSeq;
    const added = store.addMessages(conv, [m]);
    if (added.length === 0 || store.isMine(m) || m.seq <= previousLast) return;
    if (store.activeKey === key && document.visibilityState === 'visible') markActiveRead();
    else {
      conv.unread++;
      if (mentionsMe(m)) conv.mentioned++;
      notifyMessage(conv, m);
    }
  },

  /** A message was edited, recalled or reacted to: the newer state (by `rev`) replaces the one shown. */
  edit({ message }) {
    applyChange(message);
  },

  recall({ message }) {
    applyChange(message);
  },

  react({ message }) {
    applyChange(message);
  },

  join({ room, user }) {
    const key = roomKey(room);
    if (sameUser(user, store.me)) {
      joinedElsewhere(room).catch(() => {});
      return;
    }
    const conv = store.conversation(key);
    if (!conv) return;
    if (stoppedBeingLarge(conv)) return;
    conv.memberCount++;
    // A join comes from one of the joiner's sessions (or, after a register, just before its
    // presence): the joiner is online, and no presence says so if it was already.
    store.setOnline(user, true);
    for (const list of store.memberLists()) if (list.room === key) list.add(user, true);
    store.changed();
  },

  /**
   * A member left, or a moderator removed it (`by`, with `reason` and, for a ban, `ban`). A
   * large room sends removals too, so one says nothing about its size.
   */
  leave(event) {
    memberLeft(event, event.by !== undefined);
  },

  /**
   * A moderator changed the room's settings, roles, bans or mutes: the open room asks where it
   * stands now; any other forgets what it knew, and asks when opened (a change in a big room is
   * not a request from every page that ever opened it).
   */
  room_changed({ room }) {
    const conv = store.conversation(roomKey(room));
    if (!conv) return;
    if (store.activeKey === conv.key) loadRoomSettings(conv).catch(() => {});
    else conv.settings = null;
  },

  room_deleted({ room, by }) {
    const key = roomKey(room);
    if (!store.conversation(key)) return;
    store.remove(key);
    if (!sameUser(by, store.me)) notify(`${by} deleted the room ${room}`);
  },

  presence({ user, online }) {
    store.setOnline(user, online);
  },

  /**
   * A large room's counts (it sends no join or leave events), at most about once a second; once
   * more with `large: false` when it stops being large.
   */
  members_count({ room, members, online, large }) {
    const key = roomKey(room);
    const conv = store.conversation(key);
    if (!conv || typeof members !== 'number') return;
    conv.memberCount = members;
    store.members.get(key)?.setCounts(members, typeof online === 'number' ? online : 0);
    if (large === false) stoppedBeingLarge(conv);
    else conv.large = true;
    store.changed();
  },

  /** An operator's announcement (IRC WALLOPS): shown in the banner until clicked away. */
  announcement({ from, text }) {
    store.announcement = { from, text };
    store.changed();
  },

  topic({ room, topic }) {
    const conv = store.conversation(roomKey(room));
    if (conv) store.upsert(conv.key, { topic });
  },

  /** This user read up to seq on another device. */
  read({ room, with: peer, seq }) {
    const conv = store.conversation(room ? roomKey(room) : directKey(peer));
    if (conv) store.markRead(conv, seq);
  },

  /** Someone is typing (or stopped) in a conversation: shown under it for a few seconds. */
  typing(event) {
    typingEvent(event);
  },

  /** The other user of a direct conversation read it up to seq: own messages up to there show "Read". */
  receipt(event) {
    receiptEvent(event);
  },

  profile(event) {
    profileChanged(event);
  },

  /** This user blocked or unblocked someone on another device. */
  block({ user, on }) {
    store.setBlocked([user], on, false);
  },

  /** A DM opened on another of this user's devices: listed here too, as a reload would list it. */
  open({ with: peer }) {
    const key = directKey(peer);
    if (!store.conversation(key)) store.upsert(key, { name: peer, hasOlder: false });
  },
};

const sameUser = (a, b) => a?.toLowerCase() === b?.toLowerCase();

function memberLeft({ room, user, by, reason, ban }, kicked) {
  const key = roomKey(room);
  if (sameUser(user, store.me)) {
    if (store.conversation(key) && kicked) notify(`${by} ${ban ? 'banned' : 'removed'} you from ${room}${reason ? `: ${reason}` : ''}`);
    store.remove(key);
    return;
  }
  const conv = store.conversation(key);
  if (!conv) return;
  if (!kicked && stoppedBeingLarge(conv)) return;
  conv.memberCount = Math.max(0, conv.memberCount - 1);
  for (const list of store.memberLists()) if (list.room === key) list.remove(user, store.isOnline(user));
  store.changed();
}

/** A line in the banner until clicked away: what happened to this user that no pane shows. */
function notify(text) {
  store.notice = text;
  store.changed();
}

/**
 * Someone else's join or leave in a room known as large: it has just shrunk to the server's
 * limit, and the count last announced (members_count, at most once a second) may be behind, as
 * may the dots of members not watched while it was large. The first members page says how it is
 * now; events after it count on from there. (The server's last members_count, `large: false`,
 * comes up to a second later; it finds the room already known as small.)
 */
function stoppedBeingLarge(conv) {
  if (!conv.large) return false;
  conv.large = false;
  loadMembers(conv).catch(() => {});
  return true;
}

/** Another session of this user joined a room: show it here too. */
async function joinedElsewhere(name) {
  const { rooms } = await request('rooms');
  const room = rooms.find((r) => sameUser(r.name, name));
  if (!room) return;
  const conv = store.upsert(roomKey(room.name), {
    name: room.name, topic: room.topic, memberCount: room.members, large: room.large === true,
  });
  await loadOlder(conv, 1);
}

// The server attaches a session before it writes the login/register/resume reply, so an event
// can come first. Until the reply is applied, events wait here, then run in their order.
let early = [];
const EARLY_LIMIT = 1000;

export function applyEvent(event) {
  if (!store.me) {
    if (early.length < EARLY_LIMIT) early.push(event);
    return;
  }
  handlers[event.type]?.(event);
}

/** Applies the events that arrived before the session started. */
export function replayEarlyEvents() {
  const waiting = early;
  early = [];
  for (const event of waiting) applyEvent(event);
}
