// Members of the open room with online dots and roles; clicking one opens their card
// (views/personCard.js: write to them, and what an admin may do).
// A room can have 10,000 members, so the list is virtual: rows have one fixed height, a spacer
// is as tall as all the rows loaded (so the scroll bar is true to them), and only the rows in
// view, plus a few either side, are in the page, reused as the list scrolls. Nearing the end of
// the loaded rows asks for the next page. A search box asks the server for names containing
// what is typed, shown the same way.
import { byId, el, setText } from '../dom.js';
import { avatar, paintAvatar } from '../avatar.js';
import { loadMoreMembers, searchMembers } from '../actions.js';
import { roleOf } from '../moderation.js';
import { openPersonCard } from './personCard.js';
import { setVisibleMembers, updateWatch } from '../watch.js';

const ROW_PX = 46;           // .member's height in css/panels.css
const OVERSCAN = 8;          // rows kept in the page above and below the view
const LOAD_AHEAD = 60;       // ask for the next page when the view is this many rows from the end
const SEARCH_DEBOUNCE_MS = 200;

let current = { store: null, ui: null };
let frame = 0;

export function mountMemberPanel(store, ui) {
  current = { store, ui };
  const list = byId('member-list');
  list.addEventListener('click', (e) => {
    const item = e.target.closest('.member');
    if (item) openPersonCard(store.active, item.dataset.user);
  });
  list.addEventListener('keydown', (e) => {
    const item = e.target.closest('.member');
    if (item && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      openPersonCard(store.active, item.dataset.user);
    }
  });

  const scroller = byId('member-scroll');
  scroller.addEventListener('scroll', () => {
    const shownList = shown.list;
    if (shownList) {
      shownList.scrollTop = scroller.scrollTop;
      shownList.failed = false; // a page that failed is asked for again by scrolling
    }
    redrawSoon();
  }, { passive: true });
  // The view's height changes with the window, and when the panel opens.
  new ResizeObserver(redrawSoon).observe(scroller);

  const search = byId('member-search');
  let timer = 0;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    // Clearing the box returns to the whole list at once; typing waits for a pause.
    const delay = search.value.trim() === '' ? 0 : SEARCH_DEBOUNCE_MS;
    // The search belongs to the room it was typed in: one opened meanwhile does not get it.
    const room = current.store?.activeKey;
    timer = setTimeout(() => searchMembers(search.value, room).catch(() => {}), delay);
  });
  search.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && search.value !== '') {
      e.preventDefault();
      search.value = '';
      search.dispatchEvent(new Event('input'));
    }
  });
  searchBoxReset = () => {
    clearTimeout(timer);
    search.value = '';
  };
}

let searchBoxReset = () => {};

/** Redraws the panel alone at the next frame (scrolling and resizing need no other view). */
function redrawSoon() {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    if (current.store) {
      renderMemberPanel(current.store, current.ui);
      updateWatch();
    }
  });
}

// What the page shows now, so a redraw with nothing new touches nothing.
let shown = { room: null, list: null, version: -1, first: -1, last: -1, settings: null };

export function renderMemberPanel(store, ui) {
  const conv = store.active;
  const panel = byId('members');
  panel.hidden = !(conv && conv.kind === 'room' && ui.membersOpen);
  if (panel.hidden) {
    // Shown again, the panel starts afresh: the box must not keep a search that has ended.
    shown.room = null;
    shown.list = null;
    setVisibleMembers([]);
    return;
  }
  if (shown.room !== conv.key) {
    // A search belongs to its room (actions.openConversation ends it).
    searchBoxReset();
    shown.room = conv.key;
  }
  const search = store.memberSearch?.room === conv.key ? store.memberSearch : null;
  const list = search ?? store.members.get(conv.key) ?? null;
  setText(byId('members-title'), `Members (${conv.memberCount})`);
  const full = store.members.get(conv.key);
  setText(byId('members-online'), full?.loaded ? `${full.online} online` : '');
  showStatus(list, search);

  const scroller = byId('member-scroll');
  const spacer = byId('member-spacer');
  const rows = list?.rows ?? [];
  const height = `${rows.length * ROW_PX}px`;
  if (spacer.style.height !== height) spacer.style.height = height;
  if (list !== shown.list) {
    scroller.scrollTop = list?.scrollTop ?? 0;
    shown.list = list;
    shown.version = -1;
  }

  const top = scroller.scrollTop;
  const first = Math.max(0, Math.floor(top / ROW_PX) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((top + scroller.clientHeight) / ROW_PX) + OVERSCAN);
  if (list && list.next && !list.loading && !list.failed && last + LOAD_AHEAD >= rows.length)
    loadMoreMembers(list);
  if (shown.version === list?.version && shown.first === first && shown.last === last && shown.settings === conv.settings) return;
  shown.version = list?.version ?? -1;
  shown.settings = conv.settings;
  shown.first = first;
  shown.last = last;
  drawRows(rows, first, last, conv);
  setVisibleMembers(rows.slice(first, last).map((r) => r.user));
}

function showStatus(list, search) {
  const status = byId('members-status');
  let text = '';
  if (search) {
    if (!search.loaded) text = search.failed ? 'Search failed; type again to retry' : 'Searching…';
    else if (search.total === 0) text = `No member's name contains “${search.query}”`;
    else text = `${search.total} found`;
  } else if (!list?.loaded) {
    text = 'Loading…';
  }
  setText(status, text);
  status.hidden = text === '';
}

/** Puts rows[first..last) in the page, reusing the row elements already there. */
function drawRows(rows, first, last, conv) {
  const ul = byId('member-list');
  ul.style.transform = `translateY(${first * ROW_PX}px)`;
  const count = last - first;
  while (ul.children.length > count) ul.lastElementChild.remove();
  while (ul.children.length < count) ul.append(newRow());
  for (let i = 0; i < count; i++) fill(ul.children[i], rows[first + i], conv);
}

function newRow() {
  const face = avatar('?');
  const dot = el('span', { className: 'dot' });
  face.append(dot);
  const name = el('span', { className: 'member-name' });
  const role = el('span', { className: 'role-tag' });
  const li = el('li', { className: 'member', role: 'button', tabindex: '0' }, face, name, role);
  li.parts = { face, dot, name, role };
  return li;
}

function fill(li, row, conv) {
  const { face, dot, name, role } = li.parts;
  const held = roleOf(conv, row.user);
  setText(role, held === 'member' ? '' : held);
  if (li.dataset.user !== row.user) {
    li.dataset.user = row.user;
    li.title = row.user;
    paintAvatar(face, row.user); // sets the initials, which drops the dot: put it back
    face.append(dot);
    name.textContent = row.user;
  }
  if (li.dataset.online !== String(row.online)) {
    li.dataset.online = String(row.online);
    li.classList.toggle('is-online', row.online);
    dot.className = `dot${row.online ? ' online' : ''}`;
    dot.title = row.online ? 'online' : 'offline';
  }
}
