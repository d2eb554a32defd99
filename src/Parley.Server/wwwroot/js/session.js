// Signing in and staying signed in: login/register/resume, the token, logout, and what
// happens each time the connection comes back.
import { Connection } from './connection.js';
import { request, useConnection } from './api.js';
import { store } from './store.js';
import { loadToken, saveToken, clearToken } from './token.js';
import { syncSession } from './sync.js';
import { applyEvent, replayEarlyEvents } from './events.js';
import { loadMembers, markActiveRead, restoreConversation } from './actions.js';
import { resetWatch } from './watch.js';
import { forgetProfiles } from './profiles.js';
import { dropAllUploads } from './uploads.js';

export function connect() {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const connection = new Connection(`${scheme}://${location.host}/ws`, {
    onOpen: resume,
    onDown: () => {
      store.status = 'reconnecting';
      store.changed();
    },
    onEvent: applyEvent,
  });
  useConnection(connection);
  store.screen = loadToken() ? 'boot' : 'login';
  store.changed();
  connection.start();
}

/** Each time the socket opens: sign in again with the token, if there is one. */
async function resume() {
  const token = loadToken();
  if (!token) {
    store.status = 'online';
    store.screen = 'login';
    store.changed();
    return;
  }
  try {
    await start(await request('resume', { token }));
  } catch (error) {
    if (error.code === 'bad_token') {
      dropAllUploads();
      clearToken();
      store.reset(null);
      store.status = 'online';
      store.screen = 'login';
      store.changed();
    }
    // Anything else (the socket dropped again) is retried by the connection.
  }
}

/** login or register with a user name and password (and an invitation code, if any); throws a ProtocolError. */
export async function signIn(op, user, password, invite = '') {
  const reply = await request(op, invite ? { user, password, invite } : { user, password });
  saveToken(reply.token);
  await start(reply);
}

async function start(reply) {
  const reconnected = store.me !== null && store.me.toLowerCase() === reply.user.toLowerCase();
  if (!reconnected) store.reset(reply.user);
  if (reply.limits) store.limits = { ...store.limits, ...reply.limits };
  resetWatch(); // a new connection watches no one until told
  forgetProfiles();
  store.status = 'online';
  store.screen = 'app';
  store.changed();
  // Presence comes from members pages, room events and watch (the people shown and the direct
  // partners), never from `online`, which lists everyone online: 10,000 names on a big server.
  await syncSession(reply, replayEarlyEvents);
  if (!reconnected) {
    restoreConversation();
    return;
  }
  markActiveRead();
  if (store.active?.kind === 'room') loadMembers(store.active).catch(() => {});
}

/** Ends the session on the server (the token is revoked there) and forgets it here. */
export async function logout() {
  try {
    await request('logout');
  } catch {
    // Offline: the token is dropped here all the same.
  }
  signedOut();
}

/** Changes the password: every other session is signed out; this one goes on with the new token. */
export async function changePassword(old, password) {
  const reply = await request('password', { old, new: password });
  saveToken(reply.token);
}

/** Signs out every session of this user, on every device, this one too. */
export async function logoutEverywhere() {
  await request('logout', { everywhere: true });
  signedOut();
}

/** Deletes the account (the password confirms it); this page is signed out. */
export async function deleteAccount(password) {
  await request('delete_account', { password });
  signedOut();
}

function signedOut() {
  dropAllUploads();
  clearToken();
  sessionStorage.clear();
  store.reset(null);
  store.status = 'online';
  store.screen = 'login';
  store.changed();
}
