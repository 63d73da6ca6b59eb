// The core's behaviour suite, run against every mini-program adapter on the
// real local stack (the compiled sign and record functions under the FC
// emulator, the strict local OSS endpoint), each through a shim of its
// platform's documented API that makes real HTTP requests: WeChat (wx),
// Alipay (my), Douyin (tt, and below the base library that reads byte
// ranges), uni-app and Taro (built for WeChat and for Alipay).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAbort, createAlipayUploader, createDouyinUploader, createTaroUploader, createUniUploader, createWxUploader } from '../miniprogram/index.js';
import { Codes, ServerCodes } from '../core/codes.js';
import { createWx } from './wx-shim.js';
import { createMy } from './my-shim.js';
import { createTt } from './tt-shim.js';
import { createUni } from './uni-shim.js';
import { createTaro } from './taro-shim.js';
import { startLocal, getObject } from './stack.js';
import { startFailingProxy } from './proxy.js';
import { png, writeFile } from './fixtures.js';
import { PART, mp4 } from './mp-stack.js';

const PROFILES = {
  image: { types: ['image/png', 'image/jpeg'], maxSize: 2 << 20, maxFiles: 9 },
  tiny: { types: ['image/png'], maxSize: 1024, maxFiles: 3 },
  video: { types: ['video/mp4'], maxSize: 64 << 20, maxFiles: 3, multipart: { partSize: PART, threshold: 3 * PART } },
};

/**
 * PLATFORMS: each makes its platform object (a shim) and an uploader over it;
 * parts tells whether the adapter can send multipart parts there.
 */
const PLATFORMS = [
  { name: 'WeChat', parts: true, make: () => createWx(), uploader: (api, o) => createWxUploader({ ...o, wx: api }) },
  { name: 'Alipay', parts: false, make: () => createMy(), uploader: (api, o) => createAlipayUploader({ ...o, my: api }) },
  { name: 'Douyin', parts: true, make: () => createTt(), uploader: (api, o) => createDouyinUploader({ ...o, tt: api }) },
  { name: 'Douyin 2.50.0', parts: false, make: () => createTt({ SDKVersion: '2.50.0' }), uploader: (api, o) => createDouyinUploader({ ...o, tt: api }) },
  { name: 'uni-app mp-weixin', parts: true, make: () => createUni({ platform: 'mp-weixin' }), uploader: (api, o) => createUniUploader({ ...o, uni: api }) },
  { name: 'uni-app mp-alipay', parts: false, make: () => createUni({ platform: 'mp-alipay' }), uploader: (api, o) => createUniUploader({ ...o, uni: api }) },
  { name: 'Taro WEAPP', parts: true, make: () => createTaro({ env: 'WEAPP' }), uploader: (api, o) => createTaroUploader({ ...o, taro: api }) },
  { name: 'Taro ALIPAY', parts: false, make: () => createTaro({ env: 'ALIPAY' }), uploader: (api, o) => createTaroUploader({ ...o, taro: api }) },
];

let stack;
let dir;
let files;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossgate-platforms-'));
  stack = await startLocal({ env: { OSSGATE_PROFILES: JSON.stringify(PROFILES) } });
  files = {
    big: writeFile(path.join(dir, 'big photo.png'), png(200, 200, { noise: true })), // ~120 kB
    small: writeFile(path.join(dir, 'small.png'), png(8, 8)),
    mid: writeFile(path.join(dir, 'mid.png'), png(20, 20, { noise: true })), // ~1.3 kB
    clip: writeFile(path.join(dir, 'clip.mp4'), mp4(2 * PART)), // under the video threshold: a form upload
    film: writeFile(path.join(dir, 'film.mp4'), mp4(4 * PART + 77)), // 5 parts
  };
});
after(async () => {
  if (stack) await stack.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const picked = (f) => ({ path: f.path, size: f.size });
const signCalls = (api) => api.calls.filter((c) => c.api === 'request' && c.url.endsWith('/sign')).length;
const uploadCalls = (api) => api.calls.filter((c) => c.api === 'uploadFile').length;

for (const p of PLATFORMS) {
  /** setup makes the platform object and an uploader over it (signUrl, profile image, quick retries by default). */
  const setup = (opts = {}) => {
    const api = p.make();
    const up = p.uploader(api, { signUrl: stack.signURL + '/sign', profile: 'image', baseDelayMs: 20, timeoutMs: 20_000, ...opts });
    return { api, up };
  };

  describe(`${p.name} adapter on the local stack`, { timeout: 120_000 }, () => {
    test('declares at creation whether it sends parts, and why not', () => {
      const { up } = setup();
      assert.equal(up.capabilities.multipart, p.parts);
      if (p.parts) assert.equal(up.capabilities.reason, '');
      else assert.match(up.capabilities.reason, /byte range/);
    });

    test('uploads a file that OSS serves back, with progress ending at 100', async () => {
      const { up } = setup();
      const percents = [];
      const r = await up.uploadFile(picked(files.big), { onProgress: (e) => percents.push(e.percent) });
      assert.match(r.key, /^uploads\/image\/anonymous\/\d{4}\/\d{2}\/\d{2}\/[^/]+\.png$/);
      const got = await getObject(stack, r.key);
      assert.equal(got.status, 200, `GET object: ${got.body.toString().slice(0, 300)}`);
      assert.ok(got.body.equals(files.big.bytes), `object bytes: got ${got.body.length}, want ${files.big.size}`);
      assert.equal(percents[percents.length - 1], 100);
      assert.ok(percents.some((x) => x > 0 && x < 100), `intermediate progress: ${percents}`);
      assert.deepEqual(percents, [...percents].sort((a, b) => a - b), 'progress never goes back');
    });

    test('several files share one sign request and all arrive', async () => {
      const { up, api } = setup({ concurrency: 2 });
      const list = [files.small, files.mid, files.big];
      const results = await up.upload(list.map(picked));
      assert.deepEqual(results.map((r) => r.ok), [true, true, true], JSON.stringify(results.map((r) => r.error)));
      assert.equal(signCalls(api), 1, 'sign requests');
      for (const [i, f] of list.entries()) assert.ok((await getObject(stack, results[i].key)).body.equals(f.bytes), `object ${i}`);
    });

    test('a signed-in upload is listed by GET /uploads and removed by DELETE', async () => {
      const user = 'mp-' + p.name.replace(/\W+/g, '-').toLowerCase();
      const { up } = setup({ getToken: () => stack.token(user) });
      const r = await up.uploadFile(picked(files.small));
      let rec;
      for (let i = 0, delay = 100; i < 12 && !rec; i++, delay *= 2) {
        rec = (await up.list({ limit: 50 })).records.find((x) => x.key === r.key);
        if (!rec) await new Promise((res) => setTimeout(res, Math.min(delay, 2000)));
      }
      assert.ok(rec, `record for ${r.key} not listed`);
      assert.deepEqual({ originalName: rec.originalName, uploader: rec.uploader, size: rec.size }, { originalName: 'small.png', uploader: user, size: files.small.size });
      const removed = await up.remove(rec.id);
      assert.equal(removed.status, 'deleted');
      await assert.rejects(up.remove(rec.id), (err) => err.code === ServerCodes.NotFound && err.status === 404);
    });

    test('a ticket already past expiresAt is replaced before it is used', async () => {
      const { up, api } = setup({ now: () => Date.now() + 11 * 60_000 });
      const r = await up.uploadFile(picked(files.small));
      assert.deepEqual({ signs: signCalls(api), uploads: uploadCalls(api) }, { signs: 2, uploads: 1 });
      assert.equal((await getObject(stack, r.key)).status, 200);
    });

    test("refusals carry the sign function's code, status and request id", async () => {
      const { up, api } = setup({ profile: 'tiny' });
      await assert.rejects(up.uploadFile(picked(files.mid)), (err) => {
        assert.deepEqual({ code: err.code, status: err.status }, { code: ServerCodes.FileTooLarge, status: 413 });
        assert.ok(err.requestId, 'request id');
        return true;
      });
      const txt = path.join(dir, 'notes.txt');
      fs.writeFileSync(txt, 'hello');
      await assert.rejects(setup().up.uploadFile({ path: txt, size: 5 }), (err) => err.code === ServerCodes.UnsupportedType && err.status === 415);
      assert.equal(uploadCalls(api), 0, 'no upload after a refused ticket');
    });

    test('a 503 from the sign function is retried', async (t) => {
      const proxy = await startFailingProxy(stack.signURL, {
        match: (req) => req.url === '/sign',
        body: '{"error":{"code":"ServiceUnavailable","message":"try again","requestId":"proxy"}}',
      });
      t.after(() => proxy.close());
      const states = [];
      const { up } = setup({ signUrl: proxy.url + '/sign' });
      const [r] = await up.upload([picked(files.small)], { onState: (s) => states.push(s.state) });
      assert.ok(r.ok, JSON.stringify(r.error));
      assert.deepEqual([proxy.seen, proxy.failed], [2, 1], 'sign requests seen, failed');
      assert.deepEqual(states, ['signing', 'retrying', 'uploading', 'done']);
    });

    test('an upload aborted mid-way fails with Aborted', async () => {
      const { up } = setup();
      const abort = createAbort();
      const [r] = await up.upload([picked(files.big)], {
        signal: abort.signal,
        onProgress: (e) => e.loaded > 0 && abort.abort(),
      });
      assert.equal(r.ok, false);
      assert.equal(r.error.code, Codes.Aborted);
    });

    test('a file under the multipart threshold goes by form POST', async () => {
      const { up, api } = setup({ profile: 'video' });
      const r = await up.uploadFile(picked(files.clip));
      assert.equal(r.multipart, undefined);
      assert.equal(uploadCalls(api), 1);
      assert.ok((await getObject(stack, r.key)).body.equals(files.clip.bytes));
    });

    if (p.parts) {
      test('a large file goes in parts, pauses and resumes from storage', async () => {
        const { up, api } = setup({ profile: 'video', partConcurrency: 1 });
        const pause = createAbort();
        const [paused] = await up.upload([picked(files.film)], {
          signal: pause.signal,
          keepOnAbort: true,
          onProgress: (e) => e.partsDone >= 2 && pause.abort(),
        });
        assert.equal(paused.error && paused.error.code, Codes.Aborted);
        assert.equal((await up.pending()).length, 1, 'the paused upload waits in storage');
        const r = await up.uploadFile(picked(files.film));
        assert.deepEqual({ resumed: r.multipart.resumed, partCount: r.multipart.partCount }, { resumed: true, partCount: 5 });
        assert.ok((await getObject(stack, r.key)).body.equals(files.film.bytes), 'object bytes');
        const reads = api.calls.filter((c) => c.api === 'readFile');
        assert.ok(reads.length >= 5 && reads.every((c) => c.length <= PART), `part reads: ${JSON.stringify(reads)}`);
        assert.deepEqual(await up.pending(), []);
      });
    } else {
      test('a file the profile takes in parts only fails with MultipartUnsupported, naming the threshold', async () => {
        const { up, api } = setup({ profile: 'video' });
        await assert.rejects(up.uploadFile(picked(files.film)), (err) => {
          assert.equal(err.code, Codes.MultipartUnsupported);
          assert.equal(err.details.threshold, 3 * PART);
          assert.match(err.message, /film\.mp4 is 409677 bytes: profile "video" takes files from 307200 bytes in parts only, and .*byte range/);
          return true;
        });
        assert.equal(api.calls.filter((c) => c.api === 'readFile').length, 0, 'no part read');
        assert.ok(!api.calls.some((c) => c.api === 'request' && c.url.includes('/uploads/multipart')), 'no multipart call');
      });
    }
  });
}
