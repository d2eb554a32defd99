// The input area: Enter sends, Shift+Enter makes a new line; the Send button does the same.
import { byId } from '../dom.js';
import { send } from '../actions.js';

export function mountComposer() {
  const form = byId('composer');
  const input = byId('composer-input');

  function submit() {
    const text = input.value;
    if (text.trim() === '') return;
    send(text);
    input.value = '';
    input.focus();
  }

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
}

let lastKey = null;

export function renderComposer(store) {
  // A new conversation starts with an empty input, ready to type.
  if (store.activeKey !== lastKey) {
    lastKey = store.activeKey;
    if (lastKey) {
      byId('composer-input').value = '';
      if (window.matchMedia('(min-width: 701px)').matches) byId('composer-input').focus();
    }
  }
}
