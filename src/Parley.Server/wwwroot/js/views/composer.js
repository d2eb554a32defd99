// The input area: Enter sends, Shift+Enter makes a new line; the Send button does the same,
// and is disabled (and looks it) while there is nothing to send, or more than the server takes
// (then a line under the input says so: an over-long text is never sent, nor cut short), or while
// a file in the tray is still uploading. Files done uploading go with the text as their caption,
// which may then be empty (views/composerFiles.js, uploads.js).
import { byId, setText } from '../dom.js';
import { composingNow, submitComposer } from '../messageActions.js';
import { store } from '../store.js';
import { userTyped, userSent } from '../typing.js';
import { readyCount, uploadNotice, uploading } from '../uploads.js';

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

// Why the last Enter did not go (an edit not saved), shown until the text changes.
let submitError = '';

/** What Send would send now: the text (or '' for files alone), or null when nothing may go. */
function sendable() {
  const text = byId('composer-input').value;
  const key = store.activeKey;
  const editing = composingNow()?.kind === 'edit';
  if (tooLong(text)) return null;
  if (editing) return blank(text) ? null : text;
  if (uploading(key)) return null;
  if (!blank(text)) return text;
  return readyCount(key) > 0 ? '' : null;
}

// Enter pressed while files upload: a hint until they are done.
let waitHint = false;

function updateSendButton() {
  const text = byId('composer-input').value;
  const editing = composingNow()?.kind === 'edit';
  if (waitHint && !uploading(store.activeKey)) waitHint = false;
  const hint = waitHint && !editing ? 'the files are still uploading; send when they are done' : '';
  setText(byId('composer-error'), submitError || tooLong(text) || hint || (editing ? '' : uploadNotice(store.activeKey)));
  byId('send').disabled = sendable() === null;
}

export function mountComposer() {
  const form = byId('composer');
  const input = byId('composer-input');

  function submit() {
    const text = input.value;
    const sent = sendable();
    if (sent === null) {
      waitHint = uploading(store.activeKey);
      updateSendButton();
      return;
    }
    submitError = '';
    // A reply goes with what it answers; an edit under way is saved instead (messageActions.js).
    submitComposer(sent).then((error) => {
      if (!error) return;
      if (input.value === '') input.value = text;
      submitError = error;
      updateSendButton();
    });
    userSent();
    input.value = '';
    updateSendButton();
    input.focus();
  }

  input.addEventListener('input', () => {
    submitError = '';
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
    submitError = '';
    if (lastKey) {
      byId('composer-input').value = '';
      if (window.matchMedia('(min-width: 701px)').matches) byId('composer-input').focus();
    }
  }
  // Uploads move on between keystrokes: Send follows them.
  if (lastKey) updateSendButton();
}
