// Lays out the mini-program entry of the npm package (the "miniprogram"
// field): WeChat DevTools' "build npm" copies that folder as it is into
// miniprogram_npm/<package>/, so it must hold every module the entry
// imports. It gets core/ and miniprogram/ side by side, unchanged, and an
// index.js re-exporting miniprogram/index.js. Run by npm's prepack.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist', 'miniprogram');

fs.rmSync(out, { recursive: true, force: true });
for (const dir of ['core', 'miniprogram']) {
  fs.mkdirSync(path.join(out, dir), { recursive: true });
  for (const name of fs.readdirSync(path.join(root, dir))) {
    if (name.endsWith('.js')) fs.copyFileSync(path.join(root, dir, name), path.join(out, dir, name));
  }
}
fs.writeFileSync(
  path.join(out, 'index.js'),
  "// The mini-program entry of the package: every platform's uploader (./miniprogram/index.js).\nexport * from './miniprogram/index.js';\n",
);
console.log(`built ${path.relative(root, out)}`);
