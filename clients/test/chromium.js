// Headless Debian Chromium for the browser tests (playwright-core drives it).
import fs from 'node:fs';

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
