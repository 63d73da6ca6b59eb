// The demo page in headless Chromium (playwright-core), uploading large files
// by multipart against the fake sign function and OSS (fake-server.js; OSS on
// another origin, so the part PUTs go through CORS as they do on a bucket):
// a multi-part file with a live progress bar, and a reload mid-upload that
// resumes from localStorage when the same file is chosen again.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, chromiumMissing, chromiumSkip, launchChromium, openDemo, watchBar as watch } from './chromium.js';
import { startFake } from './fake-server.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const PART = 256 * KiB;
const PROFILES = { video: { types: ['video/mp4'], maxSize: 512 * MiB, multipart: { partSize: PART, threshold: 2 * PART } } };

describe('demo page uploads large files by multipart in Chromium', { skip: chromiumSkip, timeout: 180_000 }, () => {
  let fake;
  let context;
  let page;
  let dir;
  const pageErrors = [];

  before(async () => {
    assert.ok(!chromiumMissing, `${CHROMIUM} is missing: make deps-system installs Debian's chromium`);
    fake = await startFake({ profiles: PROFILES });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossgate-mp-chromium-'));
    context = await launchChromium(chromium, path.join(dir, 'profile'));
    page = await openDemo(context, fake.demoUrl + '?profile=video', pageErrors);
  });

  after(async () => {
    if (context) await context.close();
    if (fake) await fake.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** writeFile writes size random bytes as name in the temp dir (a chosen file keeps its mtime, so its identity). */
  function writeFile(name, size) {
    const p = path.join(dir, name);
    const bytes = crypto.randomBytes(size);
    fs.writeFileSync(p, bytes);
    return { path: p, bytes };
  }

  const keyOf = (name) => [...fake.oss.uploads.entries()].find(([, u]) => u.meta.name === name);

  test('a 13-part file goes multipart with a live progress bar; every part is PUT cross-origin with the signed Content-Type', async () => {
    const f = writeFile('movie.mp4', 12 * PART + 123);
    fake.oss.partDelayMs = 40;
    await watch(page, 'movie.mp4');
    await page.setInputFiles('#file-input', f.path);
    const row = page.locator('.file[data-name="movie.mp4"]');
    await page.waitForSelector('.file[data-name="movie.mp4"][data-state="done"]');
    const values = await page.evaluate(() => window.__bars['movie.mp4']);
    assert.equal(values[values.length - 1], 100);
    for (let i = 1; i < values.length; i++) assert.ok(values[i] >= values[i - 1], `bar went back: ${values}`);
    assert.ok(new Set(values.filter((v) => v > 0 && v < 100)).size >= 5, `a live bar: ${values}`);
    assert.equal(await row.getAttribute('data-multipart'), 'new');
    assert.match(await row.locator('.meta').textContent(), /13 parts of 256\.0 KB/);
    assert.match(await row.locator('.status').textContent(), /^Uploaded as uploads\/video\/anonymous\//);
    const key = (await row.locator('code.key').textContent()).trim();
    assert.ok(fake.oss.objects.get(key).content.equals(f.bytes), 'object bytes');
    const puts = fake.oss.puts.filter((p) => p.status === 200);
    assert.equal(puts.length, 13);
    assert.ok(puts.every((p) => p.contentType === 'application/octet-stream'));
    assert.ok(fake.oss.preflights.some((p) => p.method === 'PUT' && /content-type/i.test(p.headers) && p.allowed), 'CORS preflight for the PUTs');
    await page.waitForSelector('#records tr:has-text("movie.mp4")');
  });

  test('a reload mid-upload: the page lists the unfinished upload, and the same file chosen again continues from the stored parts', async () => {
    const f = writeFile('long.mp4', 16 * PART);
    fake.oss.partDelayMs = 150;
    const createsBefore = fake.mp.creates.length;
    await page.setInputFiles('#file-input', f.path);
    let entry;
    for (let i = 0; i < 300 && !(entry && entry[1].parts.size >= 4); i++) {
      await new Promise((r) => setTimeout(r, 20));
      entry = keyOf('long.mp4');
    }
    assert.ok(entry && entry[1].parts.size >= 4, 'four parts stored before the reload');
    await page.reload();
    await page.waitForSelector('#pending-list li[data-name="long.mp4"]');
    assert.equal(await page.locator('#pending').isVisible(), true);
    const saved = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('ossgate.multipart.')).length);
    assert.equal(saved, 1, 'the resume entry is in localStorage');
    await new Promise((r) => setTimeout(r, 300)); // parts the reload cut off have reached the fake
    const storedBefore = new Set(entry[1].parts.keys());
    const putsBefore = fake.oss.puts.length;

    fake.oss.partDelayMs = 20;
    await watch(page, 'long.mp4');
    await page.setInputFiles('#file-input', f.path);
    const row = page.locator('.file[data-name="long.mp4"]');
    await page.waitForSelector('.file[data-name="long.mp4"][data-state="done"]');
    assert.equal(await row.getAttribute('data-multipart'), 'resumed');
    assert.equal(fake.mp.creates.length, createsBefore + 1, 'no new upload');
    const after = fake.oss.puts.slice(putsBefore);
    assert.ok(after.length > 0 && after.length <= 16 - storedBefore.size + 1, `parts sent after the reload: ${after.length}`);
    for (const p of after) assert.ok(!storedBefore.has(p.number), `part ${p.number} was stored before the reload and sent again`);
    const values = await page.evaluate(() => window.__bars['long.mp4']);
    const firstShown = values.find((v) => v > 0);
    assert.ok(firstShown >= Math.floor((storedBefore.size * 100) / 16), `the bar starts from the stored parts: ${values}`);
    const key = (await row.locator('code.key').textContent()).trim();
    assert.equal(key, entry[1].key);
    assert.ok(fake.oss.objects.get(key).content.equals(f.bytes), 'object bytes');
    await page.waitForSelector('#pending', { state: 'hidden' });
    const left = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('ossgate.multipart.')).length);
    assert.equal(left, 0);
  });

  test('Cancel aborts the upload server-side and forgets it', async () => {
    const f = writeFile('cancel.mp4', 10 * PART);
    fake.oss.partDelayMs = 200;
    const deletesBefore = fake.mp.deletes.length;
    await page.setInputFiles('#file-input', f.path);
    await page.waitForSelector('.file[data-name="cancel.mp4"][data-state="uploading"]');
    await page.click('.file[data-name="cancel.mp4"] button.cancel');
    await page.waitForSelector('.file[data-name="cancel.mp4"][data-state="failed"]');
    assert.match(await page.locator('.file[data-name="cancel.mp4"] .error').textContent(), /^Aborted/);
    assert.equal(fake.mp.deletes.length, deletesBefore + 1);
    assert.equal(keyOf('cancel.mp4'), undefined, 'the upload is gone');
    await page.screenshot({ path: path.join(os.tmpdir(), 'ossgate-demo-multipart.png'), fullPage: true });
    assert.deepEqual(pageErrors, [], 'no uncaught errors on the page');
  });
});
