// What the page says about a message's files (its `attachments`, docs/protocol.md "Files"):
// which are pictures, what kind a file is, its size in words, the box a thumbnail takes before it
// loads, and the short text that stands for them where a message is one line (the conversation
// list, a reply's quote, a search hit).

/** The picture types the server decodes, sizes and thumbnails; any other file is a card. */
const PICTURE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

export const isPicture = (a) => PICTURE_TYPES.has(a.type) && Boolean(a.thumb ?? a.url);

/** The kind of a file, for its card's icon: pdf, zip, audio, video, text or other. */
export function kindOf(a) {
  const type = a.type ?? '';
  if (type === 'application/pdf') return 'pdf';
  if (type === 'application/zip' || type === 'application/gzip' || type === 'application/x-gzip') return 'zip';
  if (type.startsWith('audio/')) return 'audio';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('text/')) return 'text';
  if (type.startsWith('image/')) return 'image';
  return 'other';
}

/** The few letters on a card's icon: the name's extension when it has a short one, else the kind. */
export function iconLabel(a) {
  const dot = a.name.lastIndexOf('.');
  const extension = dot > 0 ? a.name.slice(dot + 1) : '';
  if (/^[A-Za-z0-9]{1,4}$/.test(extension)) return extension.toUpperCase();
  return { pdf: 'PDF', zip: 'ZIP', audio: 'AUDIO', video: 'VIDEO', text: 'TXT', image: 'IMG' }[kindOf(a)] ?? 'FILE';
}

/** 812 B, 214 KB, 3.4 MB (1 KB = 1,024 bytes, as file managers count). */
export function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  const mb = bytes / (1024 * 1024);
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
}

const THUMB_MAX_WIDTH = 240;
const THUMB_MAX_HEIGHT = 300;
const THUMB_MIN_SIDE = 48;

/**
 * The box a lone picture takes in a bubble, from the size the server measured: at most 240 wide
 * and 300 tall, keeping its shape, never upscaled. A tiny or very thin picture gets at least 48 a
 * side (it is cropped to fill it). Known before the thumbnail loads, so the list never jumps.
 */
export function thumbBox(a) {
  const width = a.width > 0 ? a.width : 160;
  const height = a.height > 0 ? a.height : 120;
  const scale = Math.min(1, THUMB_MAX_WIDTH / width, THUMB_MAX_HEIGHT / height);
  return {
    width: Math.max(THUMB_MIN_SIDE, Math.round(width * scale)),
    height: Math.max(THUMB_MIN_SIDE, Math.round(height * scale)),
  };
}

/**
 * "[image]", "[3 images]", "[file] report.pdf", "[file] report.pdf +2": what a message's files are
 * where it shows as one line; '' for none.
 */
export function attachmentSummary(m) {
  const files = m.attachments ?? [];
  if (files.length === 0) return '';
  const other = files.find((a) => !isPicture(a));
  if (!other) return files.length === 1 ? '[image]' : `[${files.length} images]`;
  return files.length === 1 ? `[file] ${other.name}` : `[file] ${other.name} +${files.length - 1}`;
}

/** A message as one line: its files' summary, then its text (the caption). */
export function oneLine(m) {
  const summary = attachmentSummary(m);
  const text = m.text ?? '';
  if (!summary) return text;
  return text.trim() === '' ? summary : `${summary} ${text}`;
}
