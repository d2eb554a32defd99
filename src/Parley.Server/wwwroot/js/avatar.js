// Avatars are drawn, not loaded: initials on a colour that follows from the name, so every
// client shows the same person in the same colour. People are round; rooms are rounded squares
// with a small "#" tag (css/base.css), so the two never look alike even in the same colour.
import { el } from './dom.js';

// Eighteen colours far enough apart to tell at a glance, each dark enough for white initials.
const PALETTE = [
  '#e05a47', '#ef8a34', '#cf9d1b', '#93ad2f', '#45a85a', '#1f9e82',
  '#21a4b5', '#3a8fd6', '#4d6fd1', '#7759cc', '#a44fc0', '#d1508d',
  '#b86b3c', '#8a6d5c', '#5f7f8e', '#2e7d6b', '#9d4f6a', '#6a8a3a',
];

/** FNV-1a over the lower-cased name, then mixed, so that names differing by a letter land apart. */
export function colourOf(name) {
  let hash = 0x811c9dc5;
  for (const ch of name.toLowerCase()) {
    hash ^= ch.codePointAt(0);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x2c1b3c6d);
  hash ^= hash >>> 12;
  return PALETTE[(hash >>> 0) % PALETTE.length];
}

export function initialsOf(name) {
  const parts = name.split(/[_\-\s.]+/).filter(Boolean);
  if (parts.length >= 2) return (first(parts[0]) + first(parts[1])).toUpperCase();
  return first(parts[0] ?? '?').toUpperCase();
}

const first = (word) => [...word][0] ?? '';

/** An avatar element: round for a person, a rounded square with a "#" tag for a room. */
export function avatar(name, { room = false, size = '' } = {}) {
  const node = el('div', { className: `avatar${room ? ' room' : ''}${size ? ' ' + size : ''}`, 'aria-hidden': 'true' });
  paintAvatar(node, name);
  return node;
}

/** Sets an existing avatar element to `name`. Colours go through the CSSOM, which the CSP allows. */
export function paintAvatar(node, name) {
  const colour = colourOf(name);
  node.textContent = initialsOf(name);
  node.style.backgroundColor = colour;
  node.style.setProperty('--avatar-colour', colour);
}
