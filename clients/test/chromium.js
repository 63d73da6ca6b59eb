// Headless Debian Chromium for the browser tests (playwright-core drives it).
import fs from 'node:fs';
import { ensureDemoPackage } from './demo-package.js';

export const CHROMIUM = process.env.OSSGATE_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const chromiumMissing = !fs.existsSync(CHROMIUM);
// make test sets OSSGATE_REQUIRE_BROWSER=1: there a missing Chromium fails.
export const chromiumSkip = chromiumMissing && process.env.OSSGATE_REQUIRE_BROWSER !== '1' ? `no ${CHROMIUM} (make deps installs it)` : false;

/** launchChromium starts headless Chromium with a persistent profile in profileDir and resolves with its context. */
export async function launchChromium(chromium, profileDir, viewport = { width: 1000, height: 900 }) {
  return chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport, timeout: 60_000 });
}

/** watchBar records every aria-valuenow of the #files row of name in window.__bars[name]. */
export async function watchBar(page, name) {
  await page.evaluate((n) => {
    window.__bars = window.__bars || {};
    window.__bars[n] = [];
    new MutationObserver((records) => {
      for (const r of records) {
        const li = r.target.closest('.file');
        if (li && li.dataset.name === n) window.__bars[n].push(Number(r.target.getAttribute('aria-valuenow')));
      }
    }).observe(document.querySelector('#files'), { subtree: true, attributes: true, attributeFilter: ['aria-valuenow'] });
  }, name);
}

/**
 * openDemo opens url (the demo page) in context's first tab, collecting
 * uncaught page errors into pageErrors, and resolves with the page once its
 * script, with the packaged browser entry it imports, has run (building
 * that package first when it is missing or out of date).
 */
export async function openDemo(context, url, pageErrors) {
  await ensureDemoPackage();
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(30_000);
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(url);
  await page.waitForSelector('#file-input', { state: 'attached' });
  await page.waitForSelector('html[data-ready="true"]', { state: 'attached' });
  return page;
}
