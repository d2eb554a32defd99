// Around the input: the line saying what it answers or edits ("Replying to bob: first line…",
// with × to cancel; Escape too), and @name completion from the open room's members (arrow keys
// to choose, Enter or Tab to take, Escape to close).
import { byId, el, replaceChildren } from '../dom.js';
import { store } from '../store.js';
import { shownName } from '../profiles.js';
import { oneLine } from '../files.js';
import { powersIn } from '../moderation.js';
import { cancelComposing, composingNow, quotedMessage } from '../messageActions.js';

const MAX_SUGGESTIONS = 8;
// "@" and what follows it up to the caret, not after a letter or digit (as the server reads mentions).
const TYPING_MENTION = /(^|[^A-Za-z0-9])@([A-Za-z0-9_-]{0,32})$/;

let suggestions = []; // names offered
let chosen = 0;
let shownContext = null; // the reply or edit the context line shows, so an edit fills the input once

const input = () => byId('composer-input');

export function mountComposerExtras() {
  const form = byId('composer');
  input().addEventListener('input', suggest);
  input().addEventListener('click', suggest);
  input().addEventListener('blur', () => setTimeout(closeSuggestions, 150));
  // Capturing on the form: these keys are taken before the input's own Enter-sends handler sees them.
  form.addEventListener('keydown', (e) => {
    if (suggestions.length > 0) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        chosen = (chosen + (e.key === 'ArrowDown' ? 1 : suggestions.length - 1)) % suggestions.length;
        drawSuggestions();
      } else if ((e.key === 'Enter' && !e.shiftKey && !e.isComposing) || e.key === 'Tab') {
        take(suggestions[chosen]);
      } else if (e.key === 'Escape') {
        closeSuggestions();
      } else {
        return;
      }
      e.preventDefault();
      e.stopPropagation();
      return;
    }
    if (e.key === 'Escape' && composingNow()) {
      if (composingNow().kind === 'edit') input().value = '';
      cancelComposing();
      input().dispatchEvent(new Event('input'));
      e.preventDefault();
      e.stopPropagation();
    }
  }, true);
}

/** The names a typed "@pre" may complete to: the open room's loaded members (and @all for its admins), or a DM's partner. */
function candidates(prefix) {
  const conv = store.active;
  if (!conv) return [];
  const needle = prefix.toLowerCase();
  const names = conv.kind === 'room' ? (store.members.get(conv.key)?.rows ?? []).map((r) => r.user) : [conv.name];
  if (conv.kind === 'room' && powersIn(conv).admin) names.push('all');
  return names
    .filter((n) => n.toLowerCase().startsWith(needle) && n.toLowerCase() !== store.me?.toLowerCase())
    .slice(0, MAX_SUGGESTIONS);
}

function suggest() {
  const box = input();
  const before = box.value.slice(0, box.selectionStart);
  const typing = before.match(TYPING_MENTION);
  const found = typing ? candidates(typing[2]) : [];
  if (found.join() !== suggestions.join()) chosen = 0;
  suggestions = found;
  drawSuggestions();
}

function take(name) {
  const box = input();
  const caret = box.selectionStart;
  const before = box.value.slice(0, caret).replace(TYPING_MENTION, (_, lead) => `${lead}@${name} `);
  box.value = before + box.value.slice(caret).replace(/^ /, '');
  box.setSelectionRange(before.length, before.length);
  closeSuggestions();
  box.dispatchEvent(new Event('input'));
}

function closeSuggestions() {
  suggestions = [];
  drawSuggestions();
}

function drawSuggestions() {
  const list = byId('mention-list');
  list.hidden = suggestions.length === 0;
  replaceChildren(list, suggestions.map((name, i) => el('li', {
    className: `mention-option${i === chosen ? ' chosen' : ''}`,
    role: 'option',
    'aria-selected': String(i === chosen),
    onmousedown: (e) => {
      e.preventDefault(); // keep the focus in the input
      take(name);
    },
  }, el('span', { className: 'mention-name' }, `@${name}`),
  name === 'all' ? el('span', { className: 'mention-display' }, 'everyone here') : shownName(name) !== name ? el('span', { className: 'mention-display' }, shownName(name)) : null)));
}

export function renderComposerExtras() {
  const conv = store.active;
  const now = conv ? composingNow() : null;
  const bar = byId('composer-context');
  bar.hidden = !now;
  if (!now) {
    shownContext = null;
    return;
  }
  const original = now.kind === 'reply' ? quotedMessage(conv, now.seq) : null;
  const line = original ? (original.recalled ? 'a recalled message' : oneLine(original).split('\n')[0]) : '';
  const label = now.kind === 'edit'
    ? [el('strong', {}, 'Editing your message'), ' — Enter saves, Esc cancels']
    : [el('strong', {}, `Replying to ${original ? shownName(original.from) : '…'}`), line ? `: ${line}` : ''];
  const cancel = el('button', { className: 'composer-context-cancel', type: 'button', title: 'Cancel', 'aria-label': 'Cancel', onclick: () => {
    if (now.kind === 'edit') input().value = '';
    cancelComposing();
    input().dispatchEvent(new Event('input'));
    input().focus();
  } }, '×');
  replaceChildren(bar, el('span', { className: 'composer-context-text' }, label), cancel);
  const signature = `${now.kind} ${conv.key} ${now.seq}`;
  if (shownContext !== signature) {
    shownContext = signature;
    if (now.kind === 'edit') {
      input().value = now.text;
      input().dispatchEvent(new Event('input'));
    }
    input().focus();
  }
}
