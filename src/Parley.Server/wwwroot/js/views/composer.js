// The input area: Enter sends, Shift+Enter makes a new line; the Send button does the same,
// and is disabled (and looks it) while there is nothing to send.
import { byId } from '../dom.js';
import { send } from '../actions.js';

const blank = (text) => text.trim() === '';

function updateSendButton() {
  byId('send').disabled = blank(byId('composer-input').value);
}

export function mountComposer() {
  const form = byId('composer');
  const input = byId('composer-input');

  function submit() {
    const text = input.value;
    if (blank(text)) return;
    send(text);
    input.value = '';
    updateSendButton();
    input.focus();
  }

  input.addEventListener('input', updateSendButton);
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
