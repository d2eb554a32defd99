// "bob is typing…" under the open conversation's messages.
import { byId } from '../dom.js';
import { typingLine } from '../typing.js';

export function renderTypingLine(store) {
  const line = byId('typing');
  const text = store.activeKey ? typingLine(store.activeKey) : '';
  if (line.textContent !== text) line.textContent = text;
  line.hidden = text === '';
}
