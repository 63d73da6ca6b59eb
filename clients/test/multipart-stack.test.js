// Multipart uploads through the mini-program module (wx shim: real file
// reads, real HTTP) against the REAL local stack: the compiled sign and
// record functions under the FC emulator and the strict local OSS endpoint
// (go run ./local -ready-json), with a multipart profile. OSS traffic
// crosses a recording proxy (recorder.js: the sign function hands out its
// address), which observes, holds or fakes the requests a test picks.
// fake-server.js tests the client's logic fast; this file shows the same
// behaviours on the real server.
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createWxUploader, createAbort } from '../miniprogram/ossgate-upload.js';
import { STORAGE_PREFIX } from '../core/resume.js';
import { createWx } from './wx-shim.js';
import { getObject } from './stack.js';
import { PART, mp4, startMultipartStack } from './mp-stack.js';
import { png } from './fixtures.js';
import { resultOf, runChild } from './mp-run.js';

const KiB = 1024;
const MiB = 1024 * KiB;

let env;
let stack;
let rec;
let dir;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossgate-mp-stack-'));
  env = await startMultipartStack();
  ({ stack, rec } = env);
});
after(async () => {
  if (env) await env.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => rec.reset());

let fileNo = 0;
function makeFile(size, name) {
  const p = path.join(dir, name || `m${++fileNo}.mp4`);
  const bytes = mp4(size);
  fs.writeFileSync(p, bytes);
  return { path: p, size, bytes };
}

/** uploader makes a mini-program uploader for user over a fresh (or given) wx shim. */
function uploader(user, opts = {}) {
  const wx = opts.wx || createWx();
  const up = createWxUploader({ wx, signUrl: stack.signURL + '/sign', profile: 'video', getToken: () => stack.token(user), baseDelayMs: 20, timeoutMs: 20_000, ...opts });
  return { up, wx };
}

/** api calls the sign function's multipart API: route with body as user's JSON {method} request; → {status, json}. */
async function api({ user, route, body, method = 'POST' }) {
  const res = await fetch(stack.signURL + route, {
    method,
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + stack.token(user) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

/** putPart PUTs body to a part's URL with headers (the part's own by default): {status, text}. */
async function putPart(part, body, headers = part.headers) {
  const res = await fetch(part.url, { method: 'PUT', headers, body });
  return { status: res.status, text: await res.text() };
}

/** records waits until GET /uploads shows user a record of key (10 s at most) and returns user's records of key. */
async function recordsOf(user, key) {
  for (let i = 0; i < 200; i++) {
    const res = await fetch(stack.signURL + '/uploads?limit=100', { headers: { Authorization: 'Bearer ' + stack.token(user) } });
    const { records } = await res.json();
    const mine = records.filter((r) => r.key === key);
    if (mine.length) return mine;
    await new Promise((r) => setTimeout(r, 50));
  }
  return [];
}

const okPuts = () => rec.log.filter((e) => e.method === 'PUT' && e.status === 200);
const storageKeys = (wx) => new Promise((resolve) => wx.getStorageInfo({ success: (r) => resolve(r.keys.filter((k) => k.startsWith(STORAGE_PREFIX))) }));

describe('multipart on the real stack', { timeout: 240_000 }, () => {
  test('a MultipartRequired answer sends the big file of a batch by multipart, the small by form; the object and its record are right', async () => {
    const { up, wx } = uploader('alice', { profile: 'video' });
    const small = makeFile(50 * KiB);
    const big = makeFile(7 * PART + 123);
    const [rs, rb] = await up.upload([small, big]);
    assert.ok(rs.ok && rb.ok, JSON.stringify([rs.error, rb.error]));
    assert.equal(rs.multipart, undefined);
    assert.equal(rb.multipart.partCount, 8);
    const signCalls = wx.calls.filter((c) => c.api === 'request' && c.url.endsWith('/sign'));
    assert.equal(signCalls.length, 2, 'the batch, then the small file again: ' + JSON.stringify(wx.calls.filter((c) => c.api === 'request').map((c) => [c.method, c.url])));
    assert.deepEqual(okPuts().map((e) => e.partNumber).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8]);
    const got = await getObject(stack, rb.key);
    assert.equal(got.status, 200);
    assert.ok(got.body.equals(big.bytes), 'object bytes');
    assert.equal(got.headers.get('content-type'), 'video/mp4');
    assert.match(rb.etag, /^[0-9A-F]{32}-8$/);
    const [r] = await recordsOf('alice', rb.key);
    assert.deepEqual([r.size, r.etag, r.status, r.uploader, r.originalName], [big.size, rb.etag, 'ok', 'alice', path.basename(big.path)]);
    // The threshold is learnt: the next big file asks /sign nothing.
    const r2 = await up.uploadFile(makeFile(3 * PART));
    assert.ok(r2.multipart);
    assert.equal(wx.calls.filter((c) => c.api === 'request' && c.url.endsWith('/sign')).length, 2);
  });

  test('each part crosses the wire with exactly its bytes and the signed Content-Type; at most partConcurrency in flight; progress never goes back', async () => {
    rec.hooks.before = (req) => (req.method === 'PUT' ? { delayMs: 30 } : undefined);
    const { up } = uploader('bob', { multipartThreshold: 1, partConcurrency: 2 });
    const f = makeFile(9 * PART + 77);
    const events = [];
    const r = await up.uploadFile(f, { onProgress: (p) => events.push(p) });
    const puts = rec.log.filter((e) => e.method === 'PUT');
    assert.equal(puts.length, 10);
    for (const e of puts) {
      const want = e.partNumber < 10 ? PART : 77;
      assert.deepEqual([e.contentLength, e.received, e.contentType, e.status], [want, want, 'application/octet-stream', 200], `part ${e.partNumber}`);
      assert.equal(e.uploadId, r.multipart.uploadId);
    }
    assert.equal(rec.maxInFlight, 2);
    for (let i = 1; i < events.length; i++) assert.ok(events[i].loaded >= events[i - 1].loaded);
    assert.deepEqual([events.at(-1).loaded, events.at(-1).percent], [f.size, 100]);
    assert.ok(events.slice(0, -1).every((e) => e.percent < 100));
    assert.ok((await getObject(stack, r.key)).body.equals(f.bytes));
  });

  test('OSS refuses a part of another size or Content-Type (SignatureDoesNotMatch), and a part URL after its expiry', async () => {
    const { json } = await api({ user: 'carol', route: '/uploads/multipart', body: { profile: 'short', file: { name: 'a.mp4', type: 'video/mp4', size: 3 * PART } } });
    const p = json.upload.parts[0];
    assert.deepEqual(p.headers, { 'Content-Type': 'application/octet-stream' });
    for (const [what, body, headers] of [
      ['one byte short', Buffer.alloc(PART - 1), undefined],
      ['one byte more', Buffer.alloc(PART + 1), undefined],
      ['wx.request\'s default content-type', Buffer.alloc(PART), { 'Content-Type': 'application/json' }],
    ]) {
      const res = await putPart(p, body, headers);
      assert.equal(res.status, 403, what);
      assert.match(res.text, /<Code>SignatureDoesNotMatch<\/Code>/, what);
    }
    assert.ok(Date.parse(p.expiresAt) - Date.now() <= 2000, 'the profile\'s 2 s expiry');
    await new Promise((r) => setTimeout(r, Date.parse(p.expiresAt) - Date.now() + 1100));
    const late = await putPart(p, Buffer.alloc(PART));
    assert.equal(late.status, 403);
    assert.match(late.text, /<Code>AccessDenied<\/Code>/);
    assert.match(late.text, /expired/i);
  });

  test('a part held past its URL\'s expiry is refused by OSS; the client asks fresh URLs and completes', async () => {
    let held = false;
    rec.hooks.before = (req, e) => {
      if (req.method === 'PUT' && e.partNumber === 2 && !held) {
        held = true;
        return { delayMs: 3200 };
      }
    };
    const { up, wx } = uploader('dave', { profile: 'short', multipartThreshold: 1, partConcurrency: 1 });
    const f = makeFile(4 * PART);
    const r = await up.uploadFile(f);
    const part2 = rec.log.filter((e) => e.partNumber === 2);
    assert.equal(part2[0].status, 403, 'the held PUT reached OSS after its URL expired');
    assert.equal(part2.at(-1).status, 200);
    const refresh = wx.calls.filter((c) => c.api === 'request' && c.url.endsWith('/uploads/multipart/parts'));
    assert.ok(refresh.length >= 1, 'fresh URLs asked for');
    assert.ok((await getObject(stack, r.key)).body.equals(f.bytes));
  });

  test('complete with a part missing is 409 PartsMissing naming it; the upload stays resumable and completes', async () => {
    const f = makeFile(4 * PART);
    const { json } = await api({ user: 'erin', route: '/uploads/multipart', body: { profile: 'video', file: { name: 'gap.mp4', type: 'video/mp4', size: f.size } } });
    const u = json.upload;
    for (const n of [1, 2, 4]) assert.equal((await putPart(u.parts[n - 1], f.bytes.subarray((n - 1) * PART, n * PART))).status, 200);
    const ref = { key: u.key, uploadId: u.uploadId, size: f.size };
    const missing = await api({ user: 'erin', route: '/uploads/multipart/complete', body: ref });
    assert.equal(missing.status, 409);
    assert.equal(missing.json.error.code, 'PartsMissing');
    assert.deepEqual(missing.json.error.missing, [3]);
    const resume = await api({ user: 'erin', route: '/uploads/multipart/parts', body: ref });
    assert.deepEqual([resume.json.done, resume.json.parts.map((p) => p.number), resume.json.partSize], [[1, 2, 4], [3], PART]);
    assert.equal((await putPart(resume.json.parts[0], f.bytes.subarray(2 * PART, 3 * PART))).status, 200);
    const done = await api({ user: 'erin', route: '/uploads/multipart/complete', body: ref });
    assert.equal(done.status, 200, JSON.stringify(done.json));
    assert.ok((await getObject(stack, u.key)).body.equals(f.bytes));
  });

  test('the client recovers from PartsMissing itself: a part OSS never got is sent again', async () => {
    let faked = false;
    rec.hooks.before = (req, e) => {
      if (req.method === 'PUT' && e.partNumber === 3 && !faked) {
        faked = true; // a 200 that never reached OSS
        return { reply: { status: 200, headers: { ETag: '"00000000000000000000000000000000"' } } };
      }
    };
    const { up, wx } = uploader('erin', { multipartThreshold: 1 });
    const f = makeFile(5 * PART);
    const r = await up.uploadFile(f);
    assert.equal(wx.calls.filter((c) => c.api === 'request' && c.url.endsWith('/uploads/multipart/complete')).length, 2);
    assert.deepEqual(rec.log.filter((e) => e.partNumber === 3).map((e) => e.status), [200, 200]);
    assert.ok((await getObject(stack, r.key)).body.equals(f.bytes));
  });

  test('another user can neither resume, complete nor abort an upload (403 Forbidden)', async () => {
    const { json } = await api({ user: 'frank', route: '/uploads/multipart', body: { profile: 'video', file: { name: 'mine.mp4', type: 'video/mp4', size: 3 * PART } } });
    const ref = { key: json.upload.key, uploadId: json.upload.uploadId, size: 3 * PART };
    for (const [route, method] of [['/uploads/multipart/parts', 'POST'], ['/uploads/multipart/complete', 'POST'], ['/uploads/multipart', 'DELETE']]) {
      const res = await api({ user: 'mallory', route, body: method === 'DELETE' ? { key: ref.key, uploadId: ref.uploadId } : ref, method });
      assert.deepEqual([res.status, res.json.error.code], [403, 'Forbidden'], route);
    }
    assert.equal((await api({ user: 'frank', route: '/uploads/multipart/parts', body: ref })).status, 200, 'still frank\'s');
  });

  test('abort cancels the parts in flight, DELETEs the upload (OSS forgets it) and the entry', async () => {
    rec.hooks.before = (req) => (req.method === 'PUT' ? { delayMs: 150 } : undefined);
    const { up, wx } = uploader('gina', { multipartThreshold: 1 });
    const ctl = createAbort();
    const [r] = await up.upload([makeFile(10 * PART)], { signal: ctl.signal, onProgress: (p) => p.partsDone >= 2 && ctl.abort() });
    assert.equal(r.error.code, 'Aborted');
    const del = wx.calls.filter((c) => c.method === 'DELETE');
    assert.equal(del.length, 1);
    const uploadId = rec.log.find((e) => e.uploadId).uploadId;
    const key = decodeURIComponent(rec.log.find((e) => e.uploadId).path.split('/').slice(2).join('/'));
    const gone = await api({ user: 'gina', route: '/uploads/multipart/parts', body: { key, uploadId, size: 10 * PART } });
    assert.deepEqual([gone.status, gone.json.error.code], [404, 'NoSuchUpload']);
    assert.equal((await getObject(stack, key)).status, 404);
    assert.deepEqual(await storageKeys(wx), []);
    const again = await api({ user: 'gina', route: '/uploads/multipart', body: { key, uploadId }, method: 'DELETE' });
    assert.deepEqual([again.status, again.json.error.code], [404, 'NoSuchUpload']);
  });

  test('DELETE with key and uploadId in the query (a stack that drops DELETE bodies) aborts too', async () => {
    const { json } = await api({ user: 'gina', route: '/uploads/multipart', body: { profile: 'video', file: { name: 'q.mp4', type: 'video/mp4', size: 3 * PART } } });
    const q = new URLSearchParams({ key: json.upload.key, uploadId: json.upload.uploadId });
    const res = await fetch(`${stack.signURL}/uploads/multipart?${q}`, { method: 'DELETE', headers: { Authorization: 'Bearer ' + stack.token('gina') } });
    assert.equal(res.status, 204);
    const gone = await api({ user: 'gina', route: '/uploads/multipart/parts', body: { key: json.upload.key, uploadId: json.upload.uploadId, size: 3 * PART } });
    assert.equal(gone.status, 404);
  });

  test('paused with keepOnAbort: resumed by a new uploader (the app restarted) without re-sending stored parts; discard aborts', async () => {
    rec.hooks.before = (req) => (req.method === 'PUT' ? { delayMs: 80 } : undefined);
    const storageFile = path.join(dir, 'pause.json');
    const { up } = uploader('hana', { multipartThreshold: 1, wx: createWx({ storageFile }) });
    const f = makeFile(8 * PART);
    const ctl = createAbort();
    await up.upload([f], { signal: ctl.signal, keepOnAbort: true, onProgress: (p) => p.partsDone >= 2 && ctl.abort() });
    await new Promise((r) => setTimeout(r, 300)); // the cut-off PUTs settle
    const storedBefore = new Set(okPuts().map((e) => e.partNumber));
    const n = rec.log.length;
    rec.hooks = {};
    const { up: up2 } = uploader('hana', { wx: createWx({ storageFile }) });
    assert.equal((await up2.pending()).length, 1);
    const r = await up2.uploadFile(f);
    assert.equal(r.multipart.resumed, true);
    for (const e of rec.log.slice(n)) assert.ok(!storedBefore.has(e.partNumber), `part ${e.partNumber} sent again`);
    assert.ok((await getObject(stack, r.key)).body.equals(f.bytes));
    assert.deepEqual(await up2.pending(), []);

    rec.hooks.before = (req) => (req.method === 'PUT' ? { delayMs: 80 } : undefined);
    const ctl3 = createAbort();
    await up2.upload([makeFile(8 * PART)], { signal: ctl3.signal, keepOnAbort: true, onProgress: (p) => p.partsDone >= 1 && ctl3.abort() });
    const [p3] = await up2.pending();
    await up2.discard(p3);
    assert.deepEqual(await up2.pending(), []);
    const gone = await api({ user: 'hana', route: '/uploads/multipart/parts', body: { key: p3.key, uploadId: p3.uploadId, size: p3.size } });
    assert.equal(gone.status, 404);
  });

  test('an entry whose upload OSS no longer has (reaped) is dropped and a new upload completes', async () => {
    rec.hooks.before = (req) => (req.method === 'PUT' ? { delayMs: 80 } : undefined);
    const storageFile = path.join(dir, 'reaped.json');
    const { up } = uploader('ivan', { multipartThreshold: 1, wx: createWx({ storageFile }) });
    const f = makeFile(6 * PART);
    const ctl = createAbort();
    await up.upload([f], { signal: ctl.signal, keepOnAbort: true, onProgress: (p) => p.partsDone >= 1 && ctl.abort() });
    const [p] = await up.pending();
    assert.equal((await api({ user: 'ivan', route: '/uploads/multipart', body: { key: p.key, uploadId: p.uploadId }, method: 'DELETE' })).status, 204); // as the sweep would
    rec.hooks = {};
    const r = await up.uploadFile(f);
    assert.equal(r.multipart.resumed, false);
    assert.notEqual(r.key, p.key);
    assert.ok((await getObject(stack, r.key)).body.equals(f.bytes));
  });

  test('two completes racing: one object, one record', async () => {
    const f = makeFile(3 * PART);
    const { json } = await api({ user: 'jack', route: '/uploads/multipart', body: { profile: 'video', file: { name: 'race.mp4', type: 'video/mp4', size: f.size } } });
    const u = json.upload;
    for (const p of u.parts) assert.equal((await putPart(p, f.bytes.subarray((p.number - 1) * PART, (p.number - 1) * PART + p.size))).status, 200);
    const ref = { key: u.key, uploadId: u.uploadId, size: f.size };
    const answers = await Promise.all([0, 1, 2, 3].map(() => api({ user: 'jack', route: '/uploads/multipart/complete', body: ref })));
    const codes = answers.map((a) => (a.status === 200 ? 200 : `${a.status} ${a.json.error.code}`));
    assert.ok(codes.includes(200), `answers: ${codes}`);
    for (const c of codes) assert.ok([200, '404 NoSuchUpload', '409 PartsMissing'].includes(c), `answer ${c}`);
    for (const a of answers.filter((x) => x.status === 200)) assert.equal(a.json.etag, answers.find((x) => x.status === 200).json.etag);
    assert.ok((await getObject(stack, u.key)).body.equals(f.bytes));
    await recordsOf('jack', u.key);
    await new Promise((r) => setTimeout(r, 1000)); // a second event would have been recorded by now
    assert.equal((await recordsOf('jack', u.key)).length, 1, 'one record');
  });

  test('over 100 parts: part URLs come in batches of at most 100', async () => {
    const { up, wx } = uploader('kim', { multipartThreshold: 1, partConcurrency: 4 });
    const f = makeFile(230 * PART + 17);
    const r = await up.uploadFile(f);
    assert.equal(r.multipart.partCount, 231);
    const asked = wx.calls.filter((c) => c.api === 'request' && c.url.endsWith('/uploads/multipart/parts'));
    assert.ok(asked.length >= 2, `${asked.length} /parts calls`);
    assert.equal(okPuts().length, 231);
    assert.ok((await getObject(stack, r.key)).body.equals(f.bytes));
  });

  test('multipartThreshold on a profile without multipart: MultipartNotAllowed, then a form upload', async () => {
    const { up, wx } = uploader('lena', { profile: 'photo', multipartThreshold: 1000 });
    const p = path.join(dir, 'p.png');
    const bytes = png(40, 40, { noise: true });
    fs.writeFileSync(p, bytes);
    const r = await up.uploadFile({ path: p, size: bytes.length });
    assert.equal(r.multipart, undefined);
    assert.equal(wx.calls.filter((c) => c.api === 'request' && c.url.endsWith('/uploads/multipart')).length, 1);
    assert.ok((await getObject(stack, r.key)).body.equals(bytes));
  });
});

describe('a mini-program killed mid-upload, on the real stack', { timeout: 120_000 }, () => {
  for (const conc of [1, 3]) {
    test(`partConcurrency ${conc}: SIGKILLed after 6 stored parts, started again: resumes from done; stored parts never re-sent; ≤ ${conc} part(s) of bytes lost`, async () => {
      rec.hooks.before = (req) => (req.method === 'PUT' ? { delayMs: 60 } : undefined);
      const f = makeFile(20 * PART + 31);
      const storageFile = path.join(dir, `kill-${conc}.json`);
      const cfg = { signUrl: stack.signURL + '/sign', profile: 'video', path: f.path, size: f.size, storageFile, partConcurrency: conc, multipartThreshold: 1 };
      const first = runChild(cfg);
      for (let i = 0; i < 600 && okPuts().length < 6; i++) await new Promise((r) => setTimeout(r, 10));
      first.child.kill('SIGKILL');
      const ex = await first.exited;
      assert.equal(ex.signal, 'SIGKILL', ex.stderr);
      await new Promise((r) => setTimeout(r, 300)); // the cut-off PUTs settle
      const before = rec.log.slice();
      const stored = new Set(before.filter((e) => e.method === 'PUT' && e.status === 200).map((e) => e.partNumber));
      assert.ok(stored.size >= 6);
      const second = runChild(cfg);
      const result = await resultOf(second);
      assert.equal(result.multipart.resumed, true);
      const after = rec.log.slice(before.length).filter((e) => e.method === 'PUT');
      for (const e of after) assert.ok(!stored.has(e.partNumber), `part ${e.partNumber} stored before the kill and sent again`);
      const lost = before.filter((e) => e.method === 'PUT' && e.status !== 200).reduce((a, e) => a + e.received, 0);
      assert.ok(lost <= conc * PART, `bytes lost at the kill ${lost}, bound ${conc * PART}`);
      assert.equal(second.lines.find((l) => l.type === 'progress').loaded, stored.size * PART);
      assert.ok((await getObject(stack, result.key)).body.equals(f.bytes));
      assert.deepEqual(Object.keys(JSON.parse(fs.readFileSync(storageFile, 'utf8'))), []);
    });
  }

  test('memory: part buffers alive at once ≤ parts in flight × part size, on the real stack', async () => {
    const f = makeFile(30 * PART);
    const cfg = { signUrl: stack.signURL + '/sign', profile: 'video', path: f.path, size: f.size, storageFile: path.join(dir, 'mem.json'), partConcurrency: 3, multipartThreshold: 1, measure: true };
    const run = runChild(cfg, ['--expose-gc']);
    const ex = await run.exited;
    assert.equal(ex.code, 0, ex.stderr);
    const reads = run.lines.filter((l) => l.type === 'read');
    assert.equal(reads.length, 30);
    const maxLive = Math.max(...reads.map((r) => r.liveBytes));
    assert.ok(maxLive <= 3 * PART, `live part bytes ${maxLive}`);
    assert.ok(Math.max(...reads.map((r) => r.arrayBuffers)) <= 3 * PART + MiB);
  });
});
