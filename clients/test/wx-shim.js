// A `wx` for Node: request and uploadFile make real HTTP requests with the
// callback shapes of the mini-program API, so the mini-program module runs
// unchanged against real servers. uploadFile streams a real
// multipart/form-data body (fields first, then the file read from filePath)
// and reports progress by counting the body bytes written.
import fs from 'node:fs';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { mimeFromName, baseName } from '../core/mime.js';

const CHUNK = 16 * 1024;

/** createWx returns {request, uploadFile}; calls records every call's options (for assertions). */
export function createWx() {
  const calls = [];
  return {
    calls,
    request(o) {
      calls.push({ api: 'request', url: o.url });
      return send(o, 'request', (req) => req.end(o.data === undefined ? undefined : requestBody(o.data)), {
        'Content-Type': 'application/json',
        ...(o.header || {}),
      });
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
  };
}

function requestBody(data) {
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
