// The message pane: bubbles (own on the right, others on the left with avatar and name), each
// with its time beside it, a message's files (views/attachments.js), time and day separators, a
// note when there is nothing yet, and loading older history when scrolled to the top.
import { byId, el, replaceChildren } from '../dom.js';
import { avatar } from '../avatar.js';
import { clock, fullTime, sameDay, separatorTime } from '../format.js';
import { loadOlder } from '../sync.js';
import { resend } from '../actions.js';
import { shownName } from '../profiles.js';
import { editedMark, messageMenu, messageText, quoteBlock, reactionChips, recalledLine } from './messageExtras.js';
import { flashing, mentionsMe } from '../messageActions.js';
import { attachmentsBlock } from './attachments.js';

const GAP_MS = 5 * 60 * 1000;
const NEAR_TOP_PX = 60;
const NEAR_BOTTOM_PX = 80;

let shown = { key: null, version: -1 };

export function mountMessageList(store) {
  const scroller = byId('messages-scroll');
  // Scrolled to the end, the pane stays there when it gets shorter (files in the composer's tray
  // make the composer taller; a phone's keyboard opens).
  let pinned = true;
  scroller.addEventListener('scroll', () => {
    pinned = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR_BOTTOM_PX;
    if (scroller.scrollTop < NEAR_TOP_PX) loadOlderKeepingPlace(store);
  });
  new ResizeObserver(() => {
    if (pinned) scroller.scrollTop = scroller.scrollHeight;
  }).observe(scroller);
}

function loadOlderKeepingPlace(store) {
  const conv = store.active;
  if (!conv || !conv.hasOlder || conv.loadingOlder) return;
  loadOlder(conv).catch(() => {});
}

export function renderMessageList(store) {
  const conv = store.active;
  const status = byId('history-status');
  if (!conv) {
    shown = { key: null, version: -1 };
    return;
  }
  status.textContent = conv.loadingOlder ? 'Loading…' : '';
  status.dataset.start = String(!conv.hasOlder);
  byId('messages-empty').hidden =
    conv.messages.length > 0 || conv.pending.length > 0 || conv.hasOlder || conv.loadingOlder;
  if (shown.key === conv.key && shown.version === conv.version) return;

  const scroller = byId('messages-scroll');
  const switched = shown.key !== conv.key;
  const fromBottom = scroller.scrollHeight - scroller.scrollTop;
  const atBottom = fromBottom - scroller.clientHeight < NEAR_BOTTOM_PX;
  const firstBefore = firstSeq();

  replaceChildren(byId('messages'), items(store, conv));
  shown = { key: conv.key, version: conv.version };

  const grewAtTop = !switched && firstBefore !== undefined && firstSeq() !== firstBefore;
  if (switched || atBottom) scroller.scrollTop = scroller.scrollHeight;
  else if (grewAtTop) scroller.scrollTop = scroller.scrollHeight - fromBottom;

  // Not enough to scroll yet: fetch more until there is, or until the beginning.
  if (scroller.scrollHeight <= scroller.clientHeight + NEAR_TOP_PX && conv.hasOlder)
    queueMicrotask(() => loadOlderKeepingPlace(store));
}

const firstSeq = () => byId('messages').querySelector('[data-seq]')?.dataset.seq;

function items(store, conv) {
  const nodes = [];
  let previous = null;
  // In a direct conversation, "Read" under this user's latest message the other has read.
  const readSeq = conv.kind === 'direct' ? lastReadOwn(store, conv) : 0;
  const entries = [
    ...conv.messages.map((m) => ({ message: m, time: new Date(m.ts) })),
    ...conv.pending.map((p) => ({ pending: p, time: new Date(Math.max(p.time, lastTime(conv))) })),
  ];
  for (const entry of entries) {
    const newDay = !previous || !sameDay(previous, entry.time);
    if (newDay || entry.time - previous >= GAP_MS)
      nodes.push(el('li', { className: `sep${newDay ? ' day' : ''}` }, el('span', {}, separatorTime(entry.time, newDay))));
    nodes.push(entry.message ? bubble(store, conv, entry.message, entry.message.seq === readSeq) : pendingBubble(store, conv, entry.pending));
    previous = entry.time;
  }
  return nodes;
}

/** The seq of this user's newest message the other user has read (peerRead), or 0. */
function lastReadOwn(store, conv) {
  const upTo = conv.peerRead ?? 0;
  for (let i = conv.messages.length - 1; i >= 0; i--) {
    const m = conv.messages[i];
    if (m.seq <= upTo && store.isMine(m)) return m.seq;
  }
  return 0;
}

const lastTime = (conv) => (conv.messages.length ? Date.parse(conv.messages.at(-1).ts) : 0);

function bubble(store, conv, m, read = false) {
  // A system line ("alice removed bob"): the server's, centred and grey, like a time separator.
  // One the operator removed has nothing left to say.
  if (m.system && m.removed) return null;
  if (m.system) {
    return el('li', { className: 'sep system', dataset: { seq: String(m.seq), id: m.id } },
      el('span', { title: fullTime(new Date(m.ts)) }, m.text));
  }
  if (m.recalled) return recalledLine(m);
  const mine = store.isMine(m);
  // A blocked user's room message is one line until clicked (its DMs never arrive).
  if (!mine && conv.kind === 'room' && store.isBlocked(m.from) && !store.revealed.has(m.id)) {
    const unfold = () => {
      store.revealed.add(m.id);
      conv.version++;
      store.changed();
    };
    return el('li', { className: 'msg theirs collapsed', dataset: { seq: String(m.seq), id: m.id } },
      el('button', { className: 'msg-collapsed', type: 'button', onclick: unfold }, `Message from ${m.from} hidden (blocked) — show`));
  }
  const showName = !mine && conv.kind === 'room';
  const when = new Date(m.ts);
  const time = el('time', { className: 'msg-time', datetime: m.ts, title: fullTime(when) }, clock(when));
  // A message the operator removed keeps its place, and says so. One with files shows them,
  // its text (if any) as their caption in a bubble below.
  const text = m.removed ? el('div', { className: 'bubble removed' }, 'Message removed')
    : m.attachments?.length ? media(quoteBlock(conv, m), m, [messageText(m), editedMark(m)])
      : el('div', { className: 'bubble' }, quoteBlock(conv, m), messageText(m), editedMark(m));
  const display = shownName(m.from);
  const menu = messageMenu(conv, m) ?? [];
  const marks = `${mentionsMe(m) ? ' mentions-me' : ''}${flashing(conv, m.seq) ? ' flash' : ''}`;
  return el('li', { className: `msg ${mine ? 'mine' : 'theirs'}${marks}`, dataset: { seq: String(m.seq), id: m.id } },
    avatar(m.from),
    el('div', { className: 'msg-body' },
      // The login name beside a display name: a display name is anyone's choice, the login name is unique.
      showName ? el('div', { className: 'msg-from', title: m.from }, display,
        display === m.from ? null : el('span', { className: 'msg-login' }, ` @${m.from}`)) : null,
      // The time on the bubble's outer side: left of one's own, right of others'.
      el('div', { className: 'msg-line' }, mine ? [...menu, time, text] : [text, time, ...menu]),
      reactionChips(conv, m),
      read ? el('div', { className: 'msg-read' }, 'Read') : null));
}

/** Files and their caption: the quote (of a reply) above, the pictures and cards, the caption bubble. */
function media(quote, m, caption) {
  const hasCaption = (m.text ?? '').trim() !== '';
  return el('div', { className: 'msg-media' },
    quote,
    attachmentsBlock(m),
    hasCaption ? el('div', { className: 'bubble caption' }, caption) : null);
}

function pendingBubble(store, conv, p) {
  const retry = p.failed
    ? el('button', { className: 'msg-retry', type: 'button', title: `${p.error} (click to retry)`, 'aria-label': 'Retry', onclick: () => resend(conv, p) }, '!')
    : null;
  return el('li', { className: `msg mine ${p.failed ? 'failed' : 'sending'}`, dataset: { pending: String(p.tempId) } },
    avatar(store.me),
    el('div', { className: 'msg-body' },
      el('div', { className: 'msg-line' }, retry,
        p.attachments?.length ? media(null, p, p.text) : el('div', { className: 'bubble' }, p.text))));
}
