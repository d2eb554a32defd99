// The open conversation's header: back (phone), name with member count, topic or presence, room
// settings (views/roomSettings.js) and members toggles.
import { byId, setText } from '../dom.js';
import { closeConversation, setBlocked } from '../actions.js';

export function mountChatHeader(store, ui) {
  byId('back').addEventListener('click', closeConversation);
  byId('members-toggle').addEventListener('click', () => {
    ui.membersOpen = !ui.membersOpen;
    store.changed();
  });
  byId('block-toggle').addEventListener('click', () => {
    const conv = store.active;
    if (conv?.kind === 'direct') setBlocked(conv.name, !store.isBlocked(conv.name)).catch(() => {});
  });
  byId('members-close').addEventListener('click', () => {
    ui.membersOpen = false;
    store.changed();
  });
}

export function renderChatHeader(store, ui) {
  const conv = store.active;
  byId('chat-empty').hidden = conv !== null;
  byId('chat-open').hidden = conv === null;
  if (!conv) return;
  const room = conv.kind === 'room';
  setText(byId('chat-title'), room ? `${conv.name} (${conv.memberCount})` : conv.name);
  setText(byId('chat-subtitle'), room ? conv.topic : store.isOnline(conv.name) ? 'online' : 'offline');
  // A DM's header offers to block its partner (oneself excepted).
  const block = byId('block-toggle');
  block.hidden = room || conv.name.toLowerCase() === store.me?.toLowerCase();
  setText(block, store.isBlocked(conv.name) ? 'Unblock' : 'Block');
  const toggle = byId('members-toggle');
  toggle.hidden = !room;
  byId('settings-toggle').hidden = !room;
  toggle.setAttribute('aria-expanded', String(room && ui.membersOpen));
}
