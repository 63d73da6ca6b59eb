// The shared core, driven through the mini-program module and the wx shim
// against a tiny fake sign function + OSS (fake-server.js): every behaviour
// that does not need the real stack.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createWxUploader, createAbort } from '../miniprogram/ossgate-upload.js';
import { startFake } from './fake-server.js';
import { createWx } from './wx-shim.js';

let dir;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossgate-core-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function makeFile(name, size) {
  const p = path.join(dir, name);
  fs.writeFileSync(p, Buffer.alloc(size, 7));
  return { path: p, size };
}

/** setup starts a fake server and an uploader whose sleeps are recorded, not waited. */
async function setup(t, uploaderOpts = {}, serverOpts = {}) {
  const fake = await startFake(serverOpts);
  t.after(fake.close);
  const sleeps = [];
  const wx = createWx();
  const up = createWxUploader({
    wx,
    signUrl: fake.signUrl,
    profile: 'avatar',
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...uploaderOpts,
  });
  return { fake, up, sleeps, wx };
}

const xmlError = (code, message) => ({
  status: 403,
  headers: { 'Content-Type': 'application/xml' },
  body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  <Code>${code}</Code>\n  <Message>${message}</Message>\n  <RequestId>RID-${code}</RequestId>\n</Error>`,
});

describe('upload', () => {
  test('several files: one sign request, every field sent, file part last, progress ends at 100', async (t) => {
    const { fake, up } = await setup(t);
    const files = [makeFile('a.png', 70_000), makeFile('b.jpg', 10)];
    const progress = [[], []];
    const results = await up.upload(files, { onProgress: (p) => progress[p.index].push(p.percent) });
    assert.equal(fake.signs.length, 1, 'sign requests');
    assert.deepEqual(fake.signs[0], {
      profile: 'avatar',
      files: [
        { name: 'a.png', type: 'image/png', size: 70_000 },
        { name: 'b.jpg', type: 'image/jpeg', size: 10 },
      ],
    });
    assert.deepEqual(results.map((r) => r.ok), [true, true]);
    assert.equal(fake.uploads.length, 2);
    for (const u of fake.uploads) {
      assert.ok(u.fileLast, 'file part must be last');
      assert.ok(u.fields.key && u.fields.policy, `fields sent: ${JSON.stringify(u.fields)}`);
    }
    const a = fake.uploads.find((u) => u.file.name === 'a.png');
    assert.equal(a.file.size, 70_000);
    assert.equal(results[0].key, a.fields.key);
    for (const p of progress) {
      assert.equal(p[p.length - 1], 100, `last percent of ${p}`);
      assert.ok(p.slice(0, -1).every((x) => x < 100), `100 only at the end: ${p}`);
      assert.deepEqual([...p].sort((x, y) => x - y), p, `monotonic: ${p}`);
    }
    assert.ok(progress[0].length > 3, `several progress events for a 70 kB file, got ${progress[0]}`);
  });

  test('wx.chooseMedia and wx.chooseMessageFile results go in as they are', async (t) => {
    const { fake, up } = await setup(t);
    const a = makeFile('m1.jpg', 20);
    const b = makeFile('m2.webp', 30);
    const results = await up.upload([
      { tempFilePath: a.path, size: a.size, fileType: 'image' }, // chooseMedia
      { path: b.path, size: b.size, name: 'holiday.webp', type: 'image' }, // chooseMessageFile
    ]);
    assert.deepEqual(results.map((r) => r.ok), [true, true]);
    assert.deepEqual(fake.signs[0].files, [
      { name: 'm1.jpg', type: 'image/jpeg', size: 20 },
      { name: 'holiday.webp', type: 'image/webp', size: 30 },
    ]);
  });

  test('concurrency is bounded', async (t) => {
    // The fake holds uploads until two are in flight, so the maximum is exact.
    const { fake, up } = await setup(t, { concurrency: 2 }, { holdUploads: 2, ossDelayMs: 20 });
    const files = [1, 2, 3, 4, 5].map((i) => makeFile(`c${i}.png`, 100));
    const results = await up.upload(files);
    assert.ok(results.every((r) => r.ok));
    assert.equal(fake.maxInFlight, 2, `max uploads in flight: got ${fake.maxInFlight}, want 2`);
  });

  test('uploadFile rejects with the normalised error', async (t) => {
    const { fake, up } = await setup(t);
    fake.script.oss.push(xmlError('AccessDenied', 'Invalid according to Policy: Policy Condition failed: [&quot;eq&quot;, &quot;$key&quot;]'));
    await assert.rejects(up.uploadFile(makeFile('d.png', 10)), (err) => {
      assert.deepEqual(err.toJSON(), {
        code: 'AccessDenied',
        message: 'Invalid according to Policy: Policy Condition failed: ["eq", "$key"]',
        status: 403,
        requestId: 'RID-AccessDenied',
      });
      return true;
    });
  });
});

describe('retries', () => {
  const cases = [
    { name: 'sign 503', sign: [{ status: 503, body: '{"error":{"code":"Unavailable","message":"x","requestId":"r"}}' }], signs: 2, uploads: 1 },
    { name: 'sign connection reset', sign: ['reset'], signs: 2, uploads: 1 },
    { name: 'oss 503', oss: [{ status: 503, body: '<Error><Code>ServiceUnavailable</Code></Error>' }], signs: 1, uploads: 1, ossTries: 2 },
    { name: 'oss reset twice', oss: ['reset', 'reset'], signs: 1, uploads: 1, ossTries: 3 },
    { name: 'oss 500 then 502 then 503', oss: [500, 502, 503].map((status) => ({ status })), signs: 1, uploads: 1, ossTries: 4 },
  ];
  for (const c of cases) {
    test(c.name + ' is retried with growing delays', async (t) => {
      const { fake, up, sleeps, wx } = await setup(t, { random: () => 0.999 });
      fake.script.sign.push(...(c.sign || []));
      fake.script.oss.push(...(c.oss || []));
      const r = await up.uploadFile(makeFile('r.png', 10));
      assert.ok(r.key);
      assert.equal(fake.signs.length, c.signs, 'sign requests');
      assert.equal(fake.uploads.length, c.uploads, 'stored uploads');
      if (c.ossTries) assert.equal(wx.calls.filter((x) => x.api === 'uploadFile').length, c.ossTries, 'upload tries');
      assert.equal(sleeps.length, (c.sign || []).length + (c.oss || []).length, `sleeps ${sleeps}`);
      for (let i = 1; i < sleeps.length; i++) assert.ok(sleeps[i] > sleeps[i - 1], `growing: ${sleeps}`);
    });
  }

  test('gives up after maxAttempts', async (t) => {
    const { fake, up, sleeps } = await setup(t, { maxAttempts: 3 });
    fake.script.oss.push('reset', 'reset', 'reset', 'reset');
    await assert.rejects(up.uploadFile(makeFile('g.png', 10)), { code: 'NetworkError', status: 0 });
    assert.equal(sleeps.length, 2);
    assert.equal(fake.script.oss.length, 1, 'one scripted reply left unused');
  });

  const final = [
    { name: 'oss 403 AccessDenied', oss: [xmlError('AccessDenied', 'Invalid according to Policy: Policy Condition failed: ["eq", "$key", "a"]')], code: 'AccessDenied', status: 403 },
    { name: 'oss 400 EntityTooLarge', oss: [{ ...xmlError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size.'), status: 400 }], code: 'EntityTooLarge', status: 400 },
    { name: 'sign 415', sign: [{ status: 415, body: '{"error":{"code":"UnsupportedType","message":"type not allowed","requestId":"R1"}}' }], code: 'UnsupportedType', status: 415 },
    { name: 'sign 401', sign: [{ status: 401, body: '{"error":{"code":"Unauthorized","message":"token","requestId":"R2"}}' }], code: 'Unauthorized', status: 401 },
    { name: 'sign 404 plain text', sign: [{ status: 404, body: 'not here' }], code: 'HttpError', status: 404 },
  ];
  for (const c of final) {
    test(c.name + ' is not retried', async (t) => {
      const { fake, up, sleeps } = await setup(t);
      fake.script.sign.push(...(c.sign || []));
      fake.script.oss.push(...(c.oss || []));
      await assert.rejects(up.uploadFile(makeFile('n.png', 10)), { code: c.code, status: c.status });
      assert.deepEqual(sleeps, []);
      assert.equal(fake.signs.length, 1, 'sign requests');
    });
  }
});

describe('stale tickets', () => {
  test('OSS "Policy expired" fetches a fresh ticket once', async (t) => {
    const { fake, up } = await setup(t);
    fake.script.oss.push(xmlError('AccessDenied', 'Invalid according to Policy: Policy expired.'));
    const r = await up.uploadFile(makeFile('e.png', 10));
    assert.equal(fake.signs.length, 2, 'sign requests');
    assert.equal(fake.uploads[0].fields.key, r.key, 'stored under the fresh ticket key');
    assert.equal(fake.uploads[0].fields.policy, 'p2');
  });

  test('a second "Policy expired" is final', async (t) => {
    const { fake, up } = await setup(t);
    const expired = xmlError('AccessDenied', 'Invalid according to Policy: Policy expired.');
    fake.script.oss.push(expired, expired);
    await assert.rejects(up.uploadFile(makeFile('e2.png', 10)), { code: 'AccessDenied', status: 403 });
    assert.equal(fake.signs.length, 2, 'sign requests');
  });

  test('a ticket past expiresAt is replaced before use', async (t) => {
    const { fake, up, wx } = await setup(t, { now: () => Date.now() + 120_000 });
    const r = await up.uploadFile(makeFile('x.png', 10));
    assert.equal(fake.signs.length, 2, 'sign requests');
    const posted = wx.calls.filter((c) => c.api === 'uploadFile');
    assert.equal(posted.length, 1, 'the stale ticket is never posted');
    assert.equal(posted[0].formData.policy, 'p2');
    assert.equal(r.key, fake.uploads[0].fields.key);
  });
});

describe('tokens', () => {
  test('the token goes out as a bearer token on every sign request', async (t) => {
    let n = 0;
    const { fake, up } = await setup(t, { getToken: async () => 'jwt-' + ++n });
    fake.script.oss.push(xmlError('AccessDenied', 'Invalid according to Policy: Policy expired.'));
    await up.uploadFile(makeFile('t.png', 10));
    assert.deepEqual(fake.authorizations, ['Bearer jwt-1', 'Bearer jwt-2']);
  });

  test('no token means no Authorization header', async (t) => {
    const { fake, up } = await setup(t);
    await up.uploadFile(makeFile('t0.png', 10));
    assert.deepEqual(fake.authorizations, ['']);
  });

  test('a failing getToken is final', async (t) => {
    const { fake, up, sleeps } = await setup(t, {
      getToken: () => {
        throw new Error('not signed in');
      },
    });
    await assert.rejects(up.uploadFile(makeFile('t1.png', 10)), { code: 'TokenUnavailable', message: 'getToken failed: not signed in' });
    assert.equal(fake.signs.length, 0);
    assert.deepEqual(sleeps, []);
  });
});

describe('batches and abort', () => {
  test('a refused batch is signed file by file so the good files go through', async (t) => {
    const { fake, up } = await setup(t, {}, { rejectTypes: ['text/x-sh'] });
    const bad = { ...makeFile('evil.sh', 10), type: 'text/x-sh' };
    const results = await up.upload([bad, makeFile('ok.png', 10), makeFile('ok2.png', 10)]);
    assert.equal(results[0].ok, false);
    assert.deepEqual(results[0].error.toJSON(), { code: 'UnsupportedType', message: 'type text/x-sh is not allowed', status: 415, requestId: 'fake-415' });
    assert.deepEqual([results[1].ok, results[2].ok], [true, true], JSON.stringify(results.map((r) => r.error)));
    assert.equal(fake.signs.length, 4, 'one batch request, then one per file');
    assert.equal(fake.uploads.length, 2);
  });

  test('a retried refresh of one file reports "retrying" on that file only', async (t) => {
    const { fake, up } = await setup(t, { concurrency: 1 });
    fake.script.oss.push({ status: 204 }, xmlError('AccessDenied', 'Invalid according to Policy: Policy expired.'));
    fake.script.sign.push(null, { status: 503 }); // the batch is signed, the refresh fails once
    const states = [[], []];
    const files = [makeFile('s1.png', 10), makeFile('s2.png', 10)];
    const results = await up.upload(files, { onState: (s) => states[s.index].push(s.state) });
    assert.deepEqual(results.map((r) => r.ok), [true, true]);
    assert.deepEqual(states[0], ['signing', 'uploading', 'done']);
    assert.deepEqual(states[1], ['signing', 'uploading', 'signing', 'retrying', 'uploading', 'done']);
    assert.equal(fake.signs.length, 3, 'sign requests');
  });

  test('an empty list uploads nothing and asks for no ticket', async (t) => {
    const { fake, up } = await setup(t);
    assert.deepEqual(await up.upload([]), []);
    assert.equal(fake.signs.length, 0);
  });

  test('abort stops an upload in flight', async (t) => {
    const { up } = await setup(t, {}, { ossDelayMs: 2000 });
    const ctl = createAbort();
    const states = [];
    const p = up.upload([makeFile('slow.png', 10)], {
      signal: ctl.signal,
      onState: (s) => {
        states.push(s.state);
        if (s.state === 'uploading') setTimeout(() => ctl.abort(), 20);
      },
    });
    const [r] = await p;
    assert.equal(r.ok, false);
    assert.equal(r.error.code, 'Aborted');
    assert.deepEqual(states, ['signing', 'uploading', 'failed']);
  });
});
