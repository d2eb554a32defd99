// Files into the composer, three ways: the paperclip button (a file picker), a paste of a
// picture or file into the input, and files dragged onto the conversation (a drop target shows
// while they are over it). Each goes to the open conversation's tray above the input, where it
// uploads with its progress and a × that cancels it (uploads.js); Send takes those done.
import { byId, el, replaceChildren, setText } from '../dom.js';
import { store } from '../store.js';
import { formatSize, iconLabel, kindOf } from '../files.js';
import { addFiles, removeUpload, retryUpload, uploadsOf } from '../uploads.js';

const input = () => byId('composer-input');

/** Whether a drag carries files (not text or a link dragged from a page). */
const carriesFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes('Files');

export function mountComposerFiles() {
  const picker = byId('file-picker');
  byId('attach').addEventListener('click', () => picker.click());
  picker.addEventListener('change', () => {
    addFiles(store.activeKey, picker.files);
    picker.value = ''; // the same file may be picked again
    input().focus();
  });

  // A paste that holds files (a screenshot, "Copy image", files copied in a file manager) adds
  // them; text pastes as text. Rich text copied from an office program carries a picture of itself
  // too, beside its text and HTML: that is text.
  input().addEventListener('paste', (e) => {
    const data = e.clipboardData;
    const files = [...(data?.files ?? [])];
    if (files.length === 0) return;
    if (data.types.includes('text/html') && data.getData('text/plain').trim() !== '') return;
    e.preventDefault();
    addFiles(store.activeKey, files);
  });

  // Dragging files over the open conversation: the drop target shows until they leave or drop.
  const zone = byId('chat-open');
  let depth = 0; // dragenter/dragleave pairs: each child entered and left fires its own
  const show = (on) => {
    byId('drop-target').hidden = !on;
  };
  zone.addEventListener('dragenter', (e) => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    depth++;
    setText(byId('drop-target-text'), store.active ? `Drop to send to ${store.active.name}` : 'Drop to send');
    show(true);
  });
  zone.addEventListener('dragover', (e) => {
    if (!carriesFiles(e)) return;
    e.preventDefault(); // allows the drop
    e.dataTransfer.dropEffect = 'copy';
    show(true);
  });
  zone.addEventListener('dragleave', (e) => {
    if (!carriesFiles(e)) return;
    depth = Math.max(0, depth - 1);
    if (depth === 0) show(false);
  });
  zone.addEventListener('drop', (e) => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    depth = 0;
    show(false);
    addFiles(store.activeKey, e.dataTransfer.files);
    input().focus();
  });
  // Files dropped anywhere else are not opened by the browser in place of the page.
  for (const type of ['dragover', 'drop']) {
    window.addEventListener(type, (e) => {
      if (carriesFiles(e)) e.preventDefault();
    });
  }
  window.addEventListener('dragend', () => {
    depth = 0;
    show(false);
  });
}

// The tray is rebuilt only when its uploads or their states change; progress moves in place,
// so a redraw a frame while uploading never replaces the × under the pointer.
let shown = '';
const rows = new Map(); // upload id -> {progress, status}

export function renderComposerFiles() {
  const key = store.activeKey;
  const tray = key ? uploadsOf(key) : [];
  const list = byId('composer-files');
  list.hidden = tray.length === 0;
  byId('composer').classList.toggle('has-files', tray.length > 0);
  const signature = `${key}|${tray.map((u) => `${u.id}:${u.state}`).join(',')}`;
  if (signature !== shown) {
    shown = signature;
    rows.clear();
    replaceChildren(list, tray.map(chip));
  }
  for (const u of tray) {
    const row = rows.get(u.id);
    if (!row || u.state !== 'uploading') continue;
    const share = u.size > 0 ? Math.min(1, u.loaded / u.size) : 0;
    row.progress.value = share;
    setText(row.status, `${formatSize(u.size)} · ${Math.round(share * 100)}%`);
  }
}

/** One upload in the tray: its picture (once uploaded) or icon, name, size or progress or refusal, and ×. */
function chip(u) {
  const done = u.state === 'done';
  const failed = u.state === 'failed';
  const face = done && u.file.thumb
    ? el('img', { className: 'upload-thumb', src: u.file.thumb, alt: '', draggable: 'false' })
    : el('span', { className: `file-icon small ${kindOf({ type: u.file?.type ?? u.blob.type ?? '' })}`, 'aria-hidden': 'true' }, iconLabel({ name: u.name, type: u.blob.type ?? '' }));
  const status = el('span', { className: 'upload-status' },
    failed ? `${u.error} (${u.code})` : done ? formatSize(u.file.size) : `${formatSize(u.size)} · 0%`);
  const progress = u.state === 'uploading' ? el('progress', { className: 'upload-progress', max: '1', value: '0', 'aria-label': `Uploading ${u.name}` }) : null;
  rows.set(u.id, { progress, status });
  const retry = failed && u.code !== 'file_too_large' && u.code !== 'image_too_large' && u.code !== 'bad_image'
    ? el('button', { className: 'upload-retry', type: 'button', title: 'Retry', 'aria-label': `Retry ${u.name}`, onclick: () => retryUpload(u) }, '↻')
    : null;
  const remove = el('button', {
    className: 'upload-remove', type: 'button',
    title: u.state === 'uploading' ? 'Cancel upload' : 'Remove',
    'aria-label': u.state === 'uploading' ? `Cancel upload of ${u.name}` : `Remove ${u.name}`,
    onclick: () => {
      removeUpload(u);
      input().focus();
    },
  }, '×');
  return el('li', { className: `upload ${u.state}`, dataset: { upload: String(u.id), state: u.state }, title: failed ? `${u.name}: ${u.error} (${u.code})` : u.name },
    face,
    el('span', { className: 'upload-text' }, el('span', { className: 'upload-name' }, u.name), status, progress),
    retry, remove);
}
