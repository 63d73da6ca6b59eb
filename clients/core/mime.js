// File name extension → MIME type, for pickers that give no type
// (wx.chooseMedia gives "image"/"video"; the sign function needs a MIME type).

const TYPES = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  bmp: 'image/bmp',
  svg: 'image/svg+xml',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  pdf: 'application/pdf',
  txt: 'text/plain',
  json: 'application/json',
  zip: 'application/zip',
};

/** mimeFromName returns the MIME type for name's extension, or application/octet-stream. */
export function mimeFromName(name) {
  const s = String(name || '');
  const dot = s.lastIndexOf('.');
  const ext = dot >= 0 ? s.slice(dot + 1).toLowerCase() : '';
  return TYPES[ext] || 'application/octet-stream';
}

/** baseName returns the last path segment of a path or URL (wxfile://tmp/a.png → a.png). */
export function baseName(path) {
  const s = String(path || '');
  const cut = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
  return cut >= 0 ? s.slice(cut + 1) : s;
}
