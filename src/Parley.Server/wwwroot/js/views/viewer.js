// The picture viewer: a picture of the open conversation full size over the page (a modal
// <dialog>), its name, "2 / 5" and a download link. Escape or a click anywhere but the controls
// closes it; ← and → (or the side buttons, or a swipe) go to the conversation's previous and next pictures,
// in the order of its messages. Sized from the server's width and height before it loads, with
// its thumbnail (already in the cache) stretched behind it meanwhile.
import { byId, setText } from '../dom.js';
import { store } from '../store.js';
import { isPicture } from '../files.js';

const MARGIN_PX = 24;
const BAR_PX = 56;
const SWIPE_PX = 50;

// What is shown: the conversation and the file; the list is read again at each step, so pictures
// that arrive while it is open are among those the arrows reach.
let showing = null;

/** The pictures of a conversation's loaded messages, oldest first, a message's in their order. */
function picturesOf(conv) {
  const list = [];
  for (const m of conv.messages) {
    if (m.recalled || m.removed) continue;
    for (const a of m.attachments ?? []) if (isPicture(a)) list.push(a);
  }
  return list;
}

export function mountViewer() {
  const dialog = byId('viewer');
  // A click on a thumbnail in the pane (the bubbles are rebuilt on every change, so the pane listens).
  byId('messages').addEventListener('click', (e) => {
    const button = e.target.closest('.attach-picture');
    if (button && store.active) openViewer(store.active.key, button.dataset.file);
  });
  // On a touch screen a sideways swipe steps, like the arrow keys; the click that ends it does not close.
  let swipeFrom = null;
  let swiped = false;
  dialog.addEventListener('pointerdown', (e) => {
    swipeFrom = { x: e.clientX, y: e.clientY };
  });
  dialog.addEventListener('pointerup', (e) => {
    if (!swipeFrom) return;
    const dx = e.clientX - swipeFrom.x;
    const dy = e.clientY - swipeFrom.y;
    swipeFrom = null;
    if (Math.abs(dx) < SWIPE_PX || Math.abs(dx) < 2 * Math.abs(dy)) return;
    swiped = true;
    step(dx < 0 ? 1 : -1);
  });
  dialog.addEventListener('click', (e) => {
    if (swiped) swiped = false;
    else if (!e.target.closest('a, button')) closeViewer();
  });
  byId('viewer-close').addEventListener('click', closeViewer);
  byId('viewer-prev').addEventListener('click', () => step(-1));
  byId('viewer-next').addEventListener('click', () => step(1));
  // On the document: the focus may be anywhere in the dialog, or nowhere (a button it was on got disabled).
  document.addEventListener('keydown', (e) => {
    if (!showing || !dialog.open) return;
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      e.preventDefault();
      step(e.key === 'ArrowLeft' ? -1 : 1);
    }
  });
  // Escape closes a modal dialog by itself; this keeps the state in step.
  dialog.addEventListener('close', () => {
    showing = null;
    byId('viewer-image').removeAttribute('src');
  });
  // Loaded: the thumbnail behind it goes (it would show through a transparent picture).
  byId('viewer-image').addEventListener('load', (e) => {
    e.target.style.backgroundImage = '';
  });
  window.addEventListener('resize', () => {
    if (showing) draw();
  });
  // A picture whose message was recalled meanwhile, or a conversation closed: nothing to show.
  store.subscribe(() => {
    if (!showing) return;
    const conv = store.conversation(showing.key);
    if (!conv || store.activeKey !== showing.key || !picturesOf(conv).some((a) => a.id === showing.id)) closeViewer();
  });
}

export function openViewer(key, id) {
  const conv = store.conversation(key);
  if (!conv || !picturesOf(conv).some((a) => a.id === id)) return;
  showing = { key, id };
  const dialog = byId('viewer');
  draw(); // first: showModal focuses the first button not disabled
  if (!dialog.open) dialog.showModal();
}

export function closeViewer() {
  const dialog = byId('viewer');
  if (dialog.open) dialog.close();
  showing = null;
}

function step(by) {
  if (!showing) return;
  const list = picturesOf(store.conversation(showing.key));
  const at = list.findIndex((a) => a.id === showing.id);
  const next = list[at + by];
  if (at < 0 || !next) return;
  showing = { ...showing, id: next.id };
  draw();
}

function draw() {
  const list = picturesOf(store.conversation(showing.key));
  const at = list.findIndex((a) => a.id === showing.id);
  const a = list[at];
  const img = byId('viewer-image');
  // The largest size that fits the window, never larger than the picture.
  const width = a.width > 0 ? a.width : 800;
  const height = a.height > 0 ? a.height : 600;
  const scale = Math.min(1, (window.innerWidth - 2 * MARGIN_PX) / width, (window.innerHeight - 2 * MARGIN_PX - BAR_PX) / height);
  img.width = Math.max(1, Math.round(width * scale));
  img.height = Math.max(1, Math.round(height * scale));
  if (img.getAttribute('src') !== a.url) {
    img.style.backgroundImage = a.thumb ? `url(${JSON.stringify(a.thumb)})` : '';
    img.src = a.url;
  }
  img.alt = a.name;
  img.dataset.file = a.id;
  setText(byId('viewer-name'), a.name);
  setText(byId('viewer-count'), list.length > 1 ? `${at + 1} / ${list.length}` : '');
  const download = byId('viewer-download');
  download.href = a.url;
  download.setAttribute('download', a.name);
  byId('viewer-prev').disabled = at <= 0;
  byId('viewer-next').disabled = at >= list.length - 1;
}
