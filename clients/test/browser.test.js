// The demo page in headless Debian Chromium (playwright-core) against the
// program `make run` runs (./local, on random ports): choose a file, watch it
// reach 100%, see it recorded; choose a disallowed type, see the error.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startLocal } from './stack.js';
import { png } from './fixtures.js';
import { CHROMIUM, CHROMIUM_ARGS as ARGS, chromiumMissing as missing, chromiumSkip as skip } from './chromium.js';

describe('demo page in Chromium', { skip, timeout: 240_000 }, () => {
  let stack;
  let context;
  let page;
  let profileDir;
  const pageErrors = [];

  before(async () => {
    assert.ok(!missing, `${CHROMIUM} is missing: make deps-system installs Debian's chromium`);
    stack = await startLocal();
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
  });

  after(async () => {
    if (context) await context.close();
    if (stack) await stack.close();
    if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
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
    assert.equal(cells[1], 'image/png');
    assert.equal(cells[3], 'ok');
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
});
