// The mini-program module against the real local stack (the compiled sign and
// record functions under the FC emulator, the strict local OSS endpoint),
// through a wx shim whose request/uploadFile make real HTTP requests.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createWxUploader } from '../miniprogram/ossgate-upload.js';
import { createWx } from './wx-shim.js';
import { startLocal, getObject } from './stack.js';
import { startFailingProxy } from './proxy.js';
import { png, writeFile } from './fixtures.js';

// Profiles for these tests: "short" tickets expire after two seconds, "tiny"
// takes at most 1 KiB.
const PROFILES = {
  image: { types: ['image/png', 'image/jpeg'], maxSize: 2 << 20, maxFiles: 9 },
  short: { types: ['image/png'], maxSize: 1 << 20, maxFiles: 3, expiry: '2s' },
  tiny: { types: ['image/png'], maxSize: 1024, maxFiles: 3 },
};

let stack;
let dir;
let files;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossgate-mp-'));
  stack = await startLocal({ env: { OSSGATE_PROFILES: JSON.stringify(PROFILES) } });
  files = {
    big: writeFile(path.join(dir, 'big photo.png'), png(200, 200, { noise: true })), // ~120 kB
    small: writeFile(path.join(dir, 'small.png'), png(8, 8)),
    mid: writeFile(path.join(dir, 'mid.png'), png(20, 20, { noise: true })), // ~1.3 kB
  };
});
after(async () => {
  if (stack) await stack.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** uploader makes a mini-program uploader over a fresh wx shim. */
function uploader(opts = {}) {
  const wx = opts.wx || createWx();
  const up = createWxUploader({ wx, signUrl: stack.signURL + '/sign', profile: 'image', baseDelayMs: 50, timeoutMs: 20_000, ...opts });
  return { up, wx };
}

const signCalls = (wx) => wx.calls.filter((c) => c.api === 'request' && c.url.endsWith('/sign')).length;
const uploadCalls = (wx) => wx.calls.filter((c) => c.api === 'uploadFile').length;

describe('mini-program module on the local stack', { timeout: 180_000 }, () => {
  test('uploads a file that OSS then serves back, with progress ending at 100', async () => {
    const { up } = uploader();
    const percents = [];
    const r = await up.uploadFile({ path: files.big.path, size: files.big.size }, { onProgress: (p) => percents.push(p.percent) });
    assert.match(r.key, /^uploads\/image\/anonymous\/\d{4}\/\d{2}\/\d{2}\/[^/]+\.png$/);
    const got = await getObject(stack, r.key);
    assert.equal(got.status, 200, `GET object: ${got.body.toString().slice(0, 300)}`);
    assert.ok(got.body.equals(files.big.bytes), `object bytes: got ${got.body.length}, want ${files.big.size}`);
    assert.equal(got.headers.get('content-type'), 'image/png');
    assert.ok(percents.length > 3, `progress events: ${percents}`);
    assert.equal(percents[percents.length - 1], 100);
    assert.ok(percents.some((p) => p > 0 && p < 100), `intermediate progress: ${percents}`);
  });

  test('several files share one sign request and all arrive', async () => {
    const { up, wx } = uploader({ concurrency: 2 });
    const list = [files.small, files.mid, files.big].map((f) => ({ path: f.path, size: f.size }));
    const results = await up.upload(list);
    assert.deepEqual(results.map((r) => r.ok), [true, true, true], JSON.stringify(results.map((r) => r.error)));
    assert.equal(signCalls(wx), 1, 'sign requests');
    for (const [i, f] of [files.small, files.mid, files.big].entries()) {
      const got = await getObject(stack, results[i].key);
      assert.ok(got.body.equals(f.bytes), `object ${i}: got ${got.status} ${got.body.length} bytes`);
    }
  });

  test('a signed-in upload is recorded and listed by GET /uploads', async () => {
    const token = stack.token('mp-user-1');
    const { up } = uploader({ getToken: () => token });
    const r = await up.uploadFile({ path: files.small.path, size: files.small.size });
    assert.match(r.key, /^uploads\/image\/mp-user-1\//);
    let rec;
    for (let i = 0, delay = 100; i < 10 && !rec; i++, delay *= 2) {
      const page = await up.list({ limit: 50 });
      rec = page.records.find((x) => x.key === r.key);
      if (!rec) await new Promise((res) => setTimeout(res, Math.min(delay, 2000)));
    }
    assert.ok(rec, `record for ${r.key} not listed`);
    assert.equal(rec.originalName, 'small.png');
    assert.equal(rec.status, 'ok');
    assert.equal(rec.size, files.small.size);
    assert.equal(rec.uploader, 'mp-user-1');
  });

  test('a ticket that expired before the upload is refreshed after OSS says "Policy expired"', async () => {
    // The client clock lags a minute behind, so only OSS notices the expiry;
    // the first upload waits until the 2 s ticket has expired.
    const wx = createWx();
    const statuses = [];
    const realUpload = wx.uploadFile;
    let first = true;
    wx.uploadFile = (o) => {
      const wait = first ? 3200 : 0;
      first = false;
      const task = { listeners: [], onProgressUpdate: (fn) => task.listeners.push(fn), abort() {} };
      setTimeout(() => {
        const t = realUpload({ ...o, success: (res) => (statuses.push(res.statusCode), o.success(res)) });
        for (const fn of task.listeners) t.onProgressUpdate(fn);
      }, wait);
      return task;
    };
    const { up } = uploader({ wx, profile: 'short', now: () => Date.now() - 60_000 });
    const r = await up.uploadFile({ path: files.small.path, size: files.small.size });
    assert.equal(signCalls(wx), 2, 'sign requests');
    assert.equal(statuses[0], 403, `first upload status: ${statuses}`);
    assert.equal((await getObject(stack, r.key)).status, 200);
  });

  test('a ticket already past expiresAt is replaced before it is used', async () => {
    const { up, wx } = uploader({ now: () => Date.now() + 11 * 60_000 });
    const r = await up.uploadFile({ path: files.small.path, size: files.small.size });
    assert.equal(signCalls(wx), 2, 'sign requests');
    assert.equal(uploadCalls(wx), 1, 'uploads');
    assert.equal(wx.calls.find((c) => c.api === 'uploadFile').formData.key, r.key);
  });

  test('an oversize file is refused: 413 by the sign function, EntityTooLarge by OSS when its size was understated', async (t) => {
    const { up, wx } = uploader({ profile: 'tiny' });
    await assert.rejects(up.uploadFile({ path: files.mid.path, size: files.mid.size }), (err) => {
      assert.equal(err.status, 413);
      assert.equal(err.code, 'FileTooLarge');
      assert.ok(err.requestId, 'request id');
      return true;
    });
    assert.equal(uploadCalls(wx), 0, 'no upload after a refused ticket');
    await assert.rejects(up.uploadFile({ path: files.mid.path, size: 100 }), (err) => {
      assert.equal(err.code, 'EntityTooLarge', `${err.code}: ${err.message}`);
      assert.equal(err.status, 400);
      assert.ok(err.requestId, 'request id');
      return true;
    });
  });

  test('a disallowed type is refused with 415 and a message', async () => {
    const p = path.join(dir, 'notes.txt');
    fs.writeFileSync(p, 'hello');
    const { up } = uploader();
    await assert.rejects(up.uploadFile({ path: p, size: 5 }), (err) => {
      assert.equal(err.status, 415);
      assert.equal(err.code, 'UnsupportedType');
      assert.match(err.message, /text\/plain/);
      return true;
    });
  });

  test('a 503 from the sign function and from OSS is retried', async (t) => {
    const signProxy = await startFailingProxy(stack.signURL, {
      match: (req) => req.url === '/sign',
      body: '{"error":{"code":"ServiceUnavailable","message":"try again","requestId":"proxy"}}',
    });
    const ossProxy = await startFailingProxy(stack.ossURL, {
      match: (req) => req.method === 'POST',
      body: '<?xml version="1.0"?><Error><Code>ServiceUnavailable</Code><Message>try again</Message></Error>',
    });
    t.after(() => Promise.all([signProxy.close(), ossProxy.close()]));
    const wx = createWx();
    const realUpload = wx.uploadFile;
    wx.uploadFile = (o) => realUpload({ ...o, url: o.url.replace(stack.ossURL, ossProxy.url) });
    const states = [];
    const { up } = uploader({ wx, signUrl: signProxy.url + '/sign' });
    const [r] = await up.upload([{ path: files.small.path, size: files.small.size }], { onState: (s) => states.push(s.state) });
    assert.ok(r.ok, JSON.stringify(r.error));
    assert.deepEqual([signProxy.seen, signProxy.failed], [2, 1], 'sign requests seen, failed');
    assert.deepEqual([ossProxy.seen, ossProxy.failed], [2, 1], 'uploads seen, failed');
    assert.deepEqual(states, ['signing', 'retrying', 'uploading', 'retrying', 'uploading', 'done']);
    assert.equal((await getObject(stack, r.key)).status, 200);
  });
});
