// The input area: Enter sends, Shift+Enter makes a new line; the Send button does the same,
// and is disabled (and looks it) while there is nothing to send, or more than the server takes
// (then a line under the input says so: an over-long text is never sent, nor cut short).
import { byId } from '../dom.js';
import { submitComposer } from '../messageActions.js';
import { store } from '../store.js';
import { userTyped, userSent } from '../typing.js';

// What the server refuses as empty_text: only white space and characters that show nothing.
const blankPattern = /^[\s\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u2800\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF0-\uFFF8\u{1BCA0}-\u{1BCA3}\u{1D173}-\u{1D17A}\u{E0000}-\u{E0FFF}]*$/u;
const blank = (text) => blankPattern.test(text);

/** Why the text cannot be sent as it is, or '' (the server counts characters as code points). */
function tooLong(text) {
  const max = store.limits.maxTextChars;
  if (text.length <= max) return '';
  const chars = [...text].length;
  return chars > max ? `messages are at most ${max.toLocaleString('en-US')} characters; this one has ${chars.toLocaleString('en-US')}` : '';
}

function updateSendButton() {
  const text = byId('composer-input').value;
  const problem = tooLong(text);
  byId('composer-error').textContent = problem;
  byId('send').disabled = blank(text) || problem !== '';
}

export function mountComposer() {
  const form = byId('composer');
  const input = byId('composer-input');

  function submit() {
    const text = input.value;
    if (blank(text) || tooLong(text)) return;
    // A reply goes with what it answers; an edit under way is saved instead (messageActions.js).
    submitComposer(text).then((error) => {
      if (!error) return;
      if (input.value === '') input.value = text;
      updateSendButton();
      byId('composer-error').textContent = error;
    });
    userSent();
    input.value = '';
    updateSendButton();
    input.focus();
  }

  input.addEventListener('input', () => {
    updateSendButton();
    userTyped(input.value);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });
  updateSendButton();
}

let lastKey = null;

export function renderComposer(store) {
  // A new conversation starts with an empty input, ready to type.
  if (store.activeKey !== lastKey) {
    lastKey = store.activeKey;
    if (lastKey) {
      byId('composer-input').value = '';
      updateSendButton();
      if (window.matchMedia('(min-width: 701px)').matches) byId('composer-input').focus();
    }
  }
}
