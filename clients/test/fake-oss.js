// The OSS side of the fake server (fake-server.js): multipart uploads as OSS
// keeps them, and the UploadPart requests clients send with presigned V4
// URLs, checked as OSS checks them: the signature is recomputed from the
// request received (method, path, query, Content-Type, Content-Length through
// x-oss-additional-headers), so a part of another size or with another
// Content-Type gets 403 SignatureDoesNotMatch; an expired URL gets 403
// AccessDenied "Request has expired."; an unknown upload 404 NoSuchUpload.
// Errors are OSS's XML documents. Path-style URLs: {url}/{bucket}/{key}.
import crypto from 'node:crypto';
import http from 'node:http';
import { EventEmitter } from 'node:events';
import { parseQuery, presign, verifyPresigned } from './oss-v4.js';
import { listenLoopback } from './loopback.js';

/** OSS's answer for an unknown, aborted or completed upload id. */
export const NO_SUCH_UPLOAD = 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.';

export class OSSError extends Error {
  constructor(status, code, message, extra) {
    super(message);
    this.status = status;
    this.code = code;
    this.extra = extra || {};
  }
}

/** xmlError is an OSS error document. */
export function xmlError(code, message, requestId, extra) {
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  let x = `<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  <Code>${esc(code)}</Code>\n  <Message>${esc(message)}</Message>\n  <RequestId>${esc(requestId)}</RequestId>\n  <HostId>fake-oss</HostId>\n`;
  for (const [k, v] of Object.entries(extra || {})) x += `  <${k}>${esc(v)}</${k}>\n`;
  return x + '</Error>\n';
}

const md5 = (buf) => crypto.createHash('md5').update(buf).digest();

/**
 * startFakeOSS starts the OSS endpoint on 127.0.0.1 and resolves with the
 * store and its knobs:
 *
 *   url, bucket, region, creds      where it is and what it signs with
 *   now()                           its clock (Date.now() + clockOffsetMs)
 *   clockOffsetMs                   move both the signer's and OSS's clock
 *   uploads: Map uploadId → {key, meta, parts: Map n → {size, etag, md5, body}, createdAt}
 *   objects: Map key → {size, etag, meta, parts, at, content}
 *   puts: every UploadPart request: {number, uploadId, status, code, received, length, contentType, start, end, aborted}
 *   script.put: replies used in order before the normal handling: 'reset'
 *     (drop the connection before reading the body), {dropAfter: bytes}
 *     (drop it mid-body), {status, body, headers} (answer that), null (normal)
 *   lose: {n: times}   answer 200 to part n's next PUTs but store nothing (a part OSS "lost")
 *   partDelayMs        wait this long before answering each part
 *   holdParts          hold each part until this many are in flight (at most 3 s)
 *   inFlight, maxInFlight   parts being received or held right now, and the most at once
 *   events             'part' (number, uploadId) each time a part is stored
 *   corsOrigins        origins allowed by CORS ('*' for all; default all)
 *   preflights         every CORS preflight: {origin, method, headers, allowed}
 *   presignPart(key, uploadId, n, size, contentType, ttlSec) → url
 *   initiate, listParts, complete, abort   the API calls the sign function makes
 *   close()
 */
export async function startFakeOSS(opts = {}) {
  const oss = {
    bucket: opts.bucket || 'ossgate-fake',
    region: opts.region || 'cn-hangzhou',
    creds: { accessKeyId: 'STS.FakeOnlyKeyId', accessKeySecret: 'fake-secret-' + crypto.randomBytes(8).toString('hex'), securityToken: 'CAIS-fake-token' },
    clockOffsetMs: 0,
    uploads: new Map(),
    objects: new Map(),
    puts: [],
    script: { put: [] },
    lose: {},
    partDelayMs: opts.partDelayMs || 0,
    holdParts: opts.holdParts || 0,
    inFlight: 0,
    maxInFlight: 0,
    events: new EventEmitter(),
    corsOrigins: opts.corsOrigins || ['*'],
    preflights: [],
  };
  let rid = 0;
  const requestId = () => 'FAKEOSS' + String(++rid).padStart(8, '0');
  oss.now = () => Date.now() + oss.clockOffsetMs;

  oss.presignPart = (key, uploadId, n, size, contentType, ttlSec) => {
    const p = presign(
      oss.creds,
      {
        method: 'PUT',
        bucket: oss.bucket,
        key,
        query: { partNumber: String(n), uploadId },
        headers: { 'content-type': contentType, 'content-length': String(size) },
        additionalHeaders: ['content-length'],
        expiresSec: ttlSec,
      },
      oss.region,
      new Date(Math.floor(oss.now() / 1000) * 1000),
    );
    return `${oss.url}/${oss.bucket}/${key.split('/').map(encodeURIComponent).join('/')}?${p.query}`;
  };

  oss.initiate = (key, meta) => {
    const uploadId = crypto.randomBytes(16).toString('hex').toUpperCase();
    oss.uploads.set(uploadId, { key, meta: meta || {}, parts: new Map(), createdAt: oss.now() });
    return uploadId;
  };
  const uploadOf = (key, uploadId) => {
    const u = oss.uploads.get(uploadId);
    if (!u || u.key !== key) throw new OSSError(404, 'NoSuchUpload', NO_SUCH_UPLOAD, { UploadId: uploadId });
    return u;
  };
  /** listParts is ListParts: [{number, size, etag}] in part order. */
  oss.listParts = (key, uploadId) => {
    const u = uploadOf(key, uploadId);
    return [...u.parts.entries()].sort((a, b) => a[0] - b[0]).map(([number, p]) => ({ number, size: p.size, etag: p.etag }));
  };
  /** complete is CompleteMultipartUpload with x-oss-forbid-overwrite: true; parts: [{number, etag}]. */
  oss.complete = (key, uploadId, parts) => {
    const u = uploadOf(key, uploadId);
    if (oss.objects.has(key)) throw new OSSError(409, 'FileAlreadyExists', 'The object you specified already exists and can not be overwritten.');
    const chosen = [];
    for (const p of parts) {
      const got = u.parts.get(p.number);
      if (!got || got.etag !== p.etag) throw new OSSError(400, 'InvalidPart', 'One or more of the specified parts could not be found or the specified entity tag might not have matched the part\'s entity tag.');
      chosen.push(got);
    }
    const etag = '"' + md5(Buffer.concat(chosen.map((p) => p.md5))).toString('hex').toUpperCase() + '-' + chosen.length + '"';
    const size = chosen.reduce((a, p) => a + p.size, 0);
    oss.uploads.delete(uploadId);
    oss.objects.set(key, { size, etag, meta: u.meta, parts: chosen.length, at: oss.now(), content: Buffer.concat(chosen.map((p) => p.body)) });
    return { etag, size };
  };
  /** abort is AbortMultipartUpload. */
  oss.abort = (key, uploadId) => {
    uploadOf(key, uploadId);
    oss.uploads.delete(uploadId);
  };

  const sendXML = (res, status, code, message, extra) => {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { 'Content-Type': 'application/xml', 'x-oss-request-id': requestId() });
    res.end(xmlError(code, message, 'FAKEOSS-' + rid, extra));
  };

  const server = http.createServer((req, res) => {
    const origin = req.headers.origin;
    const allowed = origin && (oss.corsOrigins.includes('*') || oss.corsOrigins.includes(origin));
    if (req.method === 'OPTIONS') {
      req.resume();
      oss.preflights.push({ origin, method: req.headers['access-control-request-method'], headers: req.headers['access-control-request-headers'], allowed: !!allowed });
      if (!allowed) return sendXML(res, 403, 'AccessDenied', 'CORSResponse: This CORS request is not allowed.');
      res.writeHead(200, {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, HEAD',
        'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] || '',
        'Access-Control-Max-Age': '600',
        Vary: 'Origin',
      });
      return res.end();
    }
    if (allowed) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', 'ETag, x-oss-request-id');
      res.setHeader('Vary', 'Origin');
    }
    const u = new URL(req.url, 'http://x');
    const q = parseQuery(req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '');
    const path = decodeURIComponent(u.pathname);
    const bucket = path.split('/')[1];
    const key = path.slice(bucket.length + 2);
    if (req.method !== 'PUT' || q.partNumber === undefined || q.uploadId === undefined) {
      req.resume();
      return sendXML(res, 405, 'MethodNotAllowed', 'The fake OSS takes UploadPart requests only.');
    }
    handlePart(req, res, { bucket, key, q });
  });

  async function handlePart(req, res, { bucket, key, q }) {
    const n = Number(q.partNumber);
    const rec = {
      number: n,
      uploadId: q.uploadId,
      status: 0,
      code: '',
      received: 0,
      length: Number(req.headers['content-length'] || -1),
      contentType: req.headers['content-type'] === undefined ? null : req.headers['content-type'],
      start: oss.now(),
      end: 0,
      aborted: false,
    };
    oss.puts.push(rec);
    oss.inFlight++;
    oss.maxInFlight = Math.max(oss.maxInFlight, oss.inFlight);
    let counted = true;
    const leave = () => {
      if (counted) oss.inFlight--;
      counted = false;
      rec.end = oss.now();
    };
    res.on('close', () => {
      if (!res.writableEnded && rec.code !== 'reset' && rec.code !== 'dropped') rec.aborted = true; // the client went away before the answer
      leave();
    });
    const action = oss.script.put.length ? oss.script.put.shift() : null;
    if (action === 'reset') {
      rec.code = 'reset';
      leave();
      return req.socket.destroy();
    }
    // Read the body (counting what arrives, for the resend checks).
    const chunks = [];
    const ok = await new Promise((resolve) => {
      req.on('data', (c) => {
        rec.received += c.length;
        chunks.push(c);
        if (action && action.dropAfter !== undefined && rec.received >= action.dropAfter) {
          rec.code = 'dropped';
          leave();
          req.socket.destroy();
          resolve(false);
        }
      });
      req.on('end', () => resolve(true));
      req.on('error', () => resolve(false));
      req.on('close', () => resolve(false));
    });
    if (!ok) {
      rec.aborted = rec.aborted || rec.code !== 'dropped';
      return leave();
    }
    const body = Buffer.concat(chunks);
    for (let waited = 0; oss.maxInFlight < oss.holdParts && waited < 3000; waited += 5) await new Promise((r) => setTimeout(r, 5));
    if (oss.partDelayMs) await new Promise((r) => setTimeout(r, oss.partDelayMs));
    if (res.destroyed) {
      rec.aborted = true;
      return leave();
    }
    const answer = (status, code, message, extra) => {
      rec.status = status;
      rec.code = code;
      sendXML(res, status, code, message, extra);
    };
    if (action && action.status) {
      rec.status = action.status;
      rec.code = 'scripted';
      res.writeHead(action.status, action.headers || {});
      return res.end(action.body || '');
    }
    if (bucket !== oss.bucket) return answer(404, 'NoSuchBucket', 'The specified bucket does not exist.');
    const headers = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v;
    const bad = verifyPresigned(
      { method: 'PUT', bucket, key, query: q, headers },
      (ak) => (ak === oss.creds.accessKeyId ? oss.creds : null),
      oss.region,
      new Date(oss.now()),
    );
    if (bad) return answer(bad.status, bad.code, bad.message);
    if (!Number.isInteger(n) || n < 1 || n > 10000) return answer(400, 'InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive.');
    const up = oss.uploads.get(q.uploadId);
    if (!up || up.key !== key) return answer(404, 'NoSuchUpload', NO_SUCH_UPLOAD, { UploadId: q.uploadId });
    const sum = md5(body);
    const etag = '"' + sum.toString('hex').toUpperCase() + '"';
    if (oss.lose[n] > 0) {
      oss.lose[n]--;
    } else {
      up.parts.set(n, { size: body.length, etag, md5: sum, body });
    }
    rec.status = 200;
    res.writeHead(200, { ETag: etag, 'x-oss-request-id': requestId(), 'Content-Length': '0' });
    res.end();
    oss.events.emit('part', n, q.uploadId);
  }

  const { url, close } = await listenLoopback(server);
  oss.url = url;
  oss.close = close;
  return oss;
}
