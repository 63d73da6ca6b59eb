// The demo page in headless Debian Chromium (playwright-core) against the
// program `make run` runs (./local, on random ports): choose a file, watch it
// reach 100%, see it recorded with a thumbnail OSS resized, download it, delete
// it; choose a disallowed type, see the error; fill a quota of 2 files and see
// the third refused.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startLocal } from './stack.js';
import { png } from './fixtures.js';
import { CHROMIUM, CHROMIUM_ARGS as ARGS, chromiumMissing as missing, chromiumSkip as skip } from './chromium.js';
import { ensureDemoPackage } from './demo-package.js';

// The built-in profiles plus "limited": 2 files a day per user.
const PROFILES = JSON.stringify({
  avatar: { types: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'], maxSize: 5242880, maxFiles: 1 },
  image: { types: ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/heic'], maxSize: 10485760, maxFiles: 9 },
  document: { types: ['application/pdf'], maxSize: 20971520, maxFiles: 5 },
  limited: { types: ['image/png'], maxSize: 1048576, maxFiles: 3, quota: { files: 2, per: 'day' } },
});

describe('demo page in Chromium', { skip, timeout: 240_000 }, () => {
  let stack;
  let context;
  let page;
  let profileDir;
  const pageErrors = [];

  before(async () => {
    assert.ok(!missing, `${CHROMIUM} is missing: make deps-system installs Debian's chromium`);
    await ensureDemoPackage();
    stack = await startLocal({ env: { OSSGATE_PROFILES: PROFILES } });
    profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossgate-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1000, height: 860 },
      timeout: 60_000,
    });
    page = context.pages()[0] || (await context.newPage());
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(stack.demoURL); // what make run prints: / redirects to the page
    assert.match(page.url(), /\/demo\/web\/$/);
    // GET /uploads lists a signed-in user's records only: the page takes a token from ?token=.
    await page.goto(`${page.url()}?token=${stack.token('browser-user')}`);
    await page.waitForSelector('#file-input', { state: 'attached' });
    await page.waitForSelector('html[data-ready="true"]', { state: 'attached' });
  });

  after(async () => {
    if (context) await context.close();
    if (stack) await stack.close();
    if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
  });

  test('the page runs the packaged browser entry, not the source tree', async () => {
    const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
    for (const want of ['/demo/pkg/web/ossgate-web.js', '/demo/pkg/core/uploader.js']) {
      assert.ok(loaded.includes(want), `${want} not loaded; loaded: ${loaded.join(' ')}`);
    }
    assert.deepEqual(loaded.filter((p) => p.startsWith('/demo/core/') || p === '/demo/web/ossgate-web.js'), []);
  });

  test('a chosen image reaches 100%, shows a preview and is listed once recorded', async () => {
    await page.selectOption('#profile', 'image');
    await page.setInputFiles('#file-input', { name: 'cat.png', mimeType: 'image/png', buffer: png(160, 120, { noise: true }) });
    const row = page.locator('.file[data-name="cat.png"]');
    await page.waitForSelector('.file[data-name="cat.png"][data-state="done"]');
    assert.equal(await row.locator('.percent').textContent(), '100%');
    assert.equal(await row.locator('[role=progressbar]').getAttribute('aria-valuenow'), '100');
    const previewWidth = await row.locator('.thumb img').evaluate((img) => img.naturalWidth);
    assert.equal(previewWidth, 160, 'image preview');
    await page.waitForSelector('#records tr:has-text("cat.png")', { timeout: 30_000 });
    const cells = await page.locator('#records tr:has-text("cat.png") td').allTextContents();
    assert.equal(cells[2], 'image/png');
    assert.equal(cells[4], 'ok');
  });

  test('a recorded PNG shows a thumbnail resized by OSS, its download link returns its bytes, Delete removes it', async () => {
    const bytes = png(400, 300, { noise: true });
    await page.selectOption('#profile', 'image');
    await page.setInputFiles('#file-input', { name: 'wide.png', mimeType: 'image/png', buffer: bytes });
    const row = page.locator('#records tr:has-text("wide.png")');
    await row.waitFor({ timeout: 30_000 });
    const thumb = row.locator('td.rec-thumb img');
    await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await thumb.elementHandle());
    assert.equal(await thumb.evaluate((img) => img.naturalWidth), 256, 'thumbnail width (image/resize,w_256 of a 400 px image)');
    assert.equal(await thumb.evaluate((img) => img.naturalHeight), 192);
    const href = await row.locator('a.download').getAttribute('href');
    assert.match(href, /x-oss-signature=/);
    const got = await fetch(href, { signal: AbortSignal.timeout(10_000) });
    assert.equal(got.status, 200);
    assert.deepEqual(Buffer.from(await got.arrayBuffer()), bytes, 'downloadUrl returns the uploaded bytes');
    await row.locator('button.delete').click();
    await row.waitFor({ state: 'detached' });
    const gone = await fetch(href, { signal: AbortSignal.timeout(10_000) });
    assert.equal(gone.status, 404, 'the object is deleted');
    await page.click('#refresh');
    await page.waitForFunction(() => /recorded upload|Nothing recorded/.test(document.querySelector('#records-status').textContent));
    assert.equal(await page.locator('#records tr:has-text("wide.png")').count(), 0, 'not listed after Delete');
  });

  test('a dropped file is uploaded too', async () => {
    await page.evaluate(async () => {
      const blob = await (await fetch('data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==')).blob();
      const dt = new DataTransfer();
      dt.items.add(new File([blob], 'dropped.gif', { type: 'image/gif' }));
      document.querySelector('#drop').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await page.waitForSelector('.file[data-name="dropped.gif"][data-state="done"]');
    await page.waitForSelector('#records tr:has-text("dropped.gif")', { timeout: 30_000 });
  });

  test('a disallowed type shows the error code and message', async () => {
    await page.setInputFiles('#file-input', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
    await page.waitForSelector('.file[data-name="notes.txt"][data-state="failed"]');
    const error = await page.locator('.file[data-name="notes.txt"] .error').textContent();
    assert.match(error, /^UnsupportedType .*text\/plain/, `error text: ${error}`);
    // For a person to look at (not committed): the page after both uploads.
    await page.screenshot({ path: path.join(os.tmpdir(), 'ossgate-demo.png'), fullPage: true });
    assert.deepEqual(pageErrors, [], 'no uncaught errors on the page');
  });

  test('a quota of 2 files refuses the third upload, and the page shows what is left', async () => {
    const pageURL = page.url().replace(/\?.*$/, '');
    await page.goto(`${pageURL}?token=${stack.token('quota-user')}&profile=limited`);
    await page.waitForSelector('#quota[data-files-left="2"]');
    const files = [1, 2, 3].map((i) => ({ name: `q${i}.png`, mimeType: 'image/png', buffer: png(20 + i, 20, { noise: true }) }));
    for (const f of files) {
      await page.setInputFiles('#file-input', f);
      await page.waitForSelector(`.file[data-name="${f.name}"][data-state="done"], .file[data-name="${f.name}"][data-state="failed"]`);
    }
    assert.equal(await page.locator('.file[data-name="q1.png"]').getAttribute('data-state'), 'done');
    assert.equal(await page.locator('.file[data-name="q2.png"]').getAttribute('data-state'), 'done');
    assert.equal(await page.locator('.file[data-name="q3.png"]').getAttribute('data-state'), 'failed');
    const error = await page.locator('.file[data-name="q3.png"] .error').textContent();
    assert.match(error, /^QuotaExceeded at most 2 files per day/, `error text: ${error}`);
    await page.waitForSelector('#quota[data-files-left="0"]');
    assert.match(await page.locator('#quota').textContent(), /0 of 2 files/);
    await page.screenshot({ path: path.join(os.tmpdir(), 'ossgate-demo-quota.png'), fullPage: true });
  });
});
