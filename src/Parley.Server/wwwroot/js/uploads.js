// Files on their way into a message: each conversation's tray of uploads (picked, pasted or
// dropped), each sent at once to POST /api/files with XMLHttpRequest (fetch reports no upload
// progress), with its progress, a cancel (abort) and the server's refusal if any. The message
// itself goes later, when the user presses Send: the uploads done go with the text as caption
// (actions.js), in one `send`.
import { store } from './store.js';
import { loadToken } from './token.js';
import { formatSize } from './files.js';

let nextId = 1;

// Conversation key -> uploads in the order added: {id, key, blob, name, size, state: 'uploading'
// | 'done' | 'failed', loaded, file (the server's, once done), code, error, xhr}.
const trays = new Map();

// A line for the composer: why files were not taken (too big, too many). Cleared by the next add or send.
let notice = { key: null, text: '' };

/** The active conversation's uploads, oldest first. */
export const uploadsOf = (key) => trays.get(key) ?? [];

export const uploadNotice = (key) => (notice.key === key ? notice.text : '');

export const clearUploadNotice = () => {
  if (!notice.text) return;
  notice = { key: null, text: '' };
  store.changed();
};

/** Whether a conversation's tray has an upload still on its way. */
export const uploading = (key) => uploadsOf(key).some((u) => u.state === 'uploading');

/** Whether a conversation's tray has an upload ready to go in a message. */
export const readyCount = (key) => uploadsOf(key).filter((u) => u.state === 'done').length;

/**
 * Adds files to a conversation's tray and starts uploading them. A file over the server's
 * `maxUploadBytes` is refused here, before a byte is sent; beyond `maxAttachments` files in the
 * tray, the rest are left out. Both say so in the composer.
 */
export function addFiles(key, files) {
  const list = [...files];
  if (!key || list.length === 0) return;
  const tray = trays.get(key) ?? [];
  const maxBytes = store.limits.maxUploadBytes;
  const maxFiles = store.limits.maxAttachments;
  const problems = [];
  let left = 0;
  for (const file of list) {
    const name = file.name || pastedName(file);
    if (file.size === 0) {
      problems.push(`${name} is empty`);
      continue;
    }
    if (file.size > maxBytes) {
      problems.push(`${name} is too large to send (${formatSize(file.size)}; files are at most ${formatSize(maxBytes)})`);
      continue;
    }
    if (tray.length >= maxFiles) {
      left++;
      continue;
    }
    const upload = { id: nextId++, key, blob: file, name, size: file.size, state: 'uploading', loaded: 0, file: null, code: '', error: '', xhr: null };
    tray.push(upload);
    start(upload);
  }
  if (left > 0) problems.push(`at most ${maxFiles} files go in one message; ${left} ${left === 1 ? 'was' : 'were'} left out`);
  trays.set(key, tray);
  notice = { key, text: problems.join('; ') };
  store.changed();
}

/** A picture pasted from the clipboard often has no name of its own: one from the time. */
function pastedName(file) {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  const ext = (file.type.split('/')[1] ?? 'bin').replace('jpeg', 'jpg').replace(/[^a-z0-9]/g, '');
  return `pasted-${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}.${ext}`;
}

/** Readable words for the server's refusals (docs/protocol.md, Files); the code goes with them. */
const REFUSALS = {
  file_too_large: 'too large for the server',
  image_too_large: 'the picture has too many pixels',
  bad_image: 'the picture cannot be read',
  rate_limited: 'too many uploads at once; retry in a moment',
  bad_token: 'your session has ended; sign in again',
  empty_text: 'the file is empty',
  unavailable: 'the server cannot store it now; retry',
};

function start(upload) {
  const xhr = new XMLHttpRequest();
  upload.xhr = xhr;
  upload.state = 'uploading';
  upload.loaded = 0;
  upload.code = '';
  upload.error = '';
  xhr.open('POST', `/api/files?name=${encodeURIComponent(upload.name)}`);
  xhr.setRequestHeader('Authorization', `Bearer ${loadToken() ?? ''}`);
  xhr.upload.addEventListener('progress', (e) => {
    if (upload.xhr !== xhr) return;
    upload.loaded = e.loaded;
    store.changed();
  });
  xhr.addEventListener('load', () => {
    if (upload.xhr !== xhr) return;
    upload.xhr = null;
    const body = parse(xhr.responseText);
    if (xhr.status === 201 && body?.file?.id) {
      upload.state = 'done';
      upload.loaded = upload.size;
      upload.file = body.file;
    } else {
      const code = typeof body?.error === 'string' ? body.error : `http_${xhr.status}`;
      fail(upload, code, REFUSALS[code] ?? body?.message ?? `refused (HTTP ${xhr.status})`);
    }
    store.changed();
  });
  xhr.addEventListener('error', () => {
    if (upload.xhr !== xhr) return;
    upload.xhr = null;
    fail(upload, 'offline', 'the upload was cut off; retry');
    store.changed();
  });
  xhr.send(upload.blob);
}

function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function fail(upload, code, error) {
  upload.state = 'failed';
  upload.code = code;
  upload.error = error;
  notice = { key: upload.key, text: `${upload.name} was not uploaded: ${error} (${code})` };
}

/** Cancels an upload under way (the request is aborted) or takes a done or failed one out of the tray. */
export function removeUpload(upload) {
  const xhr = upload.xhr;
  upload.xhr = null;
  xhr?.abort();
  const tray = uploadsOf(upload.key).filter((u) => u !== upload);
  if (tray.length) trays.set(upload.key, tray);
  else trays.delete(upload.key);
  if (notice.key === upload.key && upload.state === 'failed') notice = { key: null, text: '' };
  store.changed();
}

/** Tries a failed upload again. */
export function retryUpload(upload) {
  if (upload.state !== 'failed') return;
  if (notice.key === upload.key) notice = { key: null, text: '' };
  start(upload);
  store.changed();
}

/**
 * Takes the done uploads out of a conversation's tray for a message: the server's files, in the
 * order added. Failed ones stay (with their reason) until removed or retried.
 */
export function takeReady(key) {
  const tray = uploadsOf(key);
  const ready = tray.filter((u) => u.state === 'done');
  const rest = tray.filter((u) => u.state !== 'done');
  if (rest.length) trays.set(key, rest);
  else trays.delete(key);
  notice = { key: null, text: '' };
  store.changed();
  return ready.map((u) => u.file);
}

/** Signing out: every upload stops and every tray empties. */
export function dropAllUploads() {
  for (const tray of trays.values()) for (const u of tray) {
    const xhr = u.xhr;
    u.xhr = null;
    xhr?.abort();
  }
  trays.clear();
  notice = { key: null, text: '' };
}
