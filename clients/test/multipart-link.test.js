// A multipart upload from the mini-program module over a link that drops
// connections mid-part: the real stack started with a shaping proxy
// (internal/shaper, `-link`) between the clients and OSS that cuts every
// fourth connection after 60 kB, three connections in all, behind the
// recording proxy (one upstream connection per request, so each cut falls
// on a PUT, mid-part).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createWxUploader } from '../miniprogram/ossgate-upload.js';
import { createWx } from './wx-shim.js';
import { getObject } from './stack.js';
import { PART, mp4, startMultipartStack } from './mp-stack.js';

describe('multipart over a link that drops connections mid-part (real stack, shaping proxy)', { timeout: 120_000 }, () => {
  let dir;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossgate-mp-link-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const conc of [1, 3]) {
    test(`partConcurrency ${conc}: three connections cut mid-part; the upload completes, each part stored once and sent at most 4 times`, async (t) => {
      // A stack of its own: the proxy counts connections, and cuts three in all.
      const env = await startMultipartStack(['-link', 'perconn=8MB,latency=5ms,cut=4@60000x3']);
      t.after(() => env.close());
      const { stack, rec } = env;
      assert.notEqual(stack.ossPublicURL, stack.ossURL, 'the launcher started the shaping proxy');
      const f = path.join(dir, `link-${conc}.mp4`);
      const bytes = mp4(12 * PART + 999);
      fs.writeFileSync(f, bytes);
      const states = [];
      const up = createWxUploader({ wx: createWx(), signUrl: stack.signURL + '/sign', profile: 'video', multipartThreshold: 1,
        partConcurrency: conc, baseDelayMs: 20, getToken: () => stack.token('nora') });
      const r = await up.uploadFile({ path: f, size: bytes.length }, { onState: (s) => states.push(s) });
      assert.ok((await getObject(stack, r.key)).body.equals(bytes), 'object bytes');
      const puts = rec.log.filter((e) => e.method === 'PUT');
      const dropped = puts.filter((e) => e.status === 'dropped');
      // (The proxy cuts after 60 kB of a connection carrying one 100 KiB part: mid-part.)
      assert.equal(dropped.length, 3, 'connections cut mid-part');
      const retries = states.filter((s) => s.state === 'retrying' && s.part);
      assert.equal(retries.length, dropped.length, 'each cut is one retry');
      let maxSends = 0;
      for (let n = 1; n <= 13; n++) {
        const sends = puts.filter((e) => e.partNumber === n);
        assert.equal(sends.filter((e) => e.status === 200).length, 1, `part ${n} stored once`);
        maxSends = Math.max(maxSends, sends.length);
        assert.ok(sends.length <= 4, `part ${n} sent ${sends.length} times`);
      }
      t.diagnostic(`${dropped.length} connections cut mid-part; a part was sent at most ${maxSends} times`);
    });
  }
});
