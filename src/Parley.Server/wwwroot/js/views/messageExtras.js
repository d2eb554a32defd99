// The parts of a bubble beyond its text: the quote of the message it answers, @mentions
// highlighted, "(edited)", the reaction chips, the recalled line, and the "⋯" menu of what this
// user may do to it (reply, react, edit, recall), with the emoji picker.
import { el } from '../dom.js';
import { fullTime } from '../format.js';
import { shownName } from '../profiles.js';
import { store } from '../store.js';
import { oneLine } from '../files.js';
import {
  QUICK_EMOJI, allowedActions, jumpTo, quotedMessage, reactedWith, recall, startEdit, startReply, toggleReaction,
} from '../messageActions.js';

// The menu open, if any: {key, seq, picker} (the picker: the emoji row instead of the actions).
let openMenu = null;

const redraw = (conv) => {
  conv.version++;
  store.changed();
};

/** Clicking anywhere else closes the menu; so does Escape. */
export function mountMessageExtras() {
  const close = () => {
    if (!openMenu) return;
    const conv = store.conversation(openMenu.key);
    openMenu = null;
    if (conv) redraw(conv);
  };
  document.addEventListener('click', (e) => {
    if (!e.target.closest('.msg-menu, .msg-more')) close();
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') close();
  });
}

function notify(text) {
  store.notice = text;
  store.changed();
}

const sameUser = (a, b) => a?.toLowerCase() === b?.toLowerCase();

// @name as the server reads it: not after a letter or digit, a name, not followed by a name character.
const MENTION = /(^|[^A-Za-z0-9])@([A-Za-z][A-Za-z0-9_-]{0,31})(?![A-Za-z0-9_-])/g;

/** The text, with the @names the server found (its `mentions`, and `@all` when `mentionsAll`) highlighted. */
export function messageText(m) {
  const called = new Set((m.mentions ?? []).map((n) => n.toLowerCase()));
  if (m.mentionsAll) called.add('all');
  if (called.size === 0) return [m.text];
  const parts = [];
  let last = 0;
  for (const match of m.text.matchAll(MENTION)) {
    const name = match[2];
    if (!called.has(name.toLowerCase())) continue;
    const at = match.index + match[1].length;
    parts.push(m.text.slice(last, at));
    const me = sameUser(name, store.me) || name.toLowerCase() === 'all';
    parts.push(el('span', { className: `mention${me ? ' me' : ''}` }, `@${name}`));
    last = at + name.length + 1;
  }
  parts.push(m.text.slice(last));
  return parts;
}

/** "(edited)", with when as its tooltip. */
export const editedMark = (m) =>
  m.edited ? el('span', { className: 'msg-edited', title: `edited ${fullTime(new Date(m.edited))}` }, '(edited)') : null;

/** A recalled message's place: a grey centred line, like the server's system lines. */
export function recalledLine(m) {
  const by = m.recalledBy ?? m.from;
  const who = sameUser(by, store.me) ? 'You' : shownName(by);
  const text = sameUser(by, m.from) ? `${who} recalled a message` : `${who} recalled a message from ${shownName(m.from)}`;
  return el('li', { className: 'sep system recalled', dataset: { seq: String(m.seq), id: m.id } },
    el('span', { title: fullTime(new Date(m.ts)) }, text));
}

const firstLine = (text) => {
  const line = text.split('\n')[0];
  return line.length > 80 ? `${line.slice(0, 80)}…` : line;
};

/** The quoted message above a reply's text; a click scrolls to it (loading history) and flashes it. */
export function quoteBlock(conv, m) {
  if (m.replyTo === undefined || m.replyTo === null) return null;
  const original = quotedMessage(conv, m.replyTo);
  let name = '';
  let line;
  if (original === undefined) line = '…';
  else if (original === null) line = 'a message no longer there';
  else if (original.recalled) line = 'a recalled message';
  else if (original.removed) line = 'a removed message';
  else {
    name = shownName(original.from);
    line = firstLine(oneLine(original));
  }
  const go = async () => {
    const found = await jumpTo(conv, m.replyTo);
    if (!found) notify('The message this one answers is no longer there');
  };
  return el('button', { className: 'msg-quote', type: 'button', title: 'Show the message this one answers', onclick: go },
    name ? el('span', { className: 'msg-quote-name' }, `${name}: `) : null,
    el('span', { className: 'msg-quote-text' }, line));
}

/** Reaction chips under the bubble: "👍 2", mine highlighted, who in the tooltip; a click toggles mine. */
export function reactionChips(conv, m) {
  if (!m.reactions?.length) return null;
  return el('div', { className: 'reactions' },
    m.reactions.map((r) => el('button', {
      className: `reaction${reactedWith(m, r.emoji) ? ' mine' : ''}`,
      type: 'button',
      title: r.users.map(shownName).join(', '),
      'aria-label': `${r.emoji} ${r.users.length}`,
      onclick: async () => {
        const error = await toggleReaction(conv, m, r.emoji);
        if (error) notify(error);
      },
    }, el('span', { className: 'reaction-emoji' }, r.emoji), ` ${r.users.length}`)));
}

/** The "⋯" button (shown when the bubble is hovered) and, when open, its menu. */
export function messageMenu(conv, m) {
  const allowed = allowedActions(conv, m);
  if (!allowed.reply && !allowed.react) return null;
  const open = openMenu && openMenu.key === conv.key && openMenu.seq === m.seq;
  const toggle = (e) => {
    e.stopPropagation();
    openMenu = open ? null : { key: conv.key, seq: m.seq, picker: false };
    redraw(conv);
  };
  const more = el('button', { className: `msg-more${open ? ' open' : ''}`, type: 'button', title: 'More', 'aria-label': 'Message actions', onclick: toggle }, '⋯');
  return open ? [more, menu(conv, m, allowed)] : [more];
}

function menu(conv, m, allowed) {
  const close = () => {
    openMenu = null;
    redraw(conv);
  };
  if (openMenu.picker) {
    return el('div', { className: 'msg-menu picker', role: 'menu' },
      QUICK_EMOJI.map((emoji) => el('button', {
        className: `pick${reactedWith(m, emoji) ? ' mine' : ''}`, type: 'button', title: emoji, role: 'menuitem',
        onclick: async () => {
          close();
          const error = await toggleReaction(conv, m, emoji);
          if (error) notify(error);
        },
      }, emoji)));
  }
  const item = (label, run) => el('button', { className: 'menu-item', type: 'button', role: 'menuitem', onclick: run }, label);
  return el('div', { className: 'msg-menu', role: 'menu' },
    item('Reply', () => {
      close();
      startReply(conv, m);
      document.getElementById('composer-input')?.focus();
    }),
    item('React', (e) => {
      e.stopPropagation();
      openMenu = { ...openMenu, picker: true };
      redraw(conv);
    }),
    allowed.edit ? item('Edit', () => {
      close();
      startEdit(conv, m);
    }) : null,
    // A recall cannot be undone: it asks for a second click, as deleting a room does.
    allowed.recall && !openMenu.confirmRecall ? item('Recall', (e) => {
      e.stopPropagation();
      openMenu = { ...openMenu, confirmRecall: true };
      redraw(conv);
    }) : null,
    allowed.recall && openMenu.confirmRecall ? el('button', {
      className: 'menu-item danger', type: 'button', role: 'menuitem', title: 'Everyone will see that you recalled it',
      onclick: async () => {
        close();
        const error = await recall(conv, m);
        if (error) notify(`Not recalled: ${error}`);
      },
    }, 'Recall for everyone') : null);
}
