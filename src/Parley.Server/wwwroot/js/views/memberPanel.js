// Members of the open room with online dots; clicking one opens a direct conversation.
import { byId, el, replaceChildren } from '../dom.js';
import { avatar } from '../avatar.js';
import { loadMoreMembers, openDirect } from '../actions.js';

export function mountMemberPanel() {
  const list = byId('member-list');
  list.addEventListener('click', (e) => {
    const item = e.target.closest('.member');
    if (item) openDirect(item.dataset.user);
  });
  list.addEventListener('keydown', (e) => {
    const item = e.target.closest('.member');
    if (item && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      openDirect(item.dataset.user);
    }
  });
  byId('members-more').addEventListener('click', () => loadMoreMembers().catch(() => {}));
}

// People's order: ignoring case, numbers by value (u_2 before u_10), as the server pages them.
const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

let shown = '';

export function renderMemberPanel(store, ui) {
  const conv = store.active;
  const panel = byId('members');
  panel.hidden = !(conv && conv.kind === 'room' && ui.membersOpen);
  if (panel.hidden) return;
  const members = [...(store.members.get(conv.key) ?? [])].sort((a, b) =>
    Number(store.isOnline(b)) - Number(store.isOnline(a)) || byName.compare(a, b));
  const total = Math.max(conv.memberCount || 0, members.length);
  byId('members-title').textContent = `Members (${total})`;
  // A big room comes a page at a time: the rest on request.
  const more = byId('members-more');
  more.hidden = !store.memberPages.get(conv.key)?.next;
  more.textContent = `Show more (${members.length} of ${total})`;
  const rows = members.map((user) => ({ user, online: store.isOnline(user) }));
  const signature = JSON.stringify([conv.key, rows]);
  if (signature === shown) return;
  shown = signature;
  replaceChildren(byId('member-list'), rows.map(({ user, online }) => {
    const face = avatar(user);
    face.append(el('span', { className: `dot${online ? ' online' : ''}`, title: online ? 'online' : 'offline' }));
    return el('li', {
      className: `member${online ? ' is-online' : ''}`,
      dataset: { user },
      role: 'button',
      tabindex: '0',
      title: `Message ${user}`,
    }, face, el('span', { className: 'member-name' }, user));
  }));
}
