// The clients' stale-ticket path and the 409 rule, on the real local stack
// (the compiled functions under the FC emulator, the strict local OSS): a
// ticket whose STS credentials OSS no longer accepts, for each code OSS
// uses, is replaced once by a fresh ticket; and a 409 FileAlreadyExists is
// an upload that landed only on a retry whose first attempt may have landed.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createWxUploader } from '../miniprogram/ossgate-upload.js';
import { createWx } from './wx-shim.js';
import { startLocal, getObject } from './stack.js';
import { startLandingProxy } from './landing-proxy.js';
import { png, writeFile } from './fixtures.js';

const PROFILES = { image: { types: ['image/png'], maxSize: 2 << 20, maxFiles: 3 } };

let stack;
let dir;
let file;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossgate-stale-'));
  stack = await startLocal({ env: { OSSGATE_PROFILES: JSON.stringify(PROFILES) }, stsControl: true });
  file = writeFile(path.join(dir, 'photo.png'), png(24, 24, { noise: true }));
});
after(async () => {
  if (stack) await stack.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * harness returns an uploader over a wx shim whose uploads go to url (the
 * OSS endpoint or a proxy in front of it) and whose first upload waits for
 * beforeFirst(formData); it records every upload's status and OSS code.
 */
function harness({ beforeFirst = async () => {}, url } = {}) {
  const wx = createWx();
  const realUpload = wx.uploadFile;
  const answers = [];
  let first = true;
  wx.uploadFile = (o) => {
    const hook = first ? beforeFirst(o.formData) : Promise.resolve();
    first = false;
    const task = { listeners: [], onProgressUpdate: (fn) => task.listeners.push(fn), abort() {} };
    hook.then(() => {
      const t = realUpload({
        ...o,
        url: url ? o.url.replace(stack.ossURL, url) : o.url,
        success: (res) => {
          answers.push({ status: res.statusCode, code: /<Code>([^<]*)<\/Code>/.exec(String(res.data))?.[1] || '' });
          o.success(res);
        },
        fail: (err) => {
          answers.push({ status: 0, code: 'network' });
          o.fail(err);
        },
      });
      for (const fn of task.listeners) t.onProgressUpdate(fn);
    }, (err) => o.fail({ errMsg: 'test hook: ' + err.message }));
    return task;
  };
  const up = createWxUploader({ wx, signUrl: stack.signURL + '/sign', profile: 'image', baseDelayMs: 20, timeoutMs: 20_000 });
  const signCalls = () => wx.calls.filter((c) => c.api === 'request' && c.url.endsWith('/sign')).length;
  return { up, answers, signCalls };
}

/** accessKeyOf returns the AccessKeyId a ticket's form was signed with. */
const accessKeyOf = (formData) => formData['x-oss-credential'].split('/')[0];

const STS_CODES = [
  ['expired', 'SecurityTokenExpired'],
  ['invalid', 'InvalidSecurityToken'],
  ['unknown', 'InvalidAccessKeyId'],
];

describe('stale tickets on the local stack', { timeout: 180_000 }, () => {
  for (const [state, code] of STS_CODES) {
    test(`a ticket whose STS credentials are ${state} at OSS (${code}) is replaced once and the upload succeeds`, async () => {
      const h = harness({ beforeFirst: (form) => stack.setSTS(accessKeyOf(form), state) });
      const r = await h.up.uploadFile({ path: file.path, size: file.size });
      assert.deepEqual(h.answers.map((a) => `${a.status} ${a.code}`), [`403 ${code}`, '200 '], 'upload answers');
      assert.equal(h.signCalls(), 2, 'sign requests: the ticket and one fresh one');
      const got = await getObject(stack, r.key);
      assert.equal(got.status, 200);
      assert.ok(got.body.equals(file.bytes), 'stored bytes');
    });

    test(`when every STS credential is ${state}, the fresh ticket fails too and ${code} is reported`, async (t) => {
      await stack.setSTS('', state);
      t.after(() => stack.setSTS('', 'valid'));
      const h = harness();
      await assert.rejects(h.up.uploadFile({ path: file.path, size: file.size }), (err) => {
        assert.equal(err.code, code, `${err.code}: ${err.message}`);
        assert.equal(err.status, 403);
        assert.ok(err.message, 'message');
        return true;
      });
      assert.equal(h.signCalls(), 2, 'sign requests: one fresh ticket, no more');
      assert.equal(h.answers.length, 2, 'uploads: the ticket and the fresh one');
    });
  }

  test('a retried POST whose first attempt landed (its answer lost) counts as uploaded on 409 FileAlreadyExists', async (t) => {
    const proxy = await startLandingProxy(stack.ossURL, 'lost-answer');
    t.after(() => proxy.close());
    const h = harness({ url: proxy.url });
    const r = await h.up.uploadFile({ path: file.path, size: file.size });
    assert.deepEqual(h.answers.map((a) => `${a.status} ${a.code}`), ['0 network', '409 FileAlreadyExists'], 'upload answers');
    assert.equal(h.signCalls(), 1, 'sign requests');
    const got = await getObject(stack, r.key);
    assert.ok(got.body.equals(file.bytes), `stored bytes (${got.status})`);
  });

  test('a 409 FileAlreadyExists on the first attempt is reported, not retried', async (t) => {
    const proxy = await startLandingProxy(stack.ossURL, 'posted-before');
    t.after(() => proxy.close());
    const h = harness({ url: proxy.url });
    await assert.rejects(h.up.uploadFile({ path: file.path, size: file.size }), (err) => {
      assert.equal(err.code, 'FileAlreadyExists', `${err.code}: ${err.message}`);
      assert.equal(err.status, 409);
      return true;
    });
    assert.equal(proxy.posts, 1, 'POSTs sent by the client');
  });
});
