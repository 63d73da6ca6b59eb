// The demo page in headless Chromium against the REAL local stack (./local
// with multipart profiles; OSS on another origin, so every part PUT is a
// CORS request; OSS traffic through the recording proxy, which slows the
// PUTs so a reload lands mid-upload): a 13-part file with a live progress
// bar, a reload mid-upload resumed from localStorage without re-sending
// stored parts, and Cancel.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, chromiumMissing, chromiumSkip, launchChromium, openDemo, watchBar as watch } from './chromium.js';
import { getObject } from './stack.js';
import { PART, mp4, startMultipartStack } from './mp-stack.js';

describe('demo page uploads large files by multipart on the real stack', { skip: chromiumSkip, timeout: 180_000 }, () => {
  let env;
  let stack;
  let rec;
  let context;
  let page;
  let dir;
  const pageErrors = [];

  before(async () => {
    assert.ok(!chromiumMissing, `${CHROMIUM} is missing: make deps-system installs Debian's chromium`);
    env = await startMultipartStack();
    ({ stack, rec } = env);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossgate-mp-stack-chromium-'));
    context = await launchChromium(chromium, path.join(dir, 'profile'));
    page = await openDemo(context, `${stack.demoURL}demo/web/?profile=video&token=${stack.token('browser-mp')}`, pageErrors);
  });

  after(async () => {
    if (context) await context.close();
    if (env) await env.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  function writeFile(name, size) {
    const p = path.join(dir, name);
    const bytes = mp4(size);
    fs.writeFileSync(p, bytes);
    return { path: p, bytes };
  }

  const slowPuts = (ms) => {
    rec.hooks.before = (req) => (req.method === 'PUT' ? { delayMs: ms } : undefined);
  };

  test('a 13-part file: live progress bar, every part PUT cross-origin with the signed Content-Type, recorded', async () => {
    rec.reset();
    slowPuts(40);
    const f = writeFile('movie.mp4', 12 * PART + 123);
    await watch(page, 'movie.mp4');
    await page.setInputFiles('#file-input', f.path);
    const row = page.locator('.file[data-name="movie.mp4"]');
    await page.waitForSelector('.file[data-name="movie.mp4"][data-state="done"]');
    const values = await page.evaluate(() => window.__bars['movie.mp4']);
    assert.equal(values.at(-1), 100);
    for (let i = 1; i < values.length; i++) assert.ok(values[i] >= values[i - 1], `bar went back: ${values}`);
    assert.ok(new Set(values.filter((v) => v > 0 && v < 100)).size >= 5, `a live bar: ${values}`);
    assert.match(await row.locator('.meta').textContent(), /13 parts of 100\.0 KB/);
    const key = (await row.locator('code.key').textContent()).trim();
    assert.ok((await getObject(stack, key)).body.equals(f.bytes), 'object bytes');
    const puts = rec.log.filter((e) => e.method === 'PUT');
    assert.equal(puts.length, 13);
    assert.ok(puts.every((e) => e.status === 200 && e.contentType === 'application/octet-stream'));
    assert.ok(rec.log.some((e) => e.method === 'OPTIONS' && e.status === 200), 'a CORS preflight for the PUTs, allowed by OSS');
    await page.waitForSelector('#records tr:has-text("movie.mp4")');
  });

  test('a reload mid-upload: the same file chosen again continues from the parts OSS has', async () => {
    rec.reset();
    slowPuts(150);
    const f = writeFile('long.mp4', 16 * PART);
    await page.setInputFiles('#file-input', f.path);
    const stored = () => rec.log.filter((e) => e.method === 'PUT' && e.status === 200);
    for (let i = 0; i < 500 && stored().length < 4; i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(stored().length >= 4, 'four parts stored before the reload');
    await page.reload();
    await page.waitForSelector('#pending-list li[data-name="long.mp4"]');
    await new Promise((r) => setTimeout(r, 400)); // the PUTs the reload cut off settle
    const storedBefore = new Set(stored().map((e) => e.partNumber));
    const n = rec.log.length;

    slowPuts(20);
    await watch(page, 'long.mp4');
    await page.setInputFiles('#file-input', f.path);
    const row = page.locator('.file[data-name="long.mp4"]');
    await page.waitForSelector('.file[data-name="long.mp4"][data-state="done"]');
    assert.equal(await row.getAttribute('data-multipart'), 'resumed');
    const after = rec.log.slice(n).filter((e) => e.method === 'PUT');
    assert.ok(after.length > 0 && after.length <= 16 - storedBefore.size + 3, `parts sent after the reload: ${after.length}`);
    for (const e of after) assert.ok(!storedBefore.has(e.partNumber), `part ${e.partNumber} was stored before the reload and sent again`);
    const values = await page.evaluate(() => window.__bars['long.mp4']);
    assert.ok(values.find((v) => v > 0) >= Math.floor((storedBefore.size * 100) / 16), `the bar starts from the stored parts: ${values}`);
    const key = (await row.locator('code.key').textContent()).trim();
    assert.ok((await getObject(stack, key)).body.equals(f.bytes), 'object bytes');
    await page.waitForSelector('#pending', { state: 'hidden' });
  });

  test('Cancel aborts the upload server-side', async () => {
    rec.reset();
    slowPuts(200);
    const f = writeFile('cancel.mp4', 10 * PART);
    await page.setInputFiles('#file-input', f.path);
    await page.waitForSelector('.file[data-name="cancel.mp4"][data-state="uploading"]');
    await page.click('.file[data-name="cancel.mp4"] button.cancel');
    await page.waitForSelector('.file[data-name="cancel.mp4"][data-state="failed"]');
    assert.match(await page.locator('.file[data-name="cancel.mp4"] .error').textContent(), /^Aborted/);
    const e = rec.log.find((x) => x.uploadId);
    const key = decodeURIComponent(e.path.split('/').slice(2).join('/'));
    const res = await fetch(stack.signURL + '/uploads/multipart/parts', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + stack.token('browser-mp') },
      body: JSON.stringify({ key, uploadId: e.uploadId, size: 10 * PART }),
    });
    assert.equal(res.status, 404, 'the upload is gone from OSS');
    assert.deepEqual(pageErrors, [], 'no uncaught errors on the page');
  });
});
