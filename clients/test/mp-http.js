// What every mini-program shim shares: real HTTP exchanges, a streamed
// multipart/form-data body with progress counted as the bytes are flushed,
// reading a byte range of a real file, and key-value storage kept as JSON in
// memory or in a file that outlives the process. Each shim (wx-shim.js,
// my-shim.js, tt-shim.js, uni-shim.js, taro-shim.js) shapes these into its
// platform's documented options, results and errors.
import fs from 'node:fs';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { mimeFromName, baseName } from '../core/mime.js';

const CHUNK = 16 * 1024;

/**
 * exchange performs one HTTP request: write(req) sends the body. It calls
 * onAnswer({status, text, headers}) or onError(err) once, and returns
 * {abort()}.
 */
export function exchange({ url, method, headers, timeout, write, onAnswer, onError }) {
  let settled = false;
  const once = (fn, arg) => {
    if (settled) return;
    settled = true;
    fn(arg);
  };
  const req = http.request(url, { method, headers });
  if (timeout) req.setTimeout(timeout, () => req.destroy(new Error('timeout')));
  req.on('error', (err) => once(onError, err));
  req.on('response', (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('error', (err) => once(onError, err));
    res.on('end', () => once(onAnswer, { status: res.statusCode, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
  });
  write(req);
  return {
    abort() {
      req.destroy(new Error('abort'));
    },
  };
}

/** requestBody is the bytes of a request's data: an ArrayBuffer as is, a string, or an object as JSON. */
export function requestBody(data) {
  if (data instanceof ArrayBuffer) return Buffer.from(data); // a view: no copy
  return typeof data === 'string' || Buffer.isBuffer(data) ? data : JSON.stringify(data);
}

/** formBody lays out the form: every field, then the file part (name) last. It throws when filePath cannot be read. */
export function formBody(fields, name, filePath) {
  const boundary = '----ossgatemp' + randomBytes(12).toString('hex');
  let head = '';
  for (const k of Object.keys(fields || {})) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${fields[k]}\r\n`;
  }
  const fileName = baseName(filePath);
  head +=
    `--${boundary}\r\nContent-Disposition: form-data; name="${name || 'file'}"; filename="${fileName}"\r\n` +
    `Content-Type: ${mimeFromName(fileName)}\r\n\r\n`;
  const headBuf = Buffer.from(head, 'utf8');
  const tailBuf = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  const size = fs.statSync(filePath).size;
  return { boundary, headBuf, tailBuf, filePath, length: headBuf.length + size + tailBuf.length };
}

/** writeForm streams the form, calling onProgress(sent, total) after each chunk is flushed. */
export async function writeForm(req, parts, onProgress) {
  let sent = 0;
  const total = parts.length;
  const write = (buf) =>
    new Promise((resolve, reject) => {
      req.write(buf, (err) => (err ? reject(err) : resolve()));
    }).then(() => {
      sent += buf.length;
      onProgress(sent, total);
    });
  try {
    await write(parts.headBuf);
    const fd = await fs.promises.open(parts.filePath, 'r');
    try {
      const buf = Buffer.alloc(CHUNK);
      for (;;) {
        const { bytesRead } = await fd.read(buf, 0, CHUNK, null);
        if (bytesRead === 0) break;
        await write(Buffer.from(buf.subarray(0, bytesRead)));
      }
    } finally {
      await fd.close();
    }
    await write(parts.tailBuf);
    req.end();
  } catch (err) {
    req.destroy(err);
  }
}

/**
 * readRange reads [position, position+length) of filePath (the whole file
 * when both are undefined) into a new ArrayBuffer; like the platforms it
 * fails when position or length fall outside the file. It rejects with an
 * Error whose message is the platform-neutral reason.
 */
export async function readRange(filePath, position, length) {
  let fd;
  try {
    fd = await fs.promises.open(filePath, 'r');
  } catch (err) {
    throw new Error(`no such file or directory, open "${filePath}" (${err.code})`);
  }
  try {
    const { size } = await fd.stat();
    const pos = position === undefined ? 0 : position;
    const len = length === undefined ? size - pos : length;
    if (!Number.isInteger(pos) || pos < 0 || (pos >= size && size > 0)) throw new Error('the value of "position" is out of range');
    if (!Number.isInteger(len) || len < 1 || pos + len > size) throw new Error('the value of "length" is out of range');
    const ab = new ArrayBuffer(len);
    const view = new Uint8Array(ab);
    for (let off = 0; off < len; ) {
      const { bytesRead } = await fd.read(view, off, len - off, pos + off);
      if (bytesRead === 0) throw new Error('unexpected end of file');
      off += bytesRead;
    }
    return { data: ab, position: pos, length: len };
  } finally {
    await fd.close();
  }
}

/** kvStore is a platform's key-value storage: values kept as JSON; with file, in that file (written at every change). */
export function kvStore(file) {
  let data = {};
  if (file && fs.existsSync(file)) data = JSON.parse(fs.readFileSync(file, 'utf8'));
  const save = () => file && fs.writeFileSync(file, JSON.stringify(data));
  return {
    has: (k) => Object.prototype.hasOwnProperty.call(data, k),
    get: (k) => (Object.prototype.hasOwnProperty.call(data, k) ? JSON.parse(data[k]) : undefined),
    set: (k, v) => {
      data[k] = JSON.stringify(v);
      save();
    },
    remove: (k) => {
      delete data[k];
      save();
    },
    keys: () => Object.keys(data),
  };
}
