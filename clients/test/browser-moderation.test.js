// The demo page in headless Chromium against ./local with the image profile
// moderated by the app's webhook (a slow one here, answering after 2 s): a
// row shows "checking…" while its record is pending, then the verdict: ok
// with its download link, or rejected with the app's label and no link.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startLocal } from './stack.js';
import { png } from './fixtures.js';
import { CHROMIUM, CHROMIUM_ARGS as ARGS, chromiumMissing as missing, chromiumSkip as skip } from './chromium.js';

const PROFILES = JSON.stringify({
  image: { types: ['image/png'], maxSize: 1048576, maxFiles: 9, moderation: { provider: 'webhook' } },
});

describe('demo page: a moderated upload', { skip, timeout: 240_000 }, () => {
  let stack;
  let app;
  let context;
  let page;
  let profileDir;
  const asked = [];

  before(async () => {
    assert.ok(!missing, `${CHROMIUM} is missing: make deps-system installs Debian's chromium`);
    // The app's moderation endpoint: slow, and rejecting names with "risky".
    app = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const ev = JSON.parse(body);
        asked.push(ev.record.originalName);
        const risky = /risky/.test(ev.record.originalName);
        setTimeout(() => {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(risky ? { verdict: 'rejected', labels: ['test-label'] } : { verdict: 'ok' }));
        }, 2000);
      });
    });
    await new Promise((r) => app.listen(0, '127.0.0.1', r));
    stack = await startLocal({
      env: {
        OSSGATE_PROFILES: PROFILES,
        OSSGATE_MODERATION_WEBHOOK_URL: `http://127.0.0.1:${app.address().port}/moderate`,
        OSSGATE_WEBHOOK_SECRET: 'whsec_browser_0123456789',
      },
    });
    profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossgate-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1000, height: 860 }, timeout: 60_000 });
    page = context.pages()[0] || (await context.newPage());
    page.setDefaultTimeout(30_000);
    await page.goto(stack.demoURL); // / redirects to the page
    await page.goto(`${page.url()}?token=${stack.token('browser-user')}`);
    await page.waitForSelector('#file-input', { state: 'attached' });
  });

  after(async () => {
    if (context) await context.close();
    if (stack) await stack.close();
    if (app) app.close();
    if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
  });

  for (const [name, verdict, link] of [
    ['clean.png', 'ok', true],
    ['risky.png', 'rejected: test-label', false],
  ]) {
    test(`${name}: checking…, then ${verdict}`, async () => {
      await page.selectOption('#profile', 'image');
      await page.setInputFiles('#file-input', { name, mimeType: 'image/png', buffer: png(64, 48, { noise: true }) });
      const badge = page.locator(`#records tr:has-text("${name}") .badge`);
      await page.waitForSelector(`#records tr:has-text("${name}") .badge[data-state="checking"]`);
      assert.equal(await badge.textContent(), 'checking…');
      assert.equal(await page.locator(`#records tr:has-text("${name}") a.download`).count(), 0, 'no link while checking');
      if (process.env.OSSGATE_SCREENSHOT) await page.screenshot({ path: `${process.env.OSSGATE_SCREENSHOT}-${name}-checking.png`, fullPage: true });
      await page.waitForSelector(`#records tr:has-text("${name}") .badge:not([data-state="checking"])`, { timeout: 20_000 });
      assert.equal(await badge.textContent(), verdict);
      assert.equal(await page.locator(`#records tr:has-text("${name}") a.download`).count(), link ? 1 : 0);
      if (process.env.OSSGATE_SCREENSHOT) await page.screenshot({ path: `${process.env.OSSGATE_SCREENSHOT}-${name}-verdict.png`, fullPage: true });
    });
  }

  test('the app was asked once per upload', () => {
    assert.deepEqual(asked.sort(), ['clean.png', 'risky.png']);
  });
});
