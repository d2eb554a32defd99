// Create a room, or join one from the list of all rooms with their topics.
import { byId, el, replaceChildren } from '../dom.js';
import { avatar } from '../avatar.js';
import { createRoom, joinRoom, listRooms, openConversation } from '../actions.js';
import { roomKey } from '../store.js';

export function mountRoomDialog() {
  const dialog = byId('room-dialog');
  byId('room-dialog-close').addEventListener('click', () => dialog.close());
  byId('create-room').addEventListener('submit', async (e) => {
    e.preventDefault();
    const name = byId('create-room-name').value.trim();
    if (!name) return;
    await attempt(() => createRoom(name, byId('create-room-topic').value.trim()));
  });
  byId('room-list').addEventListener('click', async (e) => {
    const button = e.target.closest('button[data-room]');
    if (!button) return;
    const { room, joined } = button.dataset;
    await attempt(() => (joined === 'true' ? openConversation(roomKey(room)) : joinRoom(room)));
  });
}

async function attempt(action) {
  const error = byId('room-dialog-error');
  error.textContent = '';
  try {
    await action();
    byId('room-dialog').close();
  } catch (e) {
    error.textContent = e.message;
  }
}

export async function openRoomDialog() {
  const dialog = byId('room-dialog');
  byId('room-dialog-error').textContent = '';
  byId('create-room-name').value = '';
  byId('create-room-topic').value = '';
  replaceChildren(byId('room-list'), el('li', { className: 'room-loading' }, 'Loading rooms…'));
  if (!dialog.open) dialog.showModal();
  try {
    const rooms = await listRooms();
    replaceChildren(byId('room-list'), rooms.map(roomRow));
    if (rooms.length === 0) byId('room-list').append(el('li', { className: 'room-loading' }, 'No rooms yet'));
  } catch (e) {
    replaceChildren(byId('room-list'));
    byId('room-dialog-error').textContent = e.message;
  }
}

function roomRow(room) {
  return el('li', { className: 'room-row', dataset: { room: room.name } },
    avatar(room.name, { room: true }),
    el('div', { className: 'room-info' },
      el('div', { className: 'room-name' }, room.name, el('span', { className: 'room-count' }, ` · ${room.members} ${room.members === 1 ? 'member' : 'members'}`)),
      el('div', { className: 'room-topic' }, room.topic || 'No topic')),
    el('button', {
      className: `button${room.joined ? '' : ' primary'}`,
      type: 'button',
      dataset: { room: room.name, joined: String(room.joined) },
    }, room.joined ? 'Open' : 'Join'));
}
