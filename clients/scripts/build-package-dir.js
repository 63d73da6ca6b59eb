// Makes dist/package: the package exactly as `npm pack` ships it, unpacked.
// The demo page (web/index.html, served by `make run`) imports the browser
// entry, ossgate-upload/web, from there through an import map, so it runs
// what a developer installs rather than the source tree. Run by
// `npm run build`, after the mini-program layout the tarball includes.
//
// Several processes may build at once (test files run in parallel): each
// unpacks into its own directory and moves it into place with one rename;
// when another build got there first, its equal copy stays.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const out = path.join(dist, 'package');

fs.mkdirSync(dist, { recursive: true });
const work = fs.mkdtempSync(path.join(dist, '.pack-'));
try {
  // --ignore-scripts: prepack's layout is done (npm run build ran it first).
  const json = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, encoding: 'utf8' });
  const [packed] = JSON.parse(json.slice(json.indexOf('[')));
  execFileSync('tar', ['-xzf', path.join(work, packed.filename), '-C', work]); // npm tarballs hold one folder, package/
  const old = path.join(work, 'old');
  try {
    fs.renameSync(out, old);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  try {
    fs.renameSync(path.join(work, 'package'), out);
  } catch (err) {
    if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err; // another build's copy is in place
  }
  console.log(`built ${path.relative(root, out)} (${packed.filename}, ${packed.entryCount} files)`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
