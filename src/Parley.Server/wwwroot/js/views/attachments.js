// A message's files in its bubble: pictures as thumbnails (one alone at its own shape, up to
// 240 px wide; several as a grid of square tiles), each in a box of its final size before the
// thumbnail loads, so the list never jumps; a click opens the viewer (views/viewer.js). Every
// other file is a card — name, size, an icon by kind — that downloads it.
import { el } from '../dom.js';
import { formatSize, iconLabel, isPicture, kindOf, thumbBox } from '../files.js';

// The pane is rebuilt on every change; the thumbnails' <img> elements are kept and moved into the
// new bubbles, so a redraw never makes a loaded picture blink. By address, newest use last.
const thumbs = new Map();
const KEPT_THUMBS = 400;

function thumbImage(src, box, name) {
  let img = thumbs.get(src);
  if (img) thumbs.delete(src);
  else {
    img = el('img', { className: 'attach-thumb', src, alt: name, loading: 'lazy', decoding: 'async', draggable: 'false' });
    img.addEventListener('error', () => img.classList.add('broken'));
  }
  thumbs.set(src, img);
  if (thumbs.size > KEPT_THUMBS) thumbs.delete(thumbs.keys().next().value);
  // The box, known before a byte of the picture arrives. Where the bubble is narrower (a phone) it
  // shrinks (css/files.css) keeping this shape, even once loaded: the ratio given is the box's,
  // not the picture's (a tile is square, a thin picture's box is cropped).
  img.width = box.width;
  img.height = box.height;
  img.style.aspectRatio = `${box.width} / ${box.height}`;
  return img;
}

function picture(a, box, shape) {
  return el('button', {
    type: 'button', className: `attach-picture ${shape}`, dataset: { file: a.id }, title: a.name, 'aria-label': `Open picture ${a.name}`,
  }, thumbImage(a.thumb ?? a.url, box, a.name));
}

// Tiles of a grid of pictures: two a row (2 or 4 pictures), else three, about 240 px in all.
const TILE_TWO = 118;
const TILE_THREE = 78;

function pictures(list) {
  if (list.length === 1) return picture(list[0], thumbBox(list[0]), 'single');
  const two = list.length === 2 || list.length === 4;
  const side = two ? TILE_TWO : TILE_THREE;
  return el('div', { className: `attach-grid ${two ? 'two' : 'three'}` },
    list.map((a) => picture(a, { width: side, height: side }, 'tile')));
}

/** A file that is not a picture: a card that downloads it (its link is sent as an attachment). */
function fileCard(a) {
  const kind = kindOf(a);
  return el('a', { className: 'file-card', href: a.url, download: a.name, title: `Download ${a.name}`, dataset: { file: a.id, kind } },
    el('span', { className: 'file-card-text' },
      el('span', { className: 'file-name' }, a.name),
      el('span', { className: 'file-size' }, formatSize(a.size))),
    el('span', { className: `file-icon ${kind}`, 'aria-hidden': 'true' }, iconLabel(a)));
}

/** The files of a message (or of an own message on its way), or null when it has none. */
export function attachmentsBlock(m) {
  const files = m.attachments ?? [];
  if (files.length === 0) return null;
  const shown = files.filter(isPicture);
  const others = files.filter((a) => !isPicture(a));
  return el('div', { className: 'attachments' }, shown.length ? pictures(shown) : null, others.map(fileCard));
}
