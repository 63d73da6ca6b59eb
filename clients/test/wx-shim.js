// A `wx` for Node: request and uploadFile make real HTTP requests with the
// callback shapes of the mini-program API, so the mini-program module runs
// unchanged against real servers. uploadFile streams a real
// multipart/form-data body (fields first, then the file read from filePath)
// and reports progress by counting the body bytes written. request sends an
// ArrayBuffer body as is (a PUT of a part) and, like wx, adds
// "content-type: application/json" when the header has no content-type.
// getFileSystemManager().readFile reads real files, honouring position and
// length; the storage calls keep their data in memory, or in a JSON file that
// outlives the process (an app killed and started again).
import fs from 'node:fs';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { mimeFromName, baseName } from '../core/mime.js';

const CHUNK = 16 * 1024;

/**
 * createWx returns {request, uploadFile, getFileSystemManager, getStorage,
 * setStorage, removeStorage, getStorageInfo}; calls records every call's
 * options (for assertions). opts: storageFile (persist storage there),
 * onRead(arrayBuffer, {filePath, position, length}) (sees every buffer
 * readFile hands out).
 */
export function createWx(opts = {}) {
  const calls = [];
  const store = storage(opts.storageFile);
  return {
    calls,
    request(o) {
      calls.push({ api: 'request', url: o.url, method: o.method || 'GET', header: { ...(o.header || {}) }, bytes: o.data instanceof ArrayBuffer ? o.data.byteLength : undefined });
      const header = { ...(o.header || {}) };
      if (!Object.keys(header).some((k) => k.toLowerCase() === 'content-type')) header['content-type'] = 'application/json';
      const body = o.data === undefined ? undefined : requestBody(o.data);
      if (body !== undefined) header['Content-Length'] = String(Buffer.byteLength(body)); // framed for every method, DELETE included
      return send(o, 'request', (req) => req.end(body), header);
    },
    uploadFile(o) {
      calls.push({ api: 'uploadFile', url: o.url, formData: o.formData });
      const listeners = [];
      let parts;
      try {
        parts = multipart(o.formData || {}, o.name, o.filePath);
      } catch (err) {
        setImmediate(() => o.fail && o.fail({ errMsg: 'uploadFile:fail ' + err.message }));
        return { abort() {}, onProgressUpdate() {} };
      }
      const task = send(o, 'uploadFile', (req) => writeBody(req, parts, listeners), {
        'Content-Type': 'multipart/form-data; boundary=' + parts.boundary,
        'Content-Length': String(parts.length),
      });
      task.onProgressUpdate = (fn) => listeners.push(fn);
      return task;
    },
    getFileSystemManager() {
      return {
        readFile(o) {
          calls.push({ api: 'readFile', filePath: o.filePath, position: o.position, length: o.length });
          readFile(o, opts.onRead);
        },
      };
    },
    getStorage(o) {
      const v = store.get(o.key);
      setImmediate(() => (v === undefined ? o.fail && o.fail({ errMsg: 'getStorage:fail data not found' }) : o.success && o.success({ data: v, errMsg: 'getStorage:ok' })));
    },
    setStorage(o) {
      store.set(o.key, o.data);
      setImmediate(() => o.success && o.success({ errMsg: 'setStorage:ok' }));
    },
    removeStorage(o) {
      store.remove(o.key);
      setImmediate(() => o.success && o.success({ errMsg: 'removeStorage:ok' }));
    },
    getStorageInfo(o) {
      const keys = store.keys();
      setImmediate(() => o.success && o.success({ keys, currentSize: 0, limitSize: 10240, errMsg: 'getStorageInfo:ok' }));
    },
  };
}

/** storage is wx's key-value storage: values are kept as JSON, like wx does; with file, in that file (written at every change). */
function storage(file) {
  let data = {};
  if (file && fs.existsSync(file)) data = JSON.parse(fs.readFileSync(file, 'utf8'));
  const save = () => file && fs.writeFileSync(file, JSON.stringify(data));
  return {
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

/**
 * readFile is FileSystemManager.readFile without encoding: the bytes
 * [position, position+length) of filePath as a new ArrayBuffer; like wx it
 * fails when position or length fall outside the file.
 */
function readFile(o, onRead) {
  const fail = (msg) => o.fail && o.fail({ errMsg: 'readFile:fail ' + msg });
  fs.promises.open(o.filePath, 'r').then(
    async (fd) => {
      try {
        const { size } = await fd.stat();
        const position = o.position === undefined ? 0 : o.position;
        const length = o.length === undefined ? size - position : o.length;
        if (!Number.isInteger(position) || position < 0 || (position >= size && size > 0)) return fail('the value of "position" is out of range');
        if (!Number.isInteger(length) || length < 1 || position + length > size) return fail('the value of "length" is out of range');
        const ab = new ArrayBuffer(length);
        const view = new Uint8Array(ab);
        for (let off = 0; off < length; ) {
          const { bytesRead } = await fd.read(view, off, length - off, position + off);
          if (bytesRead === 0) return fail('unexpected end of file');
          off += bytesRead;
        }
        if (onRead) onRead(ab, { filePath: o.filePath, position, length });
        if (o.success) o.success({ data: ab, errMsg: 'readFile:ok' });
      } finally {
        await fd.close();
      }
    },
    (err) => fail(`no such file or directory, open "${o.filePath}" (${err.code})`),
  );
}

function requestBody(data) {
  if (data instanceof ArrayBuffer) return Buffer.from(data); // a view: no copy
  return typeof data === 'string' || Buffer.isBuffer(data) ? data : JSON.stringify(data);
}

/** send performs one HTTP request and maps the outcome to wx's success/fail callbacks. */
function send(o, api, write, headers) {
  let settled = false;
  const done = (fn, arg) => {
    if (settled) return;
    settled = true;
    if (fn) fn(arg);
    if (o.complete) o.complete(arg);
  };
  const req = http.request(o.url, { method: o.method || 'POST', headers: { ...headers, ...(api === 'uploadFile' ? o.header || {} : {}) } });
  if (o.timeout) req.setTimeout(o.timeout, () => req.destroy(new Error('timeout')));
  req.on('error', (err) => done(o.fail, { errMsg: api + ':fail ' + err.message }));
  req.on('response', (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('error', (err) => done(o.fail, { errMsg: api + ':fail ' + err.message }));
    res.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let data = text;
      if (api === 'request' && (o.dataType === undefined || o.dataType === 'json')) {
        try {
          data = JSON.parse(text);
        } catch {
          data = text;
        }
      }
      done(o.success, { statusCode: res.statusCode, data, header: res.headers, errMsg: api + ':ok' });
    });
  });
  write(req);
  return {
    abort() {
      req.destroy(new Error('abort'));
    },
  };
}

/** multipart lays out the form: every field, then the file part last. */
function multipart(fields, name, filePath) {
  const boundary = '----ossgatewx' + randomBytes(12).toString('hex');
  let head = '';
  for (const k of Object.keys(fields)) {
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

/** writeBody streams the form, reporting progress after each chunk is flushed. */
async function writeBody(req, parts, listeners) {
  let sent = 0;
  const total = parts.length;
  const write = (buf) =>
    new Promise((resolve, reject) => {
      req.write(buf, (err) => (err ? reject(err) : resolve()));
    }).then(() => {
      sent += buf.length;
      const p = { progress: Math.floor((sent * 100) / total), totalBytesSent: sent, totalBytesExpectedToSend: total };
      for (const fn of listeners) fn(p);
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
