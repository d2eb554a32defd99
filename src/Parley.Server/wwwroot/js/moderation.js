// Running a room (docs/protocol.md, "Moderation"): its settings as the server last said them,
// and the requests that change them. Each room's settings are kept on its conversation
// (`conv.settings`, the `room` reply) and asked for again when the room hears a change.
import { request } from './api.js';
import { store, roomKey } from './store.js';

const RANK = { member: 0, voiced: 1, admin: 2, owner: 3 };

/** What this user may do in the room, from its settings (nothing until they have loaded). */
export function powersIn(conv) {
  const s = conv?.settings;
  const rank = RANK[s?.role] ?? 0;
  const admin = rank >= RANK.admin;
  return {
    known: Boolean(s),
    admin,
    owner: rank === RANK.owner,
    setTopic: Boolean(s) && (!s.topicLocked || admin),
    invite: Boolean(s) && (!s.private || admin),
  };
}

/** The role a member holds in the room ('member' when none is listed). */
export function roleOf(conv, user) {
  const held = conv?.settings?.roles.find((r) => r.user.toLowerCase() === user.toLowerCase());
  return held?.role ?? 'member';
}

/** Whether this user may kick, ban or mute `user` here: an admin, never on itself or the owner. */
export function mayModerate(conv, user) {
  return powersIn(conv).admin && user.toLowerCase() !== store.me.toLowerCase() && roleOf(conv, user) !== 'owner';
}

// Room key -> the `room` request in flight; one asked for meanwhile runs once after it.
const loading = new Map();

/** Asks for the room's settings; calls made while one is in flight share a single next request. */
export function loadRoomSettings(conv) {
  const running = loading.get(conv.key);
  if (running) {
    running.again ??= running.done.then(() => loadRoomSettings(conv));
    return running.again;
  }
  const entry = {};
  entry.done = request('room', { room: conv.name }).then(applySettings).finally(() => {
    if (loading.get(conv.key) === entry) loading.delete(conv.key);
  });
  loading.set(conv.key, entry);
  return entry.done;
}

/** Changes settings (`private`, `moderated`, `topicLocked`, `topic`) and keeps the reply. */
export async function changeRoom(conv, fields) {
  applySettings(await request('room', { room: conv.name, ...fields }));
}

/**
 * One action on one user: invite, kick, ban, unban, mute, unmute, role. The room hears it (and
 * so does this page, which then asks for the settings again); the reply is kept at once too.
 */
export async function actOn(conv, op, user, fields = {}) {
  const reply = await request(op, { room: conv.name, user, ...fields });
  await loadRoomSettings(conv).catch(() => {});
  return reply.user;
}

export async function leaveRoom(conv) {
  await request('leave', { room: conv.name });
  store.remove(conv.key);
}

export async function deleteRoom(conv) {
  await request('delete', { room: conv.name });
  store.remove(conv.key);
}

function applySettings(settings) {
  const conv = store.conversation(roomKey(settings.room));
  if (!conv) return settings;
  conv.settings = settings;
  conv.topic = settings.topic;
  conv.memberCount = settings.members;
  store.changed();
  return settings;
}

/** A time `minutes` from now, as the server takes it. */
export const fromNow = (minutes) => new Date(Date.now() + minutes * 60_000).toISOString();
