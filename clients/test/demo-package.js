// The demo page imports the packaged browser entry from dist/package, the
// tarball `npm run build` unpacks (make run and make test-js build it).
// ensureDemoPackage builds it when it is missing or its browser entry is not
// the sources', so `node --test` on a fresh checkout serves the page too.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const clientsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const packageDir = path.join(clientsDir, 'dist', 'package');

/** browserEntryFiles lists the files the browser entry is made of, relative to a package root. */
function browserEntryFiles(root) {
  const core = fs.existsSync(path.join(root, 'core')) ? fs.readdirSync(path.join(root, 'core')).filter((n) => n.endsWith('.js')) : [];
  return ['package.json', 'web/ossgate-web.js', ...core.sort().map((n) => `core/${n}`)];
}

/** upToDate reports whether dist/package holds the browser entry as the sources have it. */
function upToDate() {
  const want = browserEntryFiles(clientsDir);
  const got = browserEntryFiles(packageDir);
  if (want.join('\n') !== got.join('\n')) return false;
  return want.every((f) => {
    const p = path.join(packageDir, f);
    return fs.existsSync(p) && fs.readFileSync(p).equals(fs.readFileSync(path.join(clientsDir, f)));
  });
}

function build() {
  return new Promise((resolve, reject) => {
    execFile('npm', ['run', 'build', '--silent'], { cwd: clientsDir, timeout: 120_000 }, (err, _stdout, stderr) =>
      err ? reject(new Error(`npm run build: ${err.message}\n${stderr}`)) : resolve(),
    );
  });
}

/**
 * ensureDemoPackage resolves once dist/package holds the sources' browser
 * entry, running `npm run build` if it does not. A failed build is tried
 * once more: package.test.js's `npm pack` may be rewriting dist/miniprogram
 * (its prepack) while this build packs it.
 */
export async function ensureDemoPackage() {
  if (upToDate()) return;
  await build().catch(build);
  if (!upToDate()) throw new Error(`npm run build: ${packageDir} still differs from the sources`);
}
