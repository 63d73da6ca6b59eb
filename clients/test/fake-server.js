// A stand-in for the sign function and OSS, for the clients' tests: POST
// /sign hands out tickets and POST /oss takes form uploads (as before), and
// the multipart API is implemented as docs/api.md says, against
// a fake OSS (fake-oss.js) that checks every part as OSS does:
//
//   POST   /uploads/multipart           {profile, file:{name,type,size}} → {upload:{key, uploadId, partSize, partCount, objectUrl, expiresAt, parts}}
//   POST   /uploads/multipart/parts     {key, uploadId, size, parts?}    → {partSize, partCount, parts} | {partSize, partCount, done, parts} (ListParts)
//   POST   /uploads/multipart/complete  {key, uploadId, size}            → {key, objectUrl, size, etag}
//   DELETE /uploads/multipart           {key, uploadId}                  → 204
//
// with the decisions' errors (MultipartRequired from /sign at or above a
// profile's threshold, MultipartNotAllowed, InvalidUpload, Forbidden,
// NoSuchUpload, PartsMissing, PartSizeMismatch, TooManyParts) in the sign
// function's JSON shape. Like the real function it keeps no state between
// calls: part sizes follow from the declared size and the profile's part
// size, ownership from the key, the rest comes from "OSS". The tests that
// use it need nothing else, so they can later run against the real stack by
// swapping the base URL. GET /uploads lists the caller's completed uploads,
// and GET /demo/… serves clients/ (the demo page) for the browser test.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { partSchedule } from '../core/part-schedule.js';
import { OSSError, startFakeOSS } from './fake-oss.js';
import { listenLoopback } from './loopback.js';

const CLIENTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAX_PARTS = 10000;
const MIN_PART = 100 * 1024;
const MAX_URLS = 100;
const EXT = { 'image/png': '.png', 'image/jpeg': '.jpg', 'video/mp4': '.mp4', 'video/quicktime': '.mov', 'application/pdf': '.pdf', 'application/octet-stream': '.bin', 'application/zip': '.zip' };

/** Status of each JSON error code, as the sign function maps them. */
const STATUS = {
  BadRequest: 400,
  InvalidJSON: 400,
  UnknownProfile: 400,
  InvalidFileName: 400,
  InvalidSize: 400,
  UnsupportedType: 415,
  FileTooLarge: 413,
  Unauthenticated: 401,
  MultipartRequired: 400,
  MultipartNotAllowed: 400,
  InvalidUpload: 400,
  Forbidden: 403,
  NoSuchUpload: 404,
  PartsMissing: 409,
  PartSizeMismatch: 409,
  TooManyParts: 400,
  FileAlreadyExists: 409,
  NotFound: 404,
};

class APIError extends Error {
  constructor(code, message, extra) {
    super(message);
    this.code = code;
    this.extra = extra || {};
  }
}

/**
 * startFake starts the server on 127.0.0.1 and resolves with
 * {url, signUrl, signs, authorizations, uploads, script, maxInFlight, mp, oss, close}.
 * signs holds each /sign request body, authorizations its Authorization
 * header; uploads each parsed form upload {fields, fileName, fileSize,
 * fileLast}; script.sign / script.oss are arrays of replies ({status, body,
 * headers} or 'reset' to drop the connection) used in order.
 *
 * Multipart: opts.profiles {name: {types, maxSize, multipart?: {partSize,
 * threshold}}} (without it every profile signs form tickets as before and
 * none allows multipart); opts.partUrlTtlSec (default 900); mp holds each
 * call's body (creates, partsCalls, completes, deletes) and script.{create,
 * parts, complete, abort} replies; oss is the fake OSS (fake-oss.js).
 */
export async function startFake(opts = {}) {
  const oss = await startFakeOSS({ partDelayMs: opts.partDelayMs, holdParts: opts.holdParts, corsOrigins: opts.corsOrigins });
  const state = {
    signs: [],
    authorizations: [],
    uploads: [],
    script: { sign: [], oss: [] },
    inFlight: 0,
    maxInFlight: 0,
    ossDelayMs: opts.ossDelayMs || 0,
    expiresInMs: opts.expiresInMs || 60_000,
    rejectTypes: opts.rejectTypes || [], // /sign answers 415 when a file has one of these types
    holdUploads: opts.holdUploads || 0, // hold each upload until this many are in flight (at most 2 s)
    profiles: opts.profiles || null,
    partUrlTtlSec: opts.partUrlTtlSec || 900,
    oss,
    mp: { creates: [], partsCalls: [], completes: [], deletes: [], script: { create: [], parts: [], complete: [], abort: [] } },
  };
  let n = 0;
  let rid = 0;
  const server = http.createServer(async (req, res) => {
    let body;
    try {
      body = await readBody(req);
    } catch {
      return; // the client went away mid-body (an aborted upload): there is no one to answer
    }
    const requestId = 'fake-' + ++rid;
    const route = req.url.split('?')[0];
    if (req.method === 'GET' && (route === '/' || route.startsWith('/demo/'))) return serveStatic(res, route);
    if (route === '/sign' && req.method === 'POST') {
      const json = JSON.parse(body.toString('utf8'));
      state.signs.push(json);
      state.authorizations.push(req.headers.authorization || '');
      if (reply(res, state.script.sign.shift())) return;
      const bad = json.files.find((f) => state.rejectTypes.includes(f.type));
      if (bad) {
        const error = { code: 'UnsupportedType', message: `type ${bad.type} is not allowed`, requestId: 'fake-415' };
        return send(res, 415, JSON.stringify({ error }), { 'Content-Type': 'application/json' });
      }
      if (state.profiles) {
        const p = state.profiles[json.profile];
        if (!p) return sendError(res, new APIError('UnknownProfile', `unknown profile ${JSON.stringify(json.profile)}`), requestId);
        const big = p.multipart && json.files.find((f) => f.size >= p.multipart.threshold);
        if (big) {
          return sendError(
            res,
            new APIError('MultipartRequired', `${big.name} is ${big.size} bytes: files of ${p.multipart.threshold} bytes or more go by multipart upload (POST /uploads/multipart)`, {
              threshold: p.multipart.threshold,
              partSize: p.multipart.partSize,
            }),
            requestId,
          );
        }
      }
      const uploads = json.files.map((f) => {
        n++;
        return {
          url: state.url + '/oss',
          key: `uploads/${json.profile}/u/${n}-${f.name}`,
          fields: { key: `uploads/${json.profile}/u/${n}-${f.name}`, 'Content-Type': f.type, policy: 'p' + n },
          expiresAt: new Date(Date.now() + state.expiresInMs).toISOString(),
          maxSize: 1 << 20,
          objectUrl: `${state.url}/obj/${n}`,
        };
      });
      return send(res, 200, JSON.stringify({ uploads }), { 'Content-Type': 'application/json' });
    }
    if (route === '/oss' && req.method === 'POST') {
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      for (let waited = 0; state.maxInFlight < state.holdUploads && waited < 2000; waited += 5) {
        await new Promise((r) => setTimeout(r, 5));
      }
      await new Promise((r) => setTimeout(r, state.ossDelayMs));
      state.inFlight--;
      const up = parseMultipart(req.headers['content-type'], body);
      if (reply(res, state.script.oss.shift())) return;
      state.uploads.push(up);
      return send(res, 204, '');
    }
    if (route === '/uploads' && req.method === 'GET') return listUploads(state, req, res, requestId);
    if (route.startsWith('/uploads/multipart')) {
      const which = { 'POST /uploads/multipart': 'create', 'POST /uploads/multipart/parts': 'parts', 'POST /uploads/multipart/complete': 'complete', 'DELETE /uploads/multipart': 'abort' }[req.method + ' ' + route];
      if (!which) return sendError(res, new APIError('NotFound', 'no route ' + req.method + ' ' + route), requestId);
      try {
        // DELETE takes {key, uploadId} from the query when its body is empty, as the function does.
        const json = which === 'abort' && body.length === 0 ? Object.fromEntries(new URL(req.url, 'http://x').searchParams) : parseJSONBody(body);
        state.mp[{ create: 'creates', parts: 'partsCalls', complete: 'completes', abort: 'deletes' }[which]].push(json);
        if (reply(res, state.mp.script[which].shift())) return;
        const user = userOf(req);
        const out = await multipart[which](state, user, json);
        if (out === null) return send(res, 204, '');
        return send(res, 200, JSON.stringify(out), { 'Content-Type': 'application/json' });
      } catch (err) {
        return sendError(res, err, requestId);
      }
    }
    send(res, 404, '{"error":{"code":"NotFound","message":"no route","requestId":"r0"}}');
  });
  const { url, close } = await listenLoopback(server);
  state.url = url;
  state.signUrl = state.url + '/sign';
  state.demoUrl = state.url + '/demo/web/';
  state.close = async () => {
    await close();
    await oss.close();
  };
  return state;
}

/** userOf is the caller: the bearer token itself (the fake's whole auth), or "anonymous". */
function userOf(req) {
  const h = req.headers.authorization || '';
  if (!h) return 'anonymous';
  const m = /^Bearer ([A-Za-z0-9._@-]{1,64})$/.exec(h);
  if (!m) throw new APIError('Unauthenticated', 'the bearer token is not valid');
  return m[1];
}

function parseJSONBody(body) {
  try {
    const v = JSON.parse(body.toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v;
  } catch {
    // below
  }
  throw new APIError('InvalidJSON', 'the body is not a JSON object');
}

const KEY_RE = /^uploads\/([a-z0-9][a-z0-9_-]{0,31})\/([A-Za-z0-9._@-]{1,64})\/\d{4}\/\d{2}\/\d{2}\/[0-9a-f]{32}(\.[a-z0-9]+)?$/;
const UPLOAD_ID_RE = /^[0-9A-F]{32}$/;

/**
 * owned checks {key, uploadId} against the caller and returns the key's
 * profile: InvalidUpload when either is malformed or not of the upload
 * layout, Forbidden when the key is another user's.
 */
function owned(state, user, json) {
  if (typeof json.key !== 'string' || typeof json.uploadId !== 'string') throw new APIError('InvalidUpload', 'key and uploadId are required strings');
  const m = KEY_RE.exec(json.key);
  if (!m || !UPLOAD_ID_RE.test(json.uploadId)) throw new APIError('InvalidUpload', 'key or uploadId is not an upload of this service');
  if (m[2] !== user) throw new APIError('Forbidden', 'the upload belongs to another user');
  const profile = state.profiles && state.profiles[m[1]];
  if (!profile || !profile.multipart) throw new APIError('InvalidUpload', `profile ${m[1]} has no multipart uploads`);
  return profile;
}

/** checkSize validates a declared size against a profile and returns its schedule. */
function checkSize(profile, size) {
  if (!Number.isSafeInteger(size) || size < 1) throw new APIError('InvalidSize', 'size must be a whole number of bytes, at least 1');
  if (size > profile.maxSize) throw new APIError('FileTooLarge', `size ${size} is over the profile's limit of ${profile.maxSize} bytes`);
  const s = partSchedule(size, profile.multipart.partSize);
  if (s.partCount > MAX_PARTS) throw new APIError('TooManyParts', `${s.partCount} parts of ${profile.multipart.partSize} bytes: at most ${MAX_PARTS}`);
  return s;
}

function partURLs(state, key, uploadId, sched, numbers) {
  const ttl = state.partUrlTtlSec;
  const expiresAt = new Date(Math.floor(state.oss.now() / 1000) * 1000 + ttl * 1000).toISOString();
  const headers = { 'Content-Type': 'application/octet-stream' };
  return numbers.map((number) => ({
    number,
    url: state.oss.presignPart(key, uploadId, number, sched.sizeOf(number), headers['Content-Type'], ttl),
    size: sched.sizeOf(number),
    headers: { ...headers },
    expiresAt,
  }));
}

function ossCall(fn) {
  try {
    return fn();
  } catch (err) {
    if (err instanceof OSSError) throw new APIError(err.code, err.message);
    throw err;
  }
}

const multipart = {
  create(state, user, json) {
    const p = state.profiles && state.profiles[json.profile];
    if (!p) throw new APIError('UnknownProfile', `unknown profile ${JSON.stringify(json.profile)}`);
    if (!p.multipart) throw new APIError('MultipartNotAllowed', `profile ${json.profile} takes form uploads only (POST /sign)`);
    const f = json.file;
    if (!f || typeof f !== 'object') throw new APIError('BadRequest', 'file is required');
    if (typeof f.name !== 'string' || f.name === '' || f.name.length > 255 || /[\u0000-\u001f]/.test(f.name)) throw new APIError('InvalidFileName', 'file.name must be 1 to 255 printable characters');
    if (!p.types.includes(f.type)) throw new APIError('UnsupportedType', `type ${f.type} is not allowed (one of ${p.types.join(', ')})`);
    const sched = checkSize(p, f.size);
    const now = new Date(state.oss.now());
    const day = now.toISOString().slice(0, 10).replace(/-/g, '/');
    const key = `uploads/${json.profile}/${user}/${day}/${crypto.randomBytes(16).toString('hex')}${EXT[f.type] || ''}`;
    const uploadId = state.oss.initiate(key, { name: f.name, type: f.type, user, profile: json.profile });
    const numbers = [];
    for (let i = 1; i <= Math.min(MAX_URLS, sched.partCount); i++) numbers.push(i);
    const parts = partURLs(state, key, uploadId, sched, numbers);
    return {
      upload: {
        key,
        uploadId,
        partSize: p.multipart.partSize,
        partCount: sched.partCount,
        objectUrl: `${state.oss.url}/${state.oss.bucket}/${key}`,
        expiresAt: parts[0].expiresAt,
        parts,
      },
    };
  },
  parts(state, user, json) {
    const p = owned(state, user, json);
    const sched = checkSize(p, json.size);
    if (json.parts !== undefined) {
      // Stateless: fresh URLs need no OSS call (OSS checks the upload id on the PUT).
      if (!Array.isArray(json.parts) || json.parts.length === 0 || json.parts.length > MAX_URLS) {
        throw new APIError('BadRequest', `parts must list 1 to ${MAX_URLS} part numbers`);
      }
      for (const n of json.parts) {
        if (!Number.isSafeInteger(n) || n < 1 || n > sched.partCount) throw new APIError('BadRequest', `part ${n} is not in 1..${sched.partCount}`);
      }
      return { partSize: p.multipart.partSize, partCount: sched.partCount, parts: partURLs(state, json.key, json.uploadId, sched, [...new Set(json.parts)]) };
    }
    const listed = ossCall(() => state.oss.listParts(json.key, json.uploadId));
    const done = listed.filter((x) => x.number <= sched.partCount && x.size === sched.sizeOf(x.number)).map((x) => x.number);
    const missing = [];
    for (let i = 1; i <= sched.partCount && missing.length < MAX_URLS; i++) if (!done.includes(i)) missing.push(i);
    return { partSize: p.multipart.partSize, partCount: sched.partCount, done, parts: partURLs(state, json.key, json.uploadId, sched, missing) };
  },
  complete(state, user, json) {
    const p = owned(state, user, json);
    const sched = checkSize(p, json.size);
    const listed = ossCall(() => state.oss.listParts(json.key, json.uploadId));
    for (const x of listed) {
      if (x.number > sched.partCount || x.size !== sched.sizeOf(x.number)) {
        throw new APIError('PartSizeMismatch', `part ${x.number} is ${x.size} bytes; a ${json.size}-byte file has ${sched.partCount} parts and part ${x.number} ${x.number > sched.partCount ? 'is not one of them' : 'is ' + sched.sizeOf(x.number) + ' bytes'}`, { part: x.number });
      }
    }
    const have = new Set(listed.map((x) => x.number));
    const missing = [];
    for (let i = 1; i <= sched.partCount; i++) if (!have.has(i)) missing.push(i);
    if (missing.length) {
      throw new APIError('PartsMissing', `${missing.length} of ${sched.partCount} parts are missing: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}`, { missing: missing.slice(0, MAX_URLS) });
    }
    if (sched.partCount > 1 && listed.some((x) => x.number < sched.partCount && x.size < MIN_PART)) {
      throw new APIError('PartSizeMismatch', 'a part other than the last is under 100 KiB');
    }
    const done = ossCall(() => state.oss.complete(json.key, json.uploadId, listed.map((x) => ({ number: x.number, etag: x.etag }))));
    // The ETag unquoted, as the function answers it (and records show it).
    return { key: json.key, objectUrl: `${state.oss.url}/${state.oss.bucket}/${json.key}`, size: done.size, etag: done.etag.replace(/"/g, '') };
  },
  abort(state, user, json) {
    owned(state, user, json);
    ossCall(() => state.oss.abort(json.key, json.uploadId));
    return null;
  },
};

function listUploads(state, req, res, requestId) {
  let user;
  try {
    user = userOf(req);
  } catch (err) {
    return sendError(res, err, requestId);
  }
  const records = [];
  for (const [key, o] of state.oss.objects) {
    if (o.meta.user !== user) continue;
    records.push({ key, originalName: o.meta.name, contentType: o.meta.type, size: o.size, status: 'ok', uploader: user, uploadedAt: new Date(o.at).toISOString() });
  }
  records.reverse();
  return send(res, 200, JSON.stringify({ records, next: '' }), { 'Content-Type': 'application/json' });
}

const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/**
 * serveStatic serves the demo page as the local stack does: clients/web at
 * /demo/web/ and the unpacked package, clients/dist/package, at /demo/pkg/
 * (and redirects / there).
 */
function serveStatic(res, route) {
  if (route === '/' || route === '/demo/') {
    res.writeHead(302, { Location: '/demo/web/' });
    return res.end();
  }
  let rel = decodeURIComponent(route.slice('/demo/'.length));
  if (rel.endsWith('/')) rel += 'index.html';
  if (rel.startsWith('pkg/')) rel = path.join('dist', 'package', rel.slice('pkg/'.length));
  const file = path.resolve(CLIENTS_DIR, rel);
  const ok = (file.startsWith(path.join(CLIENTS_DIR, 'web') + path.sep) || file.startsWith(path.join(CLIENTS_DIR, 'dist', 'package') + path.sep)) && fs.existsSync(file) && fs.statSync(file).isFile();
  if (!ok) return send(res, 404, 'not found');
  res.writeHead(200, { 'Content-Type': MIME[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store' });
  res.end(fs.readFileSync(file));
}

function sendError(res, err, requestId) {
  if (!(err instanceof APIError)) {
    err = new APIError('InternalError', String(err && err.message));
  }
  const status = STATUS[err.code] || 500;
  send(res, status, JSON.stringify({ error: { code: err.code, message: err.message, requestId, ...err.extra } }), { 'Content-Type': 'application/json' });
}

function reply(res, r) {
  if (!r) return false;
  if (r === 'reset') {
    res.socket.destroy();
    return true;
  }
  send(res, r.status, r.body || '', r.headers);
  return true;
}

function send(res, status, body, headers) {
  res.writeHead(status, headers || {});
  res.end(body);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** parseMultipart is just enough multipart/form-data parsing to check what a client sent. */
export function parseMultipart(contentType, body) {
  const m = /boundary=(.+)$/.exec(contentType || '');
  if (!m) return { error: 'not multipart' };
  const sep = Buffer.from('--' + m[1]);
  const fields = {};
  const names = [];
  let file = null;
  let pos = body.indexOf(sep);
  while (pos >= 0) {
    const start = pos + sep.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(sep, start);
    if (next < 0) break;
    const part = body.subarray(start + 2, next - 2);
    const headEnd = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, headEnd).toString('utf8');
    const content = part.subarray(headEnd + 4);
    const name = /name="([^"]*)"/.exec(head)[1];
    names.push(name);
    if (/filename="/.test(head)) file = { name: /filename="([^"]*)"/.exec(head)[1], size: content.length, content };
    else fields[name] = content.toString('utf8');
    pos = next;
  }
  return { fields, file, fileLast: names[names.length - 1] === 'file' };
}
