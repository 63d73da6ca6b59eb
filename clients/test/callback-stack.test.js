// The upload callback on the REAL local stack (./local: the compiled sign and
// record functions, the strict local OSS, which calls the sign function back
// and signs its callbacks): the mini-program module resolves each file with
// its checked record from the upload's own answer, and, when the callback
// fails (the sign function's callback URL answers nothing), from GET
// /uploads/{id} with back-off; either way the upload has one record.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createWxUploader } from '../miniprogram/ossgate-upload.js';
import { createWx } from './wx-shim.js';
import { startLocal } from './stack.js';
import { png } from './fixtures.js';
import { PART, mp4, startMultipartStack } from './mp-stack.js';

let dir;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossgate-cb-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name, bytes) {
  const p = path.join(dir, name);
  fs.writeFileSync(p, bytes);
  return { path: p, size: bytes.length, name };
}

const html = Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>');

async function listKeys(stack, user) {
  const res = await fetch(stack.signURL + '/uploads?limit=50', { headers: { Authorization: 'Bearer ' + stack.token(user) } });
  return (await res.json()).records.map((r) => r.key);
}

function uploader(stack, user) {
  return createWxUploader({
    wx: createWx(), signUrl: stack.signURL + '/sign', profile: 'avatar', getToken: () => stack.token(user),
    baseDelayMs: 20, timeoutMs: 20_000, recordPollMs: 50,
  });
}

describe('callback answered', () => {
  let stack;
  before(async () => {
    stack = await startLocal();
  });
  after(async () => stack && stack.close());

  test('each file resolves with its checked record from the upload answer', async () => {
    const up = uploader(stack, 'cb-anna');
    const results = await up.upload([
      { ...file('clean.png', png(8, 8)), type: 'image/png' },
      { ...file('page.png', html), type: 'image/png' },
    ]);
    assert.deepEqual(results.map((r) => [r.ok, r.recordVia, r.record && r.record.status, r.record && r.record.key === r.key]),
      [[true, 'answer', 'ok', true], [true, 'answer', 'quarantined', true]]);
    assert.equal(results[0].record.detectedType, 'image/png');
    // the OSS event of each upload reaches the record function too: still one record each
    await new Promise((r) => setTimeout(r, 1500));
    const keys = await listKeys(stack, 'cb-anna');
    for (const r of results) assert.equal(keys.filter((k) => k === r.key).length, 1, `${r.key} listed once`);
  });
});

describe('callback failing', () => {
  let stack;
  before(async () => {
    stack = await startLocal({ env: { OSSGATE_CALLBACK_URL: 'http://127.0.0.1:1' } });
  });
  after(async () => stack && stack.close());

  test('a 203 CallbackFailed upload still ends with its record, asked of GET /uploads/{id}', async () => {
    const up = uploader(stack, 'cb-ben');
    const [r] = await up.upload([{ ...file('late.png', png(9, 9)), type: 'image/png' }]);
    assert.equal(r.ok, true);
    assert.equal(r.recordVia, 'poll');
    assert.equal(r.record.status, 'ok');
    assert.equal(r.record.key, r.key);
    const keys = await listKeys(stack, 'cb-ben');
    assert.equal(keys.filter((k) => k === r.key).length, 1);
  });
});

describe('multipart', () => {
  let env;
  before(async () => {
    env = await startMultipartStack();
  });
  after(async () => env && env.close());

  test('the complete answer carries the record', async () => {
    const bytes = mp4(3 * PART + 999);
    const f = file('v.mp4', bytes);
    const up = createWxUploader({
      wx: createWx(), signUrl: env.stack.signURL + '/sign', profile: 'video', getToken: () => env.stack.token('cb-cleo'),
      baseDelayMs: 20, timeoutMs: 20_000, recordPollMs: 50,
    });
    const [r] = await up.upload([{ ...f, type: 'video/mp4' }]);
    assert.equal(r.ok, true, r.error && r.error.message);
    assert.ok(r.multipart, 'went multipart');
    assert.deepEqual([r.recordVia, r.record.status, r.record.key, r.record.size], ['answer', 'ok', r.key, bytes.length]);
  });
});
