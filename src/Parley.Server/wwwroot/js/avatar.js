// Avatars are drawn, not loaded: initials on a colour that follows from the name,
// so every client shows the same person in the same colour.
import { el } from './dom.js';

const PALETTE = ['#e6735c', '#ef9a3c', '#d6b33c', '#7cb342', '#3fae7a', '#2aa5a0',
  '#3c9ad6', '#5b7fde', '#8a6fd6', '#b563c7', '#d45d95', '#8d8d8d'];

export function colourOf(name) {
  let hash = 0;
  for (const ch of name.toLowerCase()) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length];
}

export function initialsOf(name) {
  const parts = name.split(/[_\-\s.]+/).filter(Boolean);
  if (parts.length >= 2) return (first(parts[0]) + first(parts[1])).toUpperCase();
  return first(parts[0] ?? '?').toUpperCase();
}

const first = (word) => [...word][0] ?? '';

/** An avatar element; a room's has rounder corners than a person's. */
export function avatar(name, { room = false, size = '' } = {}) {
  const node = el('div', { className: `avatar${room ? ' room' : ''}${size ? ' ' + size : ''}`, 'aria-hidden': 'true' },
    initialsOf(name));
  node.style.backgroundColor = colourOf(name);
  return node;
}

/** Sets an existing avatar element to `name`. */
export function paintAvatar(node, name) {
  node.textContent = initialsOf(name);
  node.style.backgroundColor = colourOf(name);
}
