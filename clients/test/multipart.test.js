// Multipart uploads through the mini-program module and the wx shim (real
// file reads with position/length, real HTTP PUTs) against the fake sign
// function and OSS (fake-server.js, fake-oss.js), which check every part as
// OSS does. Only the base URL ties these tests to the fake.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createWxUploader, createAbort } from '../miniprogram/ossgate-upload.js';
import { partSchedule } from '../core/part-schedule.js';
import { multipartUrlFor } from '../core/multipart-api.js';
import { createLimiter } from '../core/pool.js';
import { STORAGE_PREFIX } from '../core/resume.js';
import { startFake } from './fake-server.js';
import { createWx } from './wx-shim.js';
import { resultOf, runChild } from './mp-run.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const PART = 100 * KiB; // the smallest part size OSS allows

const PROFILES = {
  video: { types: ['video/mp4'], maxSize: 256 * MiB, multipart: { partSize: PART, threshold: 3 * PART } },
  photo: { types: ['image/png'], maxSize: MiB }, // no multipart
};

let dir;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossgate-mp-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

let fileNo = 0;
/** makeFile writes size random bytes to a new file and returns {path, size, bytes}. */
function makeFile(size, name) {
  const p = path.join(dir, name || `f${++fileNo}.mp4`);
  const bytes = crypto.randomBytes(size);
  fs.writeFileSync(p, bytes);
  return { path: p, size, bytes };
}

/** setup starts a fake server and a mini-program uploader over a fresh wx shim; sleeps are recorded, not waited. */
async function setup(t, { fake: fakeOpts = {}, up: upOpts = {}, wx: wxOpts = {} } = {}) {
  const fake = await startFake({ profiles: PROFILES, ...fakeOpts });
  t.after(fake.close);
  const sleeps = [];
  const wx = createWx(wxOpts);
  const up = createWxUploader({
    wx,
    signUrl: fake.signUrl,
    profile: 'video',
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...upOpts,
  });
  return { fake, up, wx, sleeps };
}

const stored = (fake, key) => fake.oss.objects.get(key);
const okPuts = (fake) => fake.oss.puts.filter((p) => p.status === 200);
const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');
const storageKeys = (wx) =>
  new Promise((resolve) => wx.getStorageInfo({ success: (r) => resolve(r.keys.filter((k) => k.startsWith(STORAGE_PREFIX))) }));

describe('schedule', () => {
  test('partSchedule: ceil(size/partSize) parts, all partSize bytes but the last', async (t) => {
    const cases = [
      { size: 1, partSize: PART, count: 1, sizes: [1] },
      { size: PART, partSize: PART, count: 1, sizes: [PART] },
      { size: PART + 1, partSize: PART, count: 2, sizes: [PART, 1] },
      { size: 3 * PART, partSize: PART, count: 3, sizes: [PART, PART, PART] },
      { size: 5 * MiB * 10000, partSize: 5 * MiB, count: 10000, last: 5 * MiB },
      { size: 300 * MiB + 7, partSize: 5 * MiB, count: 61, last: 7 },
    ];
    for (const c of cases) {
      await t.test(`${c.size} in parts of ${c.partSize}`, () => {
        const s = partSchedule(c.size, c.partSize);
        assert.equal(s.partCount, c.count);
        if (c.sizes) assert.deepEqual(Array.from({ length: s.partCount }, (_, i) => s.sizeOf(i + 1)), c.sizes);
        if (c.last !== undefined) assert.equal(s.sizeOf(s.partCount), c.last);
        let total = 0;
        for (let n = 1; n <= s.partCount; n++) {
          assert.equal(s.start(n), total, `start of part ${n}`);
          total += s.sizeOf(n);
        }
        assert.equal(total, c.size);
      });
    }
  });

  test('multipartUrlFor', () => {
    assert.equal(multipartUrlFor('https://fc.example.com/sign'), 'https://fc.example.com/uploads/multipart');
    assert.equal(multipartUrlFor('https://fc.example.com/api/'), 'https://fc.example.com/api/uploads/multipart');
  });

  test('createLimiter hands out at most limit slots, first come first served, and drops aborted waiters', async () => {
    const lim = createLimiter(2);
    const order = [];
    const r1 = await lim.acquire();
    const r2 = await lim.acquire();
    const ctl = createAbort();
    const w3 = lim.acquire().then((rel) => (order.push(3), rel));
    const w4 = lim.acquire(ctl.signal).then(() => order.push(4), (e) => order.push('4:' + e.code));
    const w5 = lim.acquire().then((rel) => (order.push(5), rel));
    assert.equal(lim.inUse(), 2);
    ctl.abort();
    await w4;
    r1();
    r1(); // twice frees once
    const rel3 = await w3;
    assert.equal(lim.inUse(), 2);
    r2();
    const rel5 = await w5;
    assert.deepEqual(order, ['4:Aborted', 3, 5]);
    rel3();
    rel5();
    assert.equal(lim.inUse(), 0);
  });
});

describe('choosing multipart', () => {
  test('a MultipartRequired answer switches the big file of a batch to multipart; the small one goes by form', async (t) => {
    const { fake, up } = await setup(t);
    const small = makeFile(10 * KiB);
    const big = makeFile(7 * PART + 123);
    const states = [[], []];
    const results = await up.upload([small, big], { onState: (s) => states[s.index].push(s.state) });
    assert.deepEqual(results.map((r) => r.ok), [true, true], JSON.stringify(results.map((r) => r.error)));
    assert.equal(fake.signs.length, 2, 'the batch, then the small file again');
    assert.deepEqual(fake.signs[1].files.map((f) => f.size), [small.size]);
    assert.equal(fake.uploads.length, 1, 'one form upload');
    assert.equal(fake.mp.creates.length, 1, 'one multipart upload');
    assert.deepEqual(fake.mp.creates[0], { profile: 'video', file: { name: path.basename(big.path), type: 'video/mp4', size: big.size } });
    assert.equal(results[1].multipart.partCount, 8);
    assert.equal(sha(stored(fake, results[1].key).content), sha(big.bytes), 'object bytes');
    assert.deepEqual(states[1], ['signing', 'uploading', 'done']);

    // The threshold is learnt: the next big file asks /sign nothing.
    const big2 = makeFile(3 * PART);
    const r2 = await up.uploadFile(big2);
    assert.equal(fake.signs.length, 2, 'no /sign for a file at the learnt threshold');
    assert.ok(r2.multipart);
    // Below it, /sign as before.
    const r3 = await up.uploadFile(makeFile(3 * PART - 1));
    assert.equal(r3.multipart, undefined);
    assert.equal(fake.signs.length, 3);
  });

  test('multipartThreshold sends a file straight to multipart; a smaller one still asks /sign', async (t) => {
    const { fake, up } = await setup(t, { up: { multipartThreshold: 2 * PART } });
    const r = await up.uploadFile(makeFile(2 * PART)); // below the server's threshold: multipart is allowed anyway
    assert.equal(fake.signs.length, 0);
    assert.equal(r.multipart.partCount, 2);
    await up.uploadFile(makeFile(2 * PART - 1));
    assert.equal(fake.signs.length, 1);
  });

  test('multipartThreshold on a profile without multipart falls back to a form upload', async (t) => {
    const { fake, up } = await setup(t, { up: { profile: 'photo', multipartThreshold: 1000 } });
    const f = makeFile(5000, 'p.png');
    const r = await up.uploadFile(f);
    assert.equal(r.multipart, undefined);
    assert.equal(fake.mp.creates.length, 1, 'asked once');
    assert.equal(fake.uploads.length, 1, 'then posted');
    await up.uploadFile(makeFile(5000, 'q.png'));
    assert.equal(fake.mp.creates.length, 1, 'the profile is remembered as form-only');
  });

  test('an empty file never goes multipart', async (t) => {
    const { fake, up } = await setup(t, { up: { multipartThreshold: 1 } });
    const p = path.join(dir, 'empty.mp4');
    fs.writeFileSync(p, '');
    await up.uploadFile({ path: p, size: 0 });
    assert.equal(fake.mp.creates.length, 0);
  });
});

describe('parts', () => {
  test('each part is read at its offset and PUT with exactly its bytes and the signed Content-Type', async (t) => {
    const { fake, up, wx } = await setup(t, { up: { multipartThreshold: 1 } });
    const f = makeFile(5 * PART + 999);
    const r = await up.uploadFile(f);
    const sched = partSchedule(f.size, PART);
    const reads = wx.calls.filter((c) => c.api === 'readFile').sort((a, b) => a.position - b.position);
    assert.deepEqual(reads.map((c) => [c.position, c.length]), Array.from({ length: 6 }, (_, i) => [sched.start(i + 1), sched.sizeOf(i + 1)]));
    const puts = wx.calls.filter((c) => c.api === 'request' && c.method === 'PUT');
    assert.equal(puts.length, 6);
    for (const c of puts) {
      assert.deepEqual(c.header, { 'content-type': 'application/octet-stream' }, 'exactly the signed header, under wx\'s own name');
      const n = Number(new URL(c.url).searchParams.get('partNumber'));
      assert.equal(c.bytes, sched.sizeOf(n), `bytes of part ${n}`);
    }
    assert.ok(fake.oss.puts.every((p) => p.contentType === 'application/octet-stream'));
    const obj = stored(fake, r.key);
    assert.equal(sha(obj.content), sha(f.bytes));
    assert.equal(r.etag, obj.etag.replace(/"/g, ''), 'the ETag, unquoted');
    assert.equal(r.size, f.size);
  });

  test('without the signed Content-Type, wx.request would send its own and OSS would refuse the part', async (t) => {
    // The control for the test above: a transport that forgets the header.
    const { fake, wx } = await setup(t);
    const res = await fetch(fake.url + '/uploads/multipart', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ profile: 'video', file: { name: 'a.mp4', type: 'video/mp4', size: 10 } }),
    });
    const part = (await res.json()).upload.parts[0];
    const answer = await new Promise((resolve) =>
      wx.request({ url: part.url, method: 'PUT', data: new ArrayBuffer(10), dataType: 'text', success: resolve, fail: resolve }),
    );
    assert.equal(answer.statusCode, 403);
    assert.match(answer.data, /<Code>SignatureDoesNotMatch<\/Code>/);
  });

  for (const limit of [1, 3]) {
    test(`at most partConcurrency=${limit} parts are in flight`, async (t) => {
      const { fake, up } = await setup(t, { up: { multipartThreshold: 1, partConcurrency: limit }, fake: { holdParts: limit, partDelayMs: 20 } });
      await up.uploadFile(makeFile(12 * PART));
      assert.equal(fake.oss.maxInFlight, limit);
    });
  }

  test('the bound holds across files: two files, partConcurrency 2, never more than 2 parts in flight', async (t) => {
    const { fake, up } = await setup(t, { up: { multipartThreshold: 1, partConcurrency: 2, concurrency: 2 }, fake: { holdParts: 2, partDelayMs: 25 } });
    const results = await up.upload([makeFile(6 * PART), makeFile(6 * PART)]);
    assert.ok(results.every((r) => r.ok));
    assert.equal(fake.oss.maxInFlight, 2);
  });

  test('progress is in bytes across parts, never goes back, and reaches 100 only when the upload completed', async (t) => {
    const { fake, up } = await setup(t, { up: { multipartThreshold: 1 }, fake: { partDelayMs: 5 } });
    fake.oss.script.put.push({ dropAfter: 30 * KiB }); // a retried part must not move the bar back
    const f = makeFile(9 * PART + 5);
    const events = [];
    let completeCalls = 0;
    const r = await up.uploadFile(f, {
      onProgress: (p) => events.push({ ...p, completes: (completeCalls = fake.mp.completes.length) }),
    });
    assert.ok(r.ok);
    assert.ok(events.length >= 10, `events: ${events.length}`);
    for (let i = 1; i < events.length; i++) {
      assert.ok(events[i].loaded >= events[i - 1].loaded, `loaded goes back at ${i}: ${events[i - 1].loaded} → ${events[i].loaded}`);
      assert.ok(events[i].percent >= events[i - 1].percent);
    }
    const last = events[events.length - 1];
    assert.deepEqual([last.loaded, last.total, last.percent, last.partsDone, last.partCount], [f.size, f.size, 100, 10, 10]);
    assert.ok(events.slice(0, -1).every((e) => e.percent < 100));
    assert.deepEqual([events[events.length - 2].completes, last.completes], [0, 1], 'the 100 comes after complete');
    const doneCounts = events.map((e) => e.partsDone);
    assert.deepEqual([...new Set(doneCounts)], Array.from({ length: 11 }, (_, i) => i), 'every part counted once');
  });

  test('a connection dropped mid-part and one reset are retried; each part is stored once', async (t) => {
    const { fake, up, sleeps } = await setup(t, { up: { multipartThreshold: 1, partConcurrency: 1, random: () => 0.999 } });
    fake.oss.script.put.push(null, { dropAfter: 40 * KiB }, 'reset');
    const states = [];
    const f = makeFile(4 * PART);
    const r = await up.uploadFile(f, { onState: (s) => states.push(s.state + (s.part ? ':' + s.part + ':' + s.error.code : '')) });
    assert.equal(sha(stored(fake, r.key).content), sha(f.bytes));
    assert.deepEqual(fake.oss.puts.map((p) => p.number), [1, 2, 2, 2, 3, 4]);
    assert.equal(fake.oss.puts[1].code, 'dropped');
    assert.ok(fake.oss.puts[1].received >= 40 * KiB && fake.oss.puts[1].received < PART, `received ${fake.oss.puts[1].received}`);
    assert.deepEqual(states, ['signing', 'uploading', 'retrying:2:NetworkError', 'uploading', 'retrying:2:NetworkError', 'uploading', 'done']);
    assert.equal(sleeps.length, 2);
    assert.ok(sleeps[1] > sleeps[0], `growing backoff: ${sleeps}`);
    assert.equal(okPuts(fake).length, 4);
  });

  test('a part that keeps failing fails the upload after partMaxAttempts, with OSS\'s error; the upload stays resumable', async (t) => {
    const { fake, up, wx } = await setup(t, { up: { multipartThreshold: 1, partConcurrency: 1, partMaxAttempts: 3 } });
    const busy = { status: 503, headers: { 'Content-Type': 'application/xml' }, body: '<?xml version="1.0"?><Error><Code>ServiceUnavailable</Code><Message>Please reduce your request rate.</Message><RequestId>RID-503</RequestId></Error>' };
    fake.oss.script.put.push(null, busy, busy, busy);
    const f = makeFile(3 * PART);
    const [r] = await up.upload([f]);
    assert.equal(r.ok, false);
    assert.deepEqual(r.error.toJSON(), { code: 'ServiceUnavailable', message: 'Please reduce your request rate.', status: 503, requestId: 'RID-503' });
    assert.equal(fake.oss.puts.length, 4, 'part 1, then part 2 three times');
    assert.equal((await storageKeys(wx)).length, 1, 'resume entry kept');
    const again = await up.uploadFile(f);
    assert.ok(again.multipart.resumed);
    assert.equal(fake.mp.creates.length, 1);
    assert.equal(okPuts(fake).filter((p) => p.number === 1).length, 1, 'part 1 is not sent again');
    assert.equal(sha(stored(fake, again.key).content), sha(f.bytes));
    assert.deepEqual(await storageKeys(wx), [], 'entry removed once complete');
  });

  test('a final OSS refusal of a part is not retried and keeps the error shape', async (t) => {
    const { fake, up, sleeps } = await setup(t, { up: { multipartThreshold: 1, partConcurrency: 1 } });
    fake.oss.script.put.push({ status: 403, body: '<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match.</Message><RequestId>R403</RequestId></Error>' });
    await assert.rejects(up.uploadFile(makeFile(3 * PART)), { code: 'SignatureDoesNotMatch', status: 403, requestId: 'R403' });
    assert.deepEqual(sleeps, []);
    assert.equal(fake.oss.puts.length, 1);
  });
});

describe('part URL expiry', () => {
  test('a part URL OSS calls expired is replaced by a fresh one from /parts', async (t) => {
    const { fake, up } = await setup(t, { up: { multipartThreshold: 1 } });
    const f = makeFile(5 * PART);
    const r = await up.uploadFile(f, {
      // Once the upload exists, OSS's clock (and the signer's) jumps past the URLs' 15 minutes; the client's does not.
      onState: (s) => s.state === 'uploading' && s.multipart && (fake.oss.clockOffsetMs = 16 * 60_000),
    });
    const expired = fake.oss.puts.filter((p) => p.status === 403);
    assert.ok(expired.length >= 1, 'OSS refused the stale URLs');
    assert.ok(expired.every((p) => p.code === 'AccessDenied'));
    const refreshes = fake.mp.partsCalls.filter((c) => c.parts);
    assert.ok(refreshes.length >= 1 && refreshes.length <= 3, `refresh calls: ${refreshes.length}`);
    assert.ok(refreshes[0].parts.length >= 2, 'one call fetches the URLs the other parts will need too');
    assert.equal(sha(stored(fake, r.key).content), sha(f.bytes));
    assert.equal(okPuts(fake).length, 5);
  });

  test('a part URL about to expire is replaced before it is used', async (t) => {
    let skew = 0;
    const { fake, up } = await setup(t, { up: { multipartThreshold: 1, partConcurrency: 2, now: () => Date.now() + skew } });
    const f = makeFile(4 * PART);
    await up.uploadFile(f, { onState: (s) => s.state === 'uploading' && s.multipart && (skew = 15 * 60_000 - 500) });
    assert.equal(fake.oss.puts.filter((p) => p.status !== 200).length, 0, 'no part was refused');
    const refreshes = fake.mp.partsCalls.filter((c) => c.parts);
    assert.equal(refreshes.length, 1, 'one /parts call for all four');
    assert.deepEqual([...refreshes[0].parts].sort(), [1, 2, 3, 4]);
  });

  test('a client clock a day ahead does not ask for fresh URLs part after part', async (t) => {
    const { fake, up } = await setup(t, { up: { multipartThreshold: 1, now: () => Date.now() + 86_400_000 } });
    await up.uploadFile(makeFile(8 * PART));
    assert.ok(fake.mp.partsCalls.length <= 2, `parts calls: ${fake.mp.partsCalls.length}`);
  });

  test('more than 100 parts: the URLs beyond the first answer come from /parts, 100 at most per call', async (t) => {
    const { fake, up } = await setup(t, { up: { multipartThreshold: 1, partConcurrency: 4 } });
    const big = makeFile(PART * 230 + 17);
    const r = await up.uploadFile(big);
    assert.equal(r.multipart.partCount, 231);
    const calls = fake.mp.partsCalls.filter((c) => c.parts);
    assert.ok(calls.every((c) => c.parts.length <= 100));
    assert.deepEqual(calls.flatMap((c) => c.parts).sort((a, b) => a - b), Array.from({ length: 131 }, (_, i) => i + 101));
    assert.equal(sha(stored(fake, r.key).content), sha(big.bytes));
  });
});

describe('completion', () => {
  test('a part OSS lost is found by ListParts after PartsMissing, sent again, and the upload completes', async (t) => {
    const { fake, up } = await setup(t, { up: { multipartThreshold: 1 } });
    fake.oss.lose[2] = 1;
    const f = makeFile(4 * PART);
    const r = await up.uploadFile(f);
    assert.equal(fake.mp.completes.length, 2);
    assert.deepEqual(fake.oss.puts.map((p) => p.number).filter((n) => n === 2).length, 2);
    assert.equal(sha(stored(fake, r.key).content), sha(f.bytes));
  });

  test('PartsMissing that persists is surfaced with the missing parts, and the upload stays resumable', async (t) => {
    const { fake, up, wx } = await setup(t, { up: { multipartThreshold: 1 } });
    fake.oss.lose[3] = 2;
    const f = makeFile(4 * PART);
    const states = [];
    const [r] = await up.upload([f], { onState: (s) => states.push(s.state) });
    assert.equal(r.ok, false);
    assert.equal(r.error.code, 'PartsMissing');
    assert.equal(r.error.status, 409);
    assert.deepEqual(r.error.details.missing, [3]);
    assert.match(r.error.message, /missing/);
    assert.ok(r.error.requestId);
    assert.equal(states[states.length - 1], 'failed');
    assert.equal((await storageKeys(wx)).length, 1);
    const again = await up.uploadFile(f);
    assert.ok(again.multipart.resumed);
    assert.equal(sha(stored(fake, again.key).content), sha(f.bytes));
  });

  test('a complete that answers 503 once is retried', async (t) => {
    const { fake, up } = await setup(t, { up: { multipartThreshold: 1 } });
    fake.mp.script.complete.push({ status: 503, body: '{"error":{"code":"ServiceUnavailable","message":"busy","requestId":"c1"}}' });
    const r = await up.uploadFile(makeFile(3 * PART));
    assert.ok(stored(fake, r.key));
    assert.equal(fake.mp.completes.length, 2);
  });
});

describe('abort', () => {
  test('abort cancels the parts in flight, DELETEs the upload and forgets it', async (t) => {
    const { fake, up, wx } = await setup(t, { up: { multipartThreshold: 1 }, fake: { partDelayMs: 300 } });
    const ctl = createAbort();
    let aborted = false;
    const states = [];
    const [r] = await up.upload([makeFile(10 * PART)], {
      signal: ctl.signal,
      onState: (s) => states.push(s.state),
      onProgress: (p) => {
        if (!aborted && p.partsDone >= 3) {
          aborted = true;
          setTimeout(() => ctl.abort(), 50); // the next parts are in flight, held by the fake
        }
      },
    });
    assert.equal(r.ok, false);
    assert.equal(r.error.code, 'Aborted');
    assert.deepEqual(states, ['signing', 'uploading', 'failed']);
    assert.equal(fake.mp.deletes.length, 1);
    assert.deepEqual(fake.mp.deletes[0], { key: fake.mp.deletes[0].key, uploadId: fake.oss.puts[0].uploadId });
    assert.equal(fake.oss.uploads.size, 0, 'the upload is gone from OSS');
    assert.ok(fake.oss.puts.some((p) => p.aborted), 'a part in flight was cancelled');
    assert.ok(okPuts(fake).length < 10);
    assert.deepEqual(await storageKeys(wx), []);
  });

  test('with keepOnAbort the upload is paused: kept, listed by pending(), resumed by a new uploader, or discarded', async (t) => {
    const storageFile = path.join(dir, 'pause.json');
    const { fake, up } = await setup(t, { up: { multipartThreshold: 1 }, fake: { partDelayMs: 100 }, wx: { storageFile } });
    const f = makeFile(8 * PART);
    const ctl = createAbort();
    const [r] = await up.upload([f], { signal: ctl.signal, keepOnAbort: true, onProgress: (p) => p.partsDone >= 2 && ctl.abort() });
    assert.equal(r.error.code, 'Aborted');
    assert.equal(fake.mp.deletes.length, 0);
    const pending = await up.pending();
    assert.equal(pending.length, 1);
    assert.equal(pending[0].size, f.size);
    assert.equal(pending[0].name, path.basename(f.path));
    fake.oss.partDelayMs = 0;
    // A new uploader, a new wx, the same storage file: the app started again.
    const up2 = createWxUploader({ wx: createWx({ storageFile }), signUrl: fake.signUrl, profile: 'video' });
    const r2 = await up2.uploadFile(f);
    assert.equal(r2.multipart.resumed, true);
    assert.equal(fake.mp.creates.length, 1);
    assert.deepEqual(await up2.pending(), []);
    // Discard: a paused upload is aborted and forgotten.
    const ctl3 = createAbort();
    fake.oss.partDelayMs = 100;
    const g = makeFile(8 * PART);
    await up2.upload([g], { signal: ctl3.signal, keepOnAbort: true, onProgress: (p) => p.partsDone >= 1 && ctl3.abort() });
    const [p3] = await up2.pending();
    assert.ok(p3);
    await up2.discard(p3);
    assert.equal(fake.mp.deletes.length, 1);
    assert.deepEqual(await up2.pending(), []);
  });
});

describe('resume', () => {
  test('an upload the server no longer knows (NoSuchUpload) is dropped and started afresh', async (t) => {
    const storageFile = path.join(dir, 'gone.json');
    const { fake, up } = await setup(t, { up: { multipartThreshold: 1 }, fake: { partDelayMs: 60 }, wx: { storageFile } });
    const f = makeFile(6 * PART);
    const ctl = createAbort();
    await up.upload([f], { signal: ctl.signal, keepOnAbort: true, onProgress: (p) => p.partsDone >= 1 && ctl.abort() });
    fake.oss.uploads.clear(); // the lifecycle rule reaped it
    fake.oss.partDelayMs = 0;
    const r = await up.uploadFile(f);
    assert.equal(r.multipart.resumed, false);
    assert.equal(fake.mp.creates.length, 2);
    assert.equal(fake.mp.partsCalls.filter((c) => !c.parts).length, 1, 'asked once, then started afresh');
    assert.equal(sha(stored(fake, r.key).content), sha(f.bytes));
  });

  test('a profile whose part size changed since the upload started: the resume answer says so, the old upload is aborted and a new one completes', async (t) => {
    const storageFile = path.join(dir, 'partsize.json');
    const profiles = { video: { ...PROFILES.video, multipart: { ...PROFILES.video.multipart } } };
    const { fake, up } = await setup(t, { up: { multipartThreshold: 1 }, fake: { partDelayMs: 60, profiles }, wx: { storageFile } });
    const f = makeFile(6 * PART);
    const ctl = createAbort();
    await up.upload([f], { signal: ctl.signal, keepOnAbort: true, onProgress: (p) => p.partsDone >= 1 && ctl.abort() });
    profiles.video.multipart.partSize = 2 * PART;
    fake.oss.partDelayMs = 0;
    const r = await up.uploadFile(f);
    assert.equal(r.multipart.resumed, false);
    assert.equal(r.multipart.partSize, 2 * PART);
    assert.equal(fake.mp.deletes.length, 1, 'the old upload is aborted');
    assert.equal(fake.mp.creates.length, 2);
    assert.equal(sha(stored(fake, r.key).content), sha(f.bytes));
  });

  test('an upload aborted server-side mid-way fails with NoSuchUpload and is forgotten', async (t) => {
    const { fake, up, wx } = await setup(t, { up: { multipartThreshold: 1, partConcurrency: 1 } });
    fake.oss.events.once('part', () => fake.oss.uploads.clear());
    await assert.rejects(up.uploadFile(makeFile(4 * PART)), { code: 'NoSuchUpload', status: 404 });
    assert.deepEqual(await storageKeys(wx), []);
  });

  test('another user\'s entry on this device is not resumed (Forbidden): a fresh upload starts', async (t) => {
    const storageFile = path.join(dir, 'users.json');
    const { fake, up } = await setup(t, { up: { multipartThreshold: 1, getToken: () => 'alice' }, fake: { partDelayMs: 60 }, wx: { storageFile } });
    const f = makeFile(5 * PART);
    const ctl = createAbort();
    await up.upload([f], { signal: ctl.signal, keepOnAbort: true, onProgress: (p) => p.partsDone >= 1 && ctl.abort() });
    fake.oss.partDelayMs = 0;
    const bob = createWxUploader({ wx: createWx({ storageFile }), signUrl: fake.signUrl, profile: 'video', getToken: () => 'bob' });
    const r = await bob.uploadFile(f);
    assert.match(r.key, /^uploads\/video\/bob\//);
    assert.equal(r.multipart.resumed, false);
  });

  test('a wx.chooseMedia video chosen again (a new temp path) resumes; the entry holds no URL', async (t) => {
    const storageFile = path.join(dir, 'media.json');
    const { fake, up, wx } = await setup(t, { up: { multipartThreshold: 1 }, fake: { partDelayMs: 60 }, wx: { storageFile } });
    const f = makeFile(6 * PART, 'tmp_a1b2c3.mp4');
    const pick = (p) => ({ tempFilePath: p, size: f.size, duration: 12.5, width: 1280, height: 720, fileType: 'video', thumbTempFilePath: p + '.jpg' });
    const ctl = createAbort();
    await up.upload([pick(f.path)], { signal: ctl.signal, keepOnAbort: true, onProgress: (p) => p.partsDone >= 2 && ctl.abort() });
    const [id] = await storageKeys(wx);
    const entry = await new Promise((resolve) => wx.getStorage({ key: id, success: (r) => resolve(r.data) }));
    assert.deepEqual(Object.keys(entry).sort(), ['createdAt', 'key', 'name', 'objectUrl', 'partSize', 'profile', 'size', 'uploadId']);
    assert.ok(!JSON.stringify(entry).includes('x-oss-signature'), 'no presigned URL is stored');
    const again = path.join(dir, 'tmp_d4e5f6.mp4');
    fs.copyFileSync(f.path, again);
    fake.oss.partDelayMs = 0;
    const r = await up.uploadFile(pick(again));
    assert.equal(r.multipart.resumed, true);
    assert.equal(fake.mp.creates.length, 1);
    assert.equal(sha(stored(fake, r.key).content), sha(f.bytes));
  });

  test('the same file twice at once: two uploads, both complete', async (t) => {
    const { fake, up } = await setup(t, { up: { multipartThreshold: 1 } });
    const f = makeFile(4 * PART);
    const results = await up.upload([f, f]);
    assert.ok(results.every((r) => r.ok));
    assert.notEqual(results[0].key, results[1].key);
    assert.equal(fake.oss.objects.size, 2);
  });

  test('a file shorter than its declared size fails with FileReadError', async (t) => {
    const { up } = await setup(t, { up: { multipartThreshold: 1 } });
    const f = makeFile(2 * PART);
    await assert.rejects(up.uploadFile({ path: f.path, size: 3 * PART }), { code: 'FileReadError' });
  });
});

describe('killed and started again', { timeout: 60_000 }, () => {
  for (const conc of [1, 3]) {
    test(`partConcurrency ${conc}: a SIGKILLed app resumes from done; stored parts are never sent again, ≤ ${conc} part(s) re-sent`, async (t) => {
      const fake = await startFake({ profiles: PROFILES, partDelayMs: 80 });
      t.after(fake.close);
      const f = makeFile(20 * PART + 31);
      const storageFile = path.join(dir, `kill-${conc}.json`);
      const cfg = { signUrl: fake.signUrl, profile: 'video', path: f.path, size: f.size, storageFile, partConcurrency: conc, multipartThreshold: 1 };
      const first = runChild(cfg);
      let killedAt = 0;
      await new Promise((resolve) => {
        const onPart = () => {
          const u = [...fake.oss.uploads.values()][0];
          if (u && u.parts.size >= 6) {
            fake.oss.events.off('part', onPart);
            first.child.kill('SIGKILL');
            killedAt = fake.oss.now();
            resolve();
          }
        };
        fake.oss.events.on('part', onPart);
      });
      const ex = await first.exited;
      assert.equal(ex.signal, 'SIGKILL', ex.stderr);
      await new Promise((r) => setTimeout(r, 100)); // let the fake see the dropped connections
      const upload = [...fake.oss.uploads.values()][0];
      const storedBefore = new Set(upload.parts.keys());
      const putsBefore = fake.oss.puts.length;
      assert.ok(JSON.parse(fs.readFileSync(storageFile, 'utf8'))[Object.keys(JSON.parse(fs.readFileSync(storageFile, 'utf8')))[0]], 'the entry survived the kill');

      const second = runChild(cfg);
      const result = await resultOf(second);
      assert.equal(result.multipart.resumed, true);
      assert.equal(fake.mp.creates.length, 1, 'no second upload');
      const after = fake.oss.puts.slice(putsBefore);
      assert.ok(after.every((p) => p.start >= killedAt));
      for (const p of after) assert.ok(!storedBefore.has(p.number), `part ${p.number} was stored before the kill and sent again`);
      // Bytes sent before the kill for parts sent again after it: the parts that were in flight.
      const again = new Set(after.map((p) => p.number));
      const resent = fake.oss.puts.slice(0, putsBefore).filter((p) => again.has(p.number)).reduce((a, p) => a + p.received, 0);
      assert.ok(resent <= conc * PART, `re-sent ${resent} bytes, bound ${conc * PART}`);
      // The resumed run starts from what was done.
      const firstProgress = second.lines.find((l) => l.type === 'progress');
      assert.equal(firstProgress.loaded, storedBefore.size * PART);
      const resumeCalls = fake.mp.partsCalls.filter((c) => !c.parts);
      assert.equal(resumeCalls.length, 1);
      assert.equal(sha(stored(fake, result.key).content), sha(f.bytes));
      assert.deepEqual(Object.keys(JSON.parse(fs.readFileSync(storageFile, 'utf8'))), [], 'the entry is removed once complete');
    });
  }
});

describe('memory of the mini-program path', { timeout: 60_000 }, () => {
  const PS = 256 * KiB;
  const profiles = { video: { types: ['video/mp4'], maxSize: 256 * MiB, multipart: { partSize: PS, threshold: PS } } };

  async function measure(t, leak) {
    const fake = await startFake({ profiles, partDelayMs: 5 });
    t.after(fake.close);
    const f = makeFile(40 * PS + 1000);
    const cfg = { signUrl: fake.signUrl, profile: 'video', path: f.path, size: f.size, storageFile: path.join(dir, `mem-${leak}.json`), partConcurrency: 3, measure: true, leak };
    const run = runChild(cfg, ['--expose-gc']);
    const ex = await run.exited;
    assert.equal(ex.code, 0, ex.stderr);
    const result = run.lines.find((l) => l.type === 'result');
    assert.ok(result.ok, JSON.stringify(result.error));
    const reads = run.lines.filter((l) => l.type === 'read');
    assert.equal(reads.length, 41);
    return { maxLive: Math.max(...reads.map((r) => r.liveBytes)), maxAB: Math.max(...reads.map((r) => r.arrayBuffers)) };
  }

  test('part buffers alive at once ≤ parts in flight × part size; ArrayBuffer memory ≤ that + 1 MiB', async (t) => {
    const { maxLive, maxAB } = await measure(t, false);
    assert.ok(maxLive <= 3 * PS, `live part bytes ${maxLive} > ${3 * PS}`);
    assert.ok(maxLive >= 2 * PS, `the measurement sees the parts in flight: ${maxLive}`);
    assert.ok(maxAB <= 3 * PS + MiB, `arrayBuffers ${maxAB} > ${3 * PS + MiB}`);
  });

  test('control: a client that kept its part buffers would be caught', async (t) => {
    const { maxLive } = await measure(t, true);
    assert.ok(maxLive > 3 * PS, `a leak must exceed the bound: ${maxLive}`);
  });
});
